import { MergeOptionsError } from './errors.js';
import { getMergeMethod } from './method/index.js';
import type { WorkDtype } from './method/precision.js';
import { mergeTensor } from './method/run.js';
import type { ParamSetting } from './method/settings.js';
import type { MergeRequest } from './engine/request.js';

/**
 * The compact merge spec of the original API and of the action types: a method, one weight per
 * model, optional density (one for every model, or one per model) and the method's global
 * parameters (`lambda`, `normalize`, ... with mergekit's names). See `method/` for the definitions.
 */
export interface MergeSpecInput {
  method: string;
  weights?: readonly number[];
  density?: number | readonly number[];
  lambda?: number;
  normalize?: boolean;
  /** Other global parameters (rescale, t, gamma for all models, ...). */
  params?: Record<string, ParamSetting>;
  /** Per-model parameters beyond weight and density (gamma, epsilon, scale), one record per model. */
  modelParams?: readonly Record<string, ParamSetting>[];
}

/** Names of the built-in methods (the definitions are in `getMergeMethod`). */
export const MERGE_METHODS = [
  'linear',
  'task_arithmetic',
  'ties',
  'dare_ties',
  'dare_linear',
  'breadcrumbs',
  'breadcrumbs_ties',
  'della',
  'della_linear',
  'slerp',
  'nuslerp',
  'model_stock',
  'passthrough',
] as const;
export type MergeMethod = (typeof MERGE_METHODS)[number];

/** Global and per-model settings of a spec for `count` models; MergeOptionsError for a count mismatch. */
export function specSettings(spec: MergeSpecInput, count: number): { params: Record<string, ParamSetting>; modelParams: Record<string, ParamSetting>[] } {
  const def = getMergeMethod(spec.method);
  if (spec.weights !== undefined && spec.weights.length !== count) {
    throw new MergeOptionsError(`${spec.weights.length} weight(s) for ${count} model(s): give one weight per model`);
  }
  if (Array.isArray(spec.density) && spec.density.length !== count) {
    throw new MergeOptionsError(`${spec.density.length} densities for ${count} model(s): give one per model, or one number`);
  }
  if (spec.modelParams && spec.modelParams.length !== count) {
    throw new MergeOptionsError(`${spec.modelParams.length} per-model parameter records for ${count} model(s)`);
  }
  const params: Record<string, ParamSetting> = { ...(spec.params ?? {}) };
  if (spec.lambda !== undefined) params.lambda = spec.lambda;
  if (spec.normalize !== undefined) params.normalize = spec.normalize;
  const modelParams = Array.from({ length: count }, (_, i) => {
    const mp: Record<string, ParamSetting> = { ...(spec.modelParams?.[i] ?? {}) };
    if (spec.weights !== undefined && def.modelParams.weight) mp.weight = spec.weights[i] as number;
    const d = Array.isArray(spec.density) ? spec.density[i] : spec.density;
    if (d !== undefined) mp.density = d as number;
    return mp;
  });
  return { params, modelParams };
}

/** A MergeRequest from a compact spec and model paths. */
export function specToRequest(spec: MergeSpecInput, base: string | undefined, models: readonly string[]): MergeRequest {
  const { params, modelParams } = specSettings(spec, models.length);
  return {
    method: spec.method,
    ...(base !== undefined ? { base } : {}),
    models: models.map((path, i) => ({ path, params: modelParams[i] as Record<string, ParamSetting> })),
    params,
  };
}

/** Merges one tensor with a compact spec, without touching the inputs; `dtype` is the working precision (default F32). */
export function mergeTensors(
  spec: MergeSpecInput,
  base: Float32Array | null,
  models: readonly Float32Array[],
  dtype: WorkDtype = 'F32',
  shape?: readonly number[],
): Float32Array {
  const { params, modelParams } = specSettings(spec, models.length);
  return mergeTensor({ method: spec.method, base, models, params, modelParams, dtype, ...(shape ? { shape } : {}) });
}

/** TIES options: one weight per model; `density` (default 1: no trimming), `lambda` 1, `normalize` true. */
export interface TiesOptions {
  weights: readonly number[];
  density?: number;
  lambda?: number;
  normalize?: boolean;
}

/** TIES-merges one tensor; returns a new array. */
export function tiesMerge(base: Float32Array, models: readonly Float32Array[], options: TiesOptions): Float32Array {
  return mergeTensors({ method: 'ties', ...options }, base, models);
}

/** Task arithmetic options: one weight per model; `lambda` 1, `normalize` false. */
export interface TaskArithmeticOptions {
  weights: readonly number[];
  lambda?: number;
  normalize?: boolean;
}

/** θ_base + λ·Σ w_i·(θ_i − θ_base) (normalized by Σ w_i when asked); returns a new array. */
export function taskArithmeticMerge(base: Float32Array, models: readonly Float32Array[], options: TaskArithmeticOptions): Float32Array {
  return mergeTensors({ method: 'task_arithmetic', ...options }, base, models);
}

/** Linear options: one weight per model; `normalize` true. */
export interface LinearOptions {
  weights: readonly number[];
  normalize?: boolean;
}

/** Σ w_i·θ_i (divided by Σ w_i when normalizing); returns a new array. */
export function linearMerge(models: readonly Float32Array[], options: LinearOptions): Float32Array {
  return mergeTensors({ method: 'linear', ...options }, null, models);
}
