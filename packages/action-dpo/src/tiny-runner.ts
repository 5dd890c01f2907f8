import { type JobSpec, type RunOutcome, type Runner, type RunnerContext } from '@lamdagent/core';
import { jobInputs, readJsonl } from '@lamdagent/core/kit';
import { dpo, initBackend, TinyLM } from '@lamdagent/tinylm';
import { z } from 'zod';

/** Fixed DPO parameters from config; learning rate and beta are slots. */
export const DpoParamsSchema = z
  .object({
    epochs: z.number().positive().default(1),
    batchSize: z.number().int().positive().default(16),
    maxSteps: z.number().int().positive().optional(),
    maxExamples: z.number().int().positive().optional(),
    warmup: z.number().min(0).default(0),
  })
  .strict();

export const PreferencePairSchema = z.object({ prompt: z.string(), chosen: z.string().min(1), rejected: z.string().min(1) });

function dpoInputs(spec: JobSpec): { model: string; dataset: string; learningRate: number; beta: number } {
  const i = jobInputs(spec, z.object({ model: z.string(), dataset: z.string(), learning_rate: z.number().positive(), beta: z.number().positive() }));
  return { model: i.model, dataset: i.dataset, learningRate: i.learning_rate, beta: i.beta };
}

/** DPO (sigmoid loss) of the tiny model against a frozen copy of its input model. */
export const tinyDpoRunner: Runner = {
  name: 'dpo-tiny',
  version: '1',
  async run(spec: JobSpec, ctx: RunnerContext): Promise<RunOutcome> {
    const params = DpoParamsSchema.parse(spec.params);
    const { model: modelDir, dataset, learningRate, beta } = dpoInputs(spec);
    let pairs = readJsonl(dataset, PreferencePairSchema);
    if (params.maxExamples) pairs = pairs.slice(0, params.maxExamples);
    if (pairs.length === 0) throw new Error(`${dataset}: no preference pairs`);
    await initBackend();
    const policy = await TinyLM.load(modelDir);
    const reference = await TinyLM.load(modelDir);
    try {
      ctx.log(`dpo ${pairs.length} pairs from ${dataset}, lr ${learningRate}, beta ${beta}`);
      const m = await dpo(policy, reference, pairs, {
        beta,
        learningRate,
        epochs: params.epochs,
        batchSize: params.batchSize,
        seed: spec.seed,
        warmup: params.warmup,
        ...(params.maxSteps ? { maxSteps: params.maxSteps } : {}),
        signal: ctx.signal,
        onProgress: (p) => ctx.progress({ fraction: p.step / p.totalSteps, message: `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)}` }),
      });
      await policy.save(spec.outputDir);
      ctx.log(`done: margin ${m.before.rewardMargin.toFixed(4)} -> ${m.after.rewardMargin.toFixed(4)}`);
      return {
        metrics: {
          steps: m.steps,
          finalLoss: m.finalLoss,
          marginBefore: m.before.rewardMargin,
          marginAfter: m.after.rewardMargin,
          preferenceAccuracyBefore: m.before.preferenceAccuracy,
          preferenceAccuracyAfter: m.after.preferenceAccuracy,
        },
      };
    } finally {
      policy.dispose();
      reference.dispose();
    }
  },
};
