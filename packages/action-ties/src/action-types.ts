import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { ActionTypeDefinition, JobInput, JobSpec, JsonValue, SlotSpec } from '@lamdagent/core';
import { MergeOptionsError } from './errors.js';
import type { MergeMethodDef } from './method/define.js';
import { ParamSettingSchema, type ParamSetting } from './method/settings.js';
import type { MergeRequest } from './engine/request.js';

/** Bump when a runner's results would change (part of every action's content address). 2: mergekit's precision steps. */
export const RUNNER_VERSION = '2';

/** The runner name of a method: `ties-ts`, `task-arithmetic-ts`, ... */
export function runnerName(def: MergeMethodDef): string {
  return `${def.name.replace(/_/g, '-')}-ts`;
}

const DtypeName = z.enum(['float32', 'bfloat16', 'float16']);
const DTYPES = { float32: 'F32', bfloat16: 'BF16', float16: 'F16' } as const;

/**
 * The params schema of a method's action type: its global parameters (mergekit names, settings as in
 * mergekit: scalar, gradient, filtered list), per-model parameters not given by a slot (one setting for
 * every model, or `modelParams: [{...}, ...]` one record per model position), and merge options.
 */
export function actionParamsSchema(def: MergeMethodDef): z.ZodType<Record<string, JsonValue>> {
  const inSlots = new Set(def.slots.flatMap((s) => (s.kind === 'modelParam' || s.kind === 'param' ? [s.param] : [])));
  const shape: Record<string, z.ZodType> = {};
  for (const [name, p] of [...Object.entries(def.params), ...Object.entries(def.modelParams)]) {
    if (inSlots.has(name)) continue;
    shape[name] = ParamSettingSchema.optional().describe(p.description);
  }
  shape.modelParams = z.array(z.record(z.string(), ParamSettingSchema)).optional().describe('per-model parameters, one record per model position');
  shape.maxShardSizeMb = z
    .number()
    .positive()
    .optional()
    .describe('split the output into shards of at most this many MB (1e6 bytes); default: shard as the base');
  shape.seed = z.number().int().optional().describe('seed of random masks (DARE, DELLA); default: the job seed');
  shape.dtype = DtypeName.optional().describe("working dtype (mergekit dtype); default: the base tensors' dtype");
  shape.out_dtype = DtypeName.optional().describe('dtype written; default the working dtype');
  return z.object(shape).strict() as unknown as z.ZodType<Record<string, JsonValue>>;
}

/** The action type of a method, its slots laid out as the definition says. */
export function mergeMethodActionType(def: MergeMethodDef): ActionTypeDefinition {
  const slots: SlotSpec[] = def.slots.map((s): SlotSpec => {
    if (s.kind === 'base') return { name: 'base_model', type: 'model', description: 'the model the task vectors are taken from' };
    if (s.kind === 'models') {
      const min = def.models.min === 1 && def.models.max !== 1 ? 2 : def.models.min;
      return {
        name: 'models',
        type: 'model',
        repeat: { min, ...(def.models.max !== undefined ? { max: def.models.max } : {}) },
        description: 'the models to merge',
      };
    }
    // one value per model position: the core keeps the models in the order chosen (`perPosition`)
    if (s.kind === 'modelParam' && s.shape === 'array')
      return {
        name: s.slot,
        type: 'json',
        perPosition: 'models',
        description: `an array of numbers, one ${s.param} per model, in the order of the models`,
        check: (v) => {
          const parsed = NumberArray.safeParse(v);
          if (!parsed.success) return `${s.slot} must be an array of finite numbers, one ${s.param} per model; got ${JSON.stringify(v)}`;
          for (const x of parsed.data) {
            const p = def.modelParams[s.param]?.check?.(x);
            if (p) return p;
          }
          return undefined;
        },
      };
    const pdef = s.kind === 'modelParam' ? def.modelParams[s.param] : def.params[s.param];
    const check = (v: JsonValue): string | undefined => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${s.slot} must be a finite number, got ${JSON.stringify(v)}`;
      const p = pdef?.check?.(v);
      return p;
    };
    if (s.kind === 'modelParam') return { name: s.slot, type: 'number', description: `${s.param} of every model: ${pdef?.description ?? ''}`, check };
    return { name: s.slot, type: 'number', description: pdef?.description ?? s.param, check };
  });
  return {
    type: def.name,
    ...(def.aliases?.length ? { aliases: [...def.aliases] } : {}),
    description: def.description,
    slots,
    runner: runnerName(def),
    paramsSchema: actionParamsSchema(def),
  };
}

const PathValue = z.string().refine(isAbsolute, 'an absolute path');
const NumberArray = z.array(z.number().refine(Number.isFinite, 'a finite number')).min(1);
const Finite = z.number().refine(Number.isFinite, 'a finite number');

function readValue<T>(schema: z.ZodType<T>, input: JobInput, what: string, jobId: string): T {
  const parsed = schema.safeParse(input.value);
  if (!parsed.success) {
    throw new MergeOptionsError(
      `job ${jobId}: input ${input.slot} (${input.name}) must be ${what}: ${parsed.error.issues.map((i) => i.message).join('; ')}; got ${JSON.stringify(input.value)}`,
    );
  }
  return parsed.data;
}

/** The merge a job asks for: inputs read by slot name, in their order; params as the schema says. */
export function readMethodJob(def: MergeMethodDef, spec: JobSpec): { request: MergeRequest; maxShardBytes: number | undefined } {
  const id = spec.jobId;
  const params = actionParamsSchema(def).safeParse(spec.params);
  if (!params.success) {
    const issues = params.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MergeOptionsError(`job ${id}: invalid ${def.name} params: ${issues.join('; ')}`);
  }
  const p = params.data as Record<string, unknown>;
  const bySlot = (name: string): JobInput[] => spec.inputs.filter((i) => i.slot === name);
  let base: string | undefined;
  const models: string[] = [];
  const perModel = new Map<string, ParamSetting[] | ParamSetting>();
  const globals: Record<string, ParamSetting> = {};
  for (const s of def.slots) {
    if (s.kind === 'base') {
      const input = bySlot('base_model')[0];
      if (!input) throw new MergeOptionsError(`job ${id}: missing input base_model`);
      base = readValue(PathValue, input, 'an absolute path (the base model folder)', id);
    } else if (s.kind === 'models') {
      for (const input of bySlot('models')) models.push(readValue(PathValue, input, 'an absolute path (a model folder)', id));
    } else {
      const input = bySlot(s.slot)[0];
      if (!input) throw new MergeOptionsError(`job ${id}: missing input ${s.slot}`);
      if (s.kind === 'modelParam' && s.shape === 'array')
        perModel.set(s.param, readValue(NumberArray, input, `an array of numbers, one ${s.param} per model`, id));
      else if (s.kind === 'modelParam') perModel.set(s.param, readValue(Finite, input, 'a number', id));
      else globals[s.param] = readValue(Finite, input, 'a number', id);
    }
  }
  for (const [name, values] of perModel) {
    if (Array.isArray(values) && values.length !== models.length) {
      throw new MergeOptionsError(`job ${id}: ${values.length} ${name} value(s) for ${models.length} model(s): give one per model`);
    }
  }
  const modelParams = (p.modelParams as Record<string, ParamSetting>[] | undefined) ?? [];
  if (modelParams.length > 0 && modelParams.length !== models.length) {
    throw new MergeOptionsError(`job ${id}: ${modelParams.length} modelParams record(s) for ${models.length} model(s)`);
  }
  for (const [name, value] of Object.entries(p)) {
    if (['modelParams', 'maxShardSizeMb', 'seed', 'dtype', 'out_dtype'].includes(name) || value === undefined) continue;
    globals[name] = value as ParamSetting;
  }
  const request: MergeRequest = {
    method: def.name,
    ...(base !== undefined ? { base } : {}),
    models: models.map((path, i) => {
      const mp: Record<string, ParamSetting> = { ...(modelParams[i] ?? {}) };
      for (const [name, values] of perModel) mp[name] = Array.isArray(values) ? (values[i] as number) : values;
      return { path, params: mp };
    }),
    params: globals,
    seed: (p.seed as number | undefined) ?? spec.seed,
    ...(p.dtype ? { dtype: DTYPES[p.dtype as keyof typeof DTYPES] } : {}),
    ...(p.out_dtype ? { outDtype: DTYPES[p.out_dtype as keyof typeof DTYPES] } : {}),
  };
  const mb = p.maxShardSizeMb as number | undefined;
  return { request, maxShardBytes: mb === undefined ? undefined : Math.max(1, Math.round(mb * 1e6)) };
}
