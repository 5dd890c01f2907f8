import { type JobSpec, type RunOutcome, type Runner, type RunnerContext } from '@lamdagent/core';
import { jobInputs, readJsonl } from '@lamdagent/core/kit';
import { initBackend, sft, TinyLM } from '@lamdagent/tinylm';
import { z } from 'zod';

/** Fixed SFT parameters from config (`actions.<name>.params`); learning rate is a slot. */
export const SftParamsSchema = z
  .object({
    epochs: z.number().positive().default(1),
    batchSize: z.number().int().positive().default(16),
    maxSteps: z.number().int().positive().optional(),
    /** Use only the first N examples (the smoke run uses a handful). */
    maxExamples: z.number().int().positive().optional(),
    warmup: z.number().min(0).default(0),
    weightDecay: z.number().min(0).default(0),
    schedule: z.enum(['linear', 'constant', 'cosine']).default('linear'),
  })
  .strict();
export type SftParams = z.infer<typeof SftParamsSchema>;

export const SftExampleSchema = z.object({ prompt: z.string(), completion: z.string().min(1) });

/** Read a job's inputs by slot name, validated. */
export function sftInputs(spec: JobSpec): { model: string; dataset: string; learningRate: number } {
  const i = jobInputs(spec, z.object({ model: z.string(), dataset: z.string(), learning_rate: z.number().positive() }));
  return { model: i.model, dataset: i.dataset, learningRate: i.learning_rate };
}

/** SFT of the tiny model, in-process (tinylm's wasm kernels): loss on the completion only. */
export const tinySftRunner: Runner = {
  name: 'sft-tiny',
  version: '1',
  async run(spec: JobSpec, ctx: RunnerContext): Promise<RunOutcome> {
    const params = SftParamsSchema.parse(spec.params);
    const { model: modelDir, dataset, learningRate } = sftInputs(spec);
    let examples = readJsonl(dataset, SftExampleSchema);
    if (params.maxExamples) examples = examples.slice(0, params.maxExamples);
    if (examples.length === 0) throw new Error(`${dataset}: no examples`);
    await initBackend();
    const model = await TinyLM.load(modelDir);
    try {
      ctx.log(`sft ${examples.length} examples from ${dataset}, lr ${learningRate}, ${params.epochs} epoch(s), batch ${params.batchSize}`);
      const m = await sft(model, examples, {
        learningRate,
        epochs: params.epochs,
        batchSize: params.batchSize,
        seed: spec.seed,
        warmup: params.warmup,
        weightDecay: params.weightDecay,
        schedule: params.schedule,
        ...(params.maxSteps ? { maxSteps: params.maxSteps } : {}),
        signal: ctx.signal,
        onProgress: (p) => ctx.progress({ fraction: p.step / p.totalSteps, message: `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)}` }),
      });
      await model.save(spec.outputDir);
      ctx.log(`done: ${JSON.stringify(m)}`);
      return { metrics: Object.fromEntries(Object.entries(m).filter((e): e is [string, number] => typeof e[1] === 'number')) };
    } finally {
      model.dispose();
    }
  },
};
