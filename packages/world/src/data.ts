import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { jsonl, toEval, toPreference, toSft } from './records.js';
import { Rng, writeFolderAtomic } from '@lamdagent/core/kit';
import { TASK_NAMES, WORLD_TASKS } from './skills/index.js';
import { drawSplits } from './splits.js';
import type { SkillName, WorldTaskName } from './types.js';

/** Default validation and test split sizes per task: a 95% interval of at most ±3.1 points at any score. */
export const DEFAULT_EVAL_SIZE = 1000;

export const WorldDataOptionsSchema = z
  .object({
    seed: z.number().int().min(0),
    trainSize: z.number().int().min(1).default(1000),
    valSize: z.number().int().min(1).default(DEFAULT_EVAL_SIZE),
    testSize: z.number().int().min(1).default(DEFAULT_EVAL_SIZE),
  })
  .strict();
export type WorldDataOptions = z.input<typeof WorldDataOptionsSchema>;
export type ResolvedWorldDataOptions = z.output<typeof WorldDataOptionsSchema>;

const SkillFiles = z.object({ arith: z.string(), mc: z.string(), rc: z.string(), all: z.string() });
const SplitFiles = z.object({ validation: z.string(), test: z.string() });

export const WORLD_DATA_FORMAT = 'lamdagent-world-data/1';

export const WorldDataManifestSchema = z.object({
  format: z.literal(WORLD_DATA_FORMAT),
  /** Absolute folder the paths below live in (only in the returned value; paths on disk are relative). */
  root: z.string(),
  seed: z.number().int(),
  trainSize: z.number().int(),
  valSize: z.number().int(),
  testSize: z.number().int(),
  /** SFT data (`{prompt, completion}`): each skill's train split, and `all`, their shuffled union. */
  sft: SkillFiles,
  /** Preference pairs (`{prompt, chosen, rejected}`) built from the train splits. */
  preference: SkillFiles,
  /** Evaluation data (`{id, prompt, answer, choices?}`) per task and split. */
  eval: z.object({
    arith: SplitFiles,
    mc: SplitFiles,
    rc: SplitFiles,
    arith_ood: SplitFiles,
    mc_ood: SplitFiles,
    rc_ood: SplitFiles,
  }),
  /** Number of records per file (keyed by the path relative to the root). */
  counts: z.record(z.string(), z.number().int()),
});
export type WorldDataManifest = z.infer<typeof WorldDataManifestSchema>;
export type SkillFiles = z.infer<typeof SkillFiles>;

function relativeLayout(): Pick<WorldDataManifest, 'sft' | 'preference' | 'eval'> {
  const skillFiles = (folder: string): SkillFiles => ({
    arith: `${folder}/arith.jsonl`,
    mc: `${folder}/mc.jsonl`,
    rc: `${folder}/rc.jsonl`,
    all: `${folder}/all.jsonl`,
  });
  const split = (t: WorldTaskName): z.infer<typeof SplitFiles> => ({
    validation: `eval/${t}/validation.jsonl`,
    test: `eval/${t}/test.jsonl`,
  });
  return {
    sft: skillFiles('sft'),
    preference: skillFiles('preference'),
    eval: {
      arith: split('arith'),
      mc: split('mc'),
      rc: split('rc'),
      arith_ood: split('arith_ood'),
      mc_ood: split('mc_ood'),
      rc_ood: split('rc_ood'),
    },
  };
}

/** The manifest with every path made absolute under `root`. */
function resolvePaths(root: string, m: Omit<WorldDataManifest, 'root'>): WorldDataManifest {
  const abs = (p: string): string => resolve(root, p);
  const skill = (f: SkillFiles): SkillFiles => ({ arith: abs(f.arith), mc: abs(f.mc), rc: abs(f.rc), all: abs(f.all) });
  const evalFiles = Object.fromEntries(
    TASK_NAMES.map((t) => [t, { validation: abs(m.eval[t].validation), test: abs(m.eval[t].test) }]),
  ) as WorldDataManifest['eval'];
  return { ...m, root: resolve(root), sft: skill(m.sft), preference: skill(m.preference), eval: evalFiles };
}

/**
 * Writes the world's data into `outDir` (atomically: a temporary folder, then a rename) and returns
 * the manifest with absolute paths. Same options, same bytes.
 */
export async function generateWorldData(outDir: string, options: WorldDataOptions): Promise<WorldDataManifest> {
  const parsed = WorldDataOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`generateWorldData options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const opts = parsed.data;
  const layout = relativeLayout();
  const files = new Map<string, object[]>();

  const sftAll: object[] = [];
  const prefAll: object[] = [];
  for (const task of TASK_NAMES) {
    const splits = drawSplits(task, opts.seed, opts);
    for (const split of ['validation', 'test'] as const) {
      const items = splits[split] ?? [];
      const short = split === 'validation' ? 'val' : 'test';
      files.set(
        layout.eval[task][split],
        items.map((item, i) => toEval(task, item, `${task}-${short}-${String(i).padStart(4, '0')}`)),
      );
    }
    if (WORLD_TASKS[task].ood) continue;
    const skill = task as SkillName;
    const train = splits.train ?? [];
    const sft = train.map((item) => toSft(task, item));
    const prefRng = Rng.labelled(opts.seed, task, 'preference');
    const pref = train.map((item) => toPreference(task, item, prefRng));
    files.set(layout.sft[skill], sft);
    files.set(layout.preference[skill], pref);
    sftAll.push(...sft);
    prefAll.push(...pref);
  }
  files.set(layout.sft.all, Rng.labelled(opts.seed, 'sft-all').shuffle(sftAll));
  files.set(layout.preference.all, Rng.labelled(opts.seed, 'preference-all').shuffle(prefAll));

  const manifest: Omit<WorldDataManifest, 'root'> = {
    format: WORLD_DATA_FORMAT,
    seed: opts.seed,
    trainSize: opts.trainSize,
    valSize: opts.valSize,
    testSize: opts.testSize,
    ...layout,
    counts: Object.fromEntries([...files].map(([path, records]) => [path, records.length])),
  };

  await writeFolderAtomic(outDir, async (tmp) => {
    for (const [path, records] of files) {
      const full = join(tmp, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, jsonl(records));
    }
    await writeFile(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  });
  return resolvePaths(outDir, manifest);
}

/** Reads `dir/manifest.json` written by `generateWorldData`, with paths made absolute. */
export async function readWorldManifest(dir: string): Promise<WorldDataManifest> {
  const file = join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the world data manifest: ${(err as Error).message}`, { cause: err });
  }
  const parsed = WorldDataManifestSchema.omit({ root: true }).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return resolvePaths(dir, parsed.data);
}
