import { sft, TinyLM, type TrainProgress } from '@lamdagent/tinylm';
import { digestFolder, valueDigest, writeFolderAtomic } from '@lamdagent/core/kit';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { generateToolsData } from './data.js';

/** A folder of the package's `assets/` (from `dist/index.js` or from `src/tools/*.ts` under vitest). */
function asset(name: string): string {
  const fromDist = fileURLToPath(new URL(`../assets/${name}/`, import.meta.url));
  return existsSync(fromDist) ? fromDist : fileURLToPath(new URL(`../../assets/${name}/`, import.meta.url));
}

/** The Experiment-1 base model the shipped instruction-tuned model was trained from. */
export const PRETRAINED_BASE_MODEL = asset('base-model');
/** The shipped instruction-tuned base of the tools world (`scripts/build-tools-base.mjs`). */
export const SHIPPED_TOOLS_BASE_MODEL = asset('tools-instruct');

export const InstructBaseOptionsSchema = z
  .object({
    /** Data seed (the instruction examples) and training seed. */
    seed: z.number().int().min(0).default(0),
    /** The pretrained model to instruction-tune (default: the world's shipped base model). */
    from: z.string().min(1).optional(),
    /** Instruction-following examples (`sft/instruct.jsonl` of `generateToolsData({ seed, instructTrainSize })`). */
    examples: z.number().int().min(1).default(3000),
    /** JSON-record instructions added to them. */
    records: z.number().int().min(0).default(1000),
    /** Tool plans (which function and values, in words) added to them. */
    plans: z.number().int().min(0).default(1500),
    epochs: z.number().positive().default(3),
    learningRate: z.number().positive().default(3e-3),
    batchSize: z.number().int().min(1).default(16),
    warmup: z.number().min(0).default(0.02),
  })
  .strict();
export type InstructBaseOptions = z.input<typeof InstructBaseOptionsSchema>;

export interface InstructBaseReport {
  options: Omit<z.output<typeof InstructBaseOptionsSchema>, 'from'>;
  /** Digest of the pretrained model folder it started from (names and bytes). */
  fromDigest: string;
  dataDigest: string;
  steps: number;
  /** sha256 of the written model.safetensors. */
  modelSha256: string;
  initialLoss: number;
  finalLoss: number;
  seconds: number;
}

/**
 * Makes the tools world's "instruction-tuned" base: SFT of a pretrained world model on the instruction
 * family (format, length, keyword and reply-language rules). Deterministic for its options: the same
 * options and starting model give the same bytes. Writes the model folder atomically with
 * `instruct.json` (the options, digests and losses).
 */
export async function trainInstructBase(
  outDir: string,
  options: InstructBaseOptions = {},
  hooks: { onProgress?: (p: TrainProgress) => void; signal?: AbortSignal } = {},
): Promise<InstructBaseReport> {
  const parsed = InstructBaseOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`trainInstructBase options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { from, ...o } = parsed.data;
  const source = resolve(from ?? PRETRAINED_BASE_MODEL);
  const tmp = await mkdtemp(join(tmpdir(), 'lamdagent-tools-data-'));
  let examples: { prompt: string; completion: string }[];
  try {
    const data = await generateToolsData(join(tmp, 'data'), {
      seed: o.seed,
      instructTrainSize: o.examples,
      recordTrainSize: o.records,
      planTrainSize: o.plans,
    });
    const text = await readFile(data.sft.instruct ?? '', 'utf8');
    examples = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { prompt: string; completion: string });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const model = await TinyLM.load(source);
  try {
    const m = await sft(model, examples, {
      learningRate: o.learningRate,
      epochs: o.epochs,
      batchSize: o.batchSize,
      warmup: o.warmup,
      seed: o.seed,
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
    });
    const report: InstructBaseReport = {
      options: o,
      fromDigest: await digestFolder(source),
      dataDigest: valueDigest(examples),
      steps: m.steps,
      modelSha256: '',
      initialLoss: m.initialLoss,
      finalLoss: m.finalLoss,
      seconds: Math.round(m.seconds * 10) / 10,
    };
    await writeFolderAtomic(resolve(outDir), async (dir) => {
      await model.save(dir);
      report.modelSha256 = createHash('sha256')
        .update(await readFile(join(dir, 'model.safetensors')))
        .digest('hex');
      await writeFile(join(dir, 'instruct.json'), JSON.stringify(report, null, 2) + '\n');
    });
    return report;
  } finally {
    model.dispose();
  }
}
