import { Rng, writeFolderAtomic } from '@lamdagent/core/kit';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { jsonl } from '../records.js';
import { planItem, toolItem, type ToolItem, type ToolStyle } from './calls.js';
import { generalItem, instructionItem, recordItem, type InstructionItem } from './instructions.js';

export const ToolsDataOptionsSchema = z
  .object({
    seed: z.number().int().min(0),
    /** Examples in each tool-use SFT dataset (json, python, react) and in the general instruction data. */
    toolTrainSize: z.number().int().min(1).default(500),
    /** Instruction-following examples (the data the shipped instruction-tuned base learned from). */
    instructTrainSize: z.number().int().min(1).default(3000),
    /** JSON-record instructions added to those (`Ann lives in Rome. Give JSON.`): the base knows JSON, not tools. */
    recordTrainSize: z.number().int().min(0).default(1000),
    /** Tool "plans" added too (`Buy 3 pens. Which call?` -> `buy with item pens, n 3`): the base knows what to call, not how. */
    planTrainSize: z.number().int().min(0).default(1500),
    /** Preference pairs per preference dataset. */
    preferenceSize: z.number().int().min(1).default(500),
    valSize: z.number().int().min(1).default(300),
    testSize: z.number().int().min(1).default(500),
    /**
     * Opt-in (absent: the first edition's bytes): adds `sft/tool-mix.jsonl` (in `all` too), an
     * AgentTuning-like mixture of `toolTrainSize` JSON calls (two functions listed, requests in the other
     * datasets' words) and `toolTrainSize` instruction-following examples. Without it tool use is not
     * learnable within a study's trials (packages/world/EXPERIMENTS.md, "Tools world: making tool use learnable").
     */
    toolMix: z.boolean().optional(),
    /**
     * With `toolMix`: how its calls are asked. `other` (absent): two signatures listed, requests in the other
     * datasets' words; `target`: the target task's own shape and words (a small in-domain set, prompts
     * distinct from the eval splits'). The measured best design uses `target`.
     */
    toolMixWording: z.enum(['other', 'target']).optional(),
    /**
     * Opt-in: `two` lists two signatures in `tool-json` (the called function and another, as the target
     * does), its requests still worded otherwise; absent or `one`: one signature (the first edition).
     */
    toolJsonListing: z.enum(['one', 'two']).optional(),
  })
  .strict();
export type ToolsDataOptions = z.input<typeof ToolsDataOptionsSchema>;

export const TOOLS_DATA_FORMAT = 'lamdagent-tools-data/1' as const;
/** Bumped whenever the generators change what they produce for a seed. */
export const TOOLS_GENERATOR_VERSION = 1;

/** The tool-use SFT datasets, by the paper's dataset each stands for. */
export const TOOL_DATASETS = {
  'tool-json': { style: 'json', analogue: 'ToolACE: the target JSON calls, one function listed, requests worded otherwise' },
  'tool-python': { style: 'python', analogue: 'Agent-instruct: the target prompts, calls in Python syntax' },
  'tool-react': { style: 'react', analogue: 'ToolBench: a task and tool names, Action/Input replies' },
} as const satisfies Record<string, { style: ToolStyle; analogue: string }>;
export type ToolDatasetName = keyof typeof TOOL_DATASETS;
export const TOOL_DATASET_NAMES = Object.keys(TOOL_DATASETS) as ToolDatasetName[];

/** The opt-in mixture dataset (`toolMix: true`). */
export const TOOL_MIX_DATASET = {
  name: 'tool-mix',
  analogue: 'AgentTuning: JSON calls, two functions listed, requests worded otherwise, mixed 1:1 with instruction following',
} as const;

/** The two evaluation tasks: the target (tool use) and the instruction-following judge. */
export const TOOLS_TASKS = {
  tool_call: { scorer: 'toolcall', metric: 'acc', max: 1, analogue: 'ACEBench (normal setting)' },
  instruct: { scorer: 'judge', metric: 'judge', max: 10, analogue: 'MT-Bench (LLM judge, 1-10)' },
} as const;
export type ToolsTaskName = keyof typeof TOOLS_TASKS;

const SplitFiles = z.object({ validation: z.string(), test: z.string() });
export const ToolsDataManifestSchema = z.object({
  format: z.literal(TOOLS_DATA_FORMAT),
  root: z.string(),
  options: ToolsDataOptionsSchema.required().partial({ toolMix: true, toolMixWording: true, toolJsonListing: true }),
  /** `{prompt, completion}`: the tool datasets, `general`, `all` (their shuffled union) and `instruct` (the base's instruction data). */
  sft: z.record(z.string(), z.string()),
  /** `{prompt, chosen, rejected}`: `instruct` (the instruction format over tool-like or rule-breaking replies), `tools`. */
  preference: z.record(z.string(), z.string()),
  eval: z.object({ tool_call: SplitFiles, instruct: SplitFiles }),
  counts: z.record(z.string(), z.number().int()),
});
export type ToolsDataManifest = z.infer<typeof ToolsDataManifestSchema>;

/** Draws `n` items with prompts new to `seen` (which they are added to). */
function unique<T extends { prompt: string }>(what: string, n: number, seen: Set<string>, draw: () => T): T[] {
  const out: T[] = [];
  for (let attempt = 0; out.length < n; attempt++) {
    if (attempt >= 200 * n + 1000) throw new RangeError(`tools world ${what}: only ${out.length} distinct prompts of ${n} requested`);
    const item = draw();
    if (seen.has(item.prompt)) continue;
    seen.add(item.prompt);
    out.push(item);
  }
  return out;
}

const sft = (prompt: string, reply: string) => ({ prompt, completion: ` ${reply}` });

/**
 * Writes the tools world's data to `outDir` (atomically). Every split is drawn from its own seeded
 * stream, test first, and no prompt appears twice anywhere (tool prompts and instructions are each
 * kept in one set of seen prompts), so the test split depends only on the seed and its size.
 */
export async function generateToolsData(outDir: string, options: ToolsDataOptions): Promise<ToolsDataManifest> {
  const parsed = ToolsDataOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`generateToolsData options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const o = parsed.data;
  const rng = (...labels: string[]) => Rng.labelled(o.seed, 'tools', ...labels);
  const toolSeen = new Set<string>();
  const instSeen = new Set<string>();
  const toolSplit = (style: ToolStyle, split: string, n: number, label: string = style): ToolItem[] => {
    const r = rng(label, split);
    return unique(`${label}/${split}`, n, toolSeen, () => toolItem(style, r));
  };
  const instSplit = (split: string, n: number): InstructionItem[] => {
    const r = rng('instruct', split);
    return unique(`instruct/${split}`, n, instSeen, () => instructionItem(r));
  };

  const toolTest = toolSplit('target', 'test', o.testSize);
  const toolVal = toolSplit('target', 'validation', o.valSize);
  const instTest = instSplit('test', o.testSize);
  const instVal = instSplit('validation', o.valSize);
  // `toolJsonListing: 'two'` draws tool-json in the `agent` style (two signatures) from a stream of its own.
  const twoListed = (name: ToolDatasetName) => name === 'tool-json' && o.toolJsonListing === 'two';
  const tools = Object.fromEntries(
    TOOL_DATASET_NAMES.map((name) => [
      name,
      twoListed(name) ? toolSplit('agent', 'train', o.toolTrainSize, 'json-two') : toolSplit(TOOL_DATASETS[name].style, 'train', o.toolTrainSize),
    ]),
  ) as Record<ToolDatasetName, ToolItem[]>;
  const instTrain = instSplit('train', o.instructTrainSize);
  const recRng = rng('record', 'train');
  const records = unique('record/train', o.recordTrainSize, instSeen, () => recordItem(recRng));
  const planRng = rng('plan', 'train');
  const plans = unique('plan/train', o.planTrainSize, instSeen, () => planItem(planRng));
  const instPref = instSplit('preference', o.preferenceSize);
  const toolPref = toolSplit('target', 'preference', o.preferenceSize);
  const genRng = rng('general', 'train');
  const general = unique('general/train', o.toolTrainSize, instSeen, () => generalItem(genRng));
  // Drawn last, from streams of their own: the other files keep their bytes with or without the mixture.
  const mix = o.toolMix
    ? rng('mix', 'order').shuffle(
        [
          ...(o.toolMixWording === 'target'
            ? toolSplit('target', 'train', o.toolTrainSize, 'mix-target')
            : toolSplit('agent', 'train', o.toolTrainSize, 'mix')),
          ...instSplit('tool-mix', o.toolTrainSize),
        ].map((t) => sft(t.prompt, t.reply)),
      )
    : [];

  const files: Record<string, object[]> = {};
  files['eval/tool_call/test.jsonl'] = toolTest.map((t, i) => ({ id: `tool-test-${i}`, prompt: t.prompt, answer: t.call }));
  files['eval/tool_call/validation.jsonl'] = toolVal.map((t, i) => ({ id: `tool-val-${i}`, prompt: t.prompt, answer: t.call }));
  files['eval/instruct/test.jsonl'] = instTest.map((t, i) => ({ id: `inst-test-${i}`, prompt: t.prompt, answer: t.rubric }));
  files['eval/instruct/validation.jsonl'] = instVal.map((t, i) => ({ id: `inst-val-${i}`, prompt: t.prompt, answer: t.rubric }));
  const sftFiles: Record<string, string> = {};
  for (const name of TOOL_DATASET_NAMES) {
    sftFiles[name] = `sft/${name}.jsonl`;
    files[sftFiles[name]] = tools[name].map((t) => sft(t.prompt, t.reply));
  }
  sftFiles.general = 'sft/general.jsonl';
  files['sft/general.jsonl'] = general.map((g) => sft(g.prompt, g.reply));
  if (o.toolMix) {
    const file = `sft/${TOOL_MIX_DATASET.name}.jsonl`;
    sftFiles[TOOL_MIX_DATASET.name] = file;
    files[file] = mix;
  }
  sftFiles.all = 'sft/all.jsonl';
  files['sft/all.jsonl'] = rng('all').shuffle([
    ...TOOL_DATASET_NAMES.flatMap((n) => files[`sft/${n}.jsonl`] ?? []),
    ...(files['sft/general.jsonl'] ?? []),
    ...mix,
  ]);
  sftFiles.instruct = 'sft/instruct.jsonl';
  files['sft/instruct.jsonl'] = rng('instruct', 'mix').shuffle([...instTrain, ...records, ...plans].map((t) => sft(t.prompt, t.reply)));
  const prefRng = rng('preference', 'pick');
  const pref = (prompt: string, chosen: string, rejected: string) => ({ prompt, chosen: ` ${chosen}`, rejected: ` ${rejected}` });
  const toolReplies = toolPref.map((t) => t.reply);
  files['preference/instruct.jsonl'] = instPref.map((t, i) =>
    // Half the rejected replies break one rule; half are a tool call (what tool SFT teaches the model to say).
    pref(t.prompt, t.reply, i % 2 === 0 ? prefRng.pick(t.wrong) : (toolReplies[i] ?? prefRng.pick(t.wrong))),
  );
  files['preference/tools.jsonl'] = toolPref.map((t) => pref(t.prompt, t.reply, prefRng.pick(t.wrong)));
  const preference = { instruct: 'preference/instruct.jsonl', tools: 'preference/tools.jsonl' };

  const counts = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.length]));
  const manifest = {
    format: TOOLS_DATA_FORMAT as typeof TOOLS_DATA_FORMAT,
    options: o,
    sft: sftFiles,
    preference,
    eval: {
      tool_call: { validation: 'eval/tool_call/validation.jsonl', test: 'eval/tool_call/test.jsonl' },
      instruct: { validation: 'eval/instruct/validation.jsonl', test: 'eval/instruct/test.jsonl' },
    },
    counts,
  };
  const root = resolve(outDir);
  await writeFolderAtomic(root, async (tmp) => {
    for (const [rel, records] of Object.entries(files)) {
      await mkdir(dirname(join(tmp, rel)), { recursive: true });
      await writeFile(join(tmp, rel), jsonl(records));
    }
    await writeFile(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  });
  return absolute(root, manifest);
}

function absolute(root: string, m: Omit<ToolsDataManifest, 'root'>): ToolsDataManifest {
  const abs = (rec: Record<string, string>) => Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, join(root, v)]));
  return {
    ...m,
    root,
    sft: abs(m.sft),
    preference: abs(m.preference),
    eval: {
      tool_call: abs(m.eval.tool_call) as ToolsDataManifest['eval']['tool_call'],
      instruct: abs(m.eval.instruct) as ToolsDataManifest['eval']['instruct'],
    },
  };
}

/** Reads `<dir>/manifest.json` written by `generateToolsData` (paths made absolute). */
export async function readToolsManifest(dir: string): Promise<ToolsDataManifest> {
  const root = resolve(dir);
  const file = join(root, 'manifest.json');
  const parsed = ToolsDataManifestSchema.omit({ root: true }).safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return absolute(root, parsed.data);
}
