import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { ActionTypeDefinition, JobSpec, JsonValue, Runner, RunnerContext, RunOutcome } from '@lamdagent/core';
import { RUNNER_VERSION } from './action-types.js';
import { configToRequest, parseMergekitConfig, refsOf } from './config/mergekit.js';
import { MergeOptionsError } from './errors.js';
import { runJobMerge } from './runner.js';

export const MERGEKIT_RUNNER = 'mergekit-ts';

const ParamsSchema = z
  .object({
    config: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .optional()
      .describe('a mergekit YAML config (text or object); required'),
    maxShardSizeMb: z.number().positive().optional(),
    seed: z.number().int().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.config === undefined) return; // the schema's defaults must parse; the runner requires it
    try {
      parseMergekitConfig(p.config, 'params.config');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, path: ['config'] });
    }
  });

/**
 * `mergekit`: any mergekit YAML as the action's params. The config's model references are bound to
 * the action's inputs: its `base_model` to the base_model slot, the other references, in order of
 * first appearance, to the models slot positions (so `models: [{model: a, ...}, {model: b, ...}]`
 * merges the first and second model the policy picks).
 */
export const mergekitActionType: ActionTypeDefinition = {
  type: 'mergekit',
  description: 'Merge models with a mergekit YAML config (any method it names); its base_model and models bind to the inputs in order',
  slots: [
    { name: 'base_model', type: 'model', description: "bound to the config's base_model (also the tokenizer and config source)" },
    { name: 'models', type: 'model', repeat: { min: 1 }, description: "bound, in order, to the config's other model references" },
  ],
  runner: MERGEKIT_RUNNER,
  paramsSchema: ParamsSchema as unknown as z.ZodType<Record<string, JsonValue>>,
};

export function createMergekitRunner(): Runner {
  return {
    name: MERGEKIT_RUNNER,
    version: RUNNER_VERSION,
    async run(spec: JobSpec, ctx: RunnerContext): Promise<RunOutcome> {
      const p = ParamsSchema.safeParse(spec.params);
      if (!p.success) throw new MergeOptionsError(`job ${spec.jobId}: invalid mergekit params: ${p.error.issues.map((i) => i.message).join('; ')}`);
      if (p.data.config === undefined) throw new MergeOptionsError(`job ${spec.jobId}: mergekit needs params.config (a mergekit YAML config)`);
      const config = parseMergekitConfig(p.data.config, `job ${spec.jobId} params.config`);
      const path = (v: JsonValue, slot: string): string => {
        if (typeof v !== 'string' || !isAbsolute(v))
          throw new MergeOptionsError(`job ${spec.jobId}: input ${slot} must be an absolute path, got ${JSON.stringify(v)}`);
        return v;
      };
      const base = spec.inputs.find((i) => i.slot === 'base_model');
      const models = spec.inputs.filter((i) => i.slot === 'models').map((i) => path(i.value, 'models'));
      const refs = refsOf(config).filter((r) => r !== config.base_model);
      if (refs.length !== models.length) {
        throw new MergeOptionsError(
          `job ${spec.jobId}: the config references ${refs.length} model(s) besides base_model (${refs.join(', ')}), the action has ${models.length}`,
        );
      }
      const binding = new Map(refs.map((r, i) => [r, models[i] as string]));
      if (config.base_model && base) binding.set(config.base_model, path(base.value, 'base_model'));
      const request = configToRequest(config, (ref) => binding.get(ref) ?? ref, p.data.seed ?? spec.seed);
      if (!config.base_model && base && !request.tokenizerSource) request.tokenizerSource = path(base.value, 'base_model');
      const mb = p.data.maxShardSizeMb;
      return runJobMerge('mergekit', request, mb === undefined ? undefined : Math.max(1, Math.round(mb * 1e6)), spec, ctx);
    },
  };
}
