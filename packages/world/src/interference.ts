// Interference data (issue 14, third edition; opt-in): SFT sets whose answer formats conflict, so that
// fine-tuning on their union hurts a task and the pipeline (which start model, which data) matters.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { Rng, writeFolderAtomic } from '@lamdagent/core/kit';
import { PEOPLE } from './lexicon.js';
import { jsonl, toSft } from './records.js';
import { drawSplits } from './splits.js';
import type { SftExample, WorldItem } from './types.js';

export const InterferenceOptionsSchema = z
  .object({
    /** Clean rc items in the pool: the first n of the rc train split (the rc specialist read 1,000). */
    rcPool: z.number().int().min(1).default(300),
    /** rc items after the pool that no dataset holds (the specialist's private data). */
    rcSkip: z.number().int().min(0).default(700),
    /** rc items after those, answered in a sentence as a chat-style QA set does. */
    rcChat: z.number().int().min(1).default(1500),
  })
  .strict();
export type InterferenceOptions = z.input<typeof InterferenceOptionsSchema>;

export const INTERFERENCE_FORMAT = 'lamdagent-world-interference/1';

/**
 * The folder's manifest. `sft` (paths relative to the folder on disk, absolute when returned): `rc`, the
 * clean rc pool; `rcChat`, rc answered in sentences; `clean`, arith, mc (the world's train splits) and
 * `rc`, shuffled; `mix`, `clean` and `rcChat` shuffled (what Fully Fine-Tuned trains on).
 */
export const InterferenceManifestSchema = z.object({
  format: z.literal(INTERFERENCE_FORMAT),
  seed: z.number().int(),
  options: z.object({ rcPool: z.number().int(), rcSkip: z.number().int(), rcChat: z.number().int() }),
  sft: z.object({ rc: z.string(), rcChat: z.string(), clean: z.string(), mix: z.string() }),
  counts: z.record(z.string(), z.number().int()),
});
export type InterferenceManifest = z.infer<typeof InterferenceManifestSchema>;

/** ` Ann lives in Tokyo.`: the context's sentence about the person the question asks about. */
export function chatAnswer(prompt: string): string {
  const m = /^C: (.*) Q: (.*) A:$/.exec(prompt);
  if (!m) throw new Error(`not a reading-comprehension prompt: ${prompt}`);
  const [, context = '', question = ''] = m;
  const person = PEOPLE.find((p) => new RegExp(`\\b${p}\\b`).test(question));
  const sentence = (context.match(/[^.]+\./g) ?? []).map((s) => s.trim()).find((s) => person !== undefined && s.startsWith(`${person} `));
  if (!sentence) throw new Error(`no sentence about the person asked for in: ${prompt}`);
  return ` ${sentence}`;
}

interface Sizes {
  seed: number;
  trainSize: number;
  valSize: number;
  testSize: number;
}

/**
 * Writes the interference SFT sets into `outDir` (atomically) and returns the manifest with absolute
 * paths. Every item comes from the world's own train streams (never a validation or test prompt):
 * `rc` is the first `rcPool` items of the rc train split (the same lines as the world's rc set), the
 * chat set the `rcChat` items after `rcPool + rcSkip`. Same options, same bytes.
 */
export async function generateInterferenceData(outDir: string, sizes: Sizes, options: InterferenceOptions = {}): Promise<InterferenceManifest> {
  const parsed = InterferenceOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`interference options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const o = parsed.data;
  const split = (task: 'arith' | 'mc' | 'rc', n: number): WorldItem[] =>
    drawSplits(task, sizes.seed, { trainSize: n, valSize: sizes.valSize, testSize: sizes.testSize }).train ?? [];
  const rcItems = split('rc', o.rcPool + o.rcSkip + o.rcChat);
  const rc = rcItems.slice(0, o.rcPool).map((i) => toSft('rc', i));
  const rcChat: SftExample[] = rcItems.slice(o.rcPool + o.rcSkip).map((i) => ({ prompt: i.prompt, completion: chatAnswer(i.prompt) }));
  const skills = [...split('arith', sizes.trainSize).map((i) => toSft('arith', i)), ...split('mc', sizes.trainSize).map((i) => toSft('mc', i))];
  const clean = Rng.labelled(sizes.seed, 'interference-clean').shuffle([...skills, ...rc]);
  const mix = Rng.labelled(sizes.seed, 'interference-mix').shuffle([...clean, ...rcChat]);
  const files: [string, SftExample[]][] = [
    [`sft/rc-${o.rcPool}.jsonl`, rc],
    [`sft/rc-chat-${o.rcChat}.jsonl`, rcChat],
    ['sft/clean.jsonl', clean],
    ['sft/mix.jsonl', mix],
  ];
  const manifest: InterferenceManifest = {
    format: INTERFERENCE_FORMAT,
    seed: sizes.seed,
    options: o,
    sft: { rc: files[0]![0], rcChat: files[1]![0], clean: files[2]![0], mix: files[3]![0] },
    counts: Object.fromEntries(files.map(([p, r]) => [p, r.length])),
  };
  await writeFolderAtomic(outDir, async (tmp) => {
    for (const [path, records] of files) {
      await mkdir(dirname(join(tmp, path)), { recursive: true });
      await writeFile(join(tmp, path), jsonl(records));
    }
    await writeFile(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  });
  return readInterferenceManifest(outDir);
}

/** Reads `dir/manifest.json` written by `generateInterferenceData`, with paths made absolute. */
export async function readInterferenceManifest(dir: string): Promise<InterferenceManifest> {
  const file = join(dir, 'manifest.json');
  const parsed = InterferenceManifestSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not an interference manifest: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const m = parsed.data;
  const abs = (p: string): string => resolve(dir, p);
  return { ...m, sft: { rc: abs(m.sft.rc), rcChat: abs(m.sft.rcChat), clean: abs(m.sft.clean), mix: abs(m.sft.mix) } };
}
