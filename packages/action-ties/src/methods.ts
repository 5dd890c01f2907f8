import { z } from 'zod';
import { MergeOptionsError } from './errors.js';
import { MagnitudeSelector, selectWhole } from './trim.js';

/**
 * Per-tensor merge methods over Float32Arrays, with mergekit's semantics
 * (mergekit/merge_methods/generalized_task_arithmetic.py and linear.py).
 *
 * - `ties`: τ_i = θ_i − θ_base; trim each τ_i to its top `density` by magnitude; weight it
 *   (w_i·τ_i, rounded to f32 as torch does); elect the sign of each entry as the sign of Σ_i w_i·τ_i
 *   (`get_mask(method="sum")`: a sum ≥ 0 elects +); keep the entries whose weighted sign equals the
 *   elected one (a zero entry has sign 0 and never agrees); sum them; when `normalize`, divide by the
 *   sum of the weights of the agreeing entries (a divisor of exactly 0 becomes 1); then
 *   θ = θ_base + λ·merged.
 * - `task_arithmetic`: θ = θ_base + λ·Σ_i w_i·τ_i, divided by Σ_i w_i when `normalize`
 *   (|Σ w| < 1e-8 becomes 1); `normalize` defaults to false, as in mergekit.
 * - `linear`: θ = Σ_i w_i·θ_i, divided by Σ_i w_i when `normalize` (default true).
 * Weights are rounded to float32 (mergekit builds them as a tensor of the deltas' dtype); task
 * vectors and weighted task vectors are rounded to float32 like torch's f32 ops; the per-entry sums
 * accumulate in float64 and each result is rounded to float32 once.
 */

export const MERGE_METHODS = ['ties', 'task_arithmetic', 'linear'] as const;
export type MergeMethod = (typeof MERGE_METHODS)[number];

const finite = z.number().refine(Number.isFinite, 'a finite number');

/** A fully resolved merge: what `mergeTensors` and `mergeCheckpoints` run. */
export type MergeSpec =
  | { method: 'ties'; weights: number[]; density: number; lambda: number; normalize: boolean }
  | { method: 'task_arithmetic'; weights: number[]; lambda: number; normalize: boolean }
  | { method: 'linear'; weights: number[]; normalize: boolean };

/** What a caller passes; defaults are filled by `resolveMergeSpec`. */
export type MergeSpecInput =
  | { method: 'ties'; weights: readonly number[]; density?: number; lambda?: number; normalize?: boolean }
  | { method: 'task_arithmetic'; weights: readonly number[]; lambda?: number; normalize?: boolean }
  | { method: 'linear'; weights: readonly number[]; normalize?: boolean };

const MergeSpecSchema = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('ties'),
    weights: z.array(finite).min(1),
    density: z.number().default(1),
    lambda: finite.default(1),
    normalize: z.boolean().default(true),
  }),
  z.object({
    method: z.literal('task_arithmetic'),
    weights: z.array(finite).min(1),
    lambda: finite.default(1),
    normalize: z.boolean().default(false),
  }),
  z.object({ method: z.literal('linear'), weights: z.array(finite).min(1), normalize: z.boolean().default(true) }),
]);

/** Validates a merge and fills its defaults; throws `MergeOptionsError` with every problem found. */
export function resolveMergeSpec(input: MergeSpecInput, modelCount?: number): MergeSpec {
  const parsed = MergeSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MergeOptionsError(`invalid merge options: ${issues.join('; ')}`);
  }
  const spec = parsed.data;
  if (spec.method === 'ties' && !(spec.density > 0 && spec.density <= 1)) {
    throw new MergeOptionsError(`density must be in (0, 1], got ${spec.density}`);
  }
  if (modelCount !== undefined && spec.weights.length !== modelCount) {
    throw new MergeOptionsError(
      `${spec.weights.length} weight(s) for ${modelCount} model(s): give one weight per model`,
    );
  }
  if (spec.method === 'linear' && spec.normalize && Math.abs(sum(spec.weights)) < 1e-8) {
    throw new MergeOptionsError(`linear merge with normalize: the weights sum to 0 (${spec.weights.join(', ')})`);
  }
  return spec;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function checkLengths(base: Float32Array | null, models: readonly Float32Array[]): number {
  const n = base ? base.length : (models[0]?.length ?? 0);
  models.forEach((m, i) => {
    if (m.length !== n) throw new MergeOptionsError(`model ${i} has ${m.length} entries, expected ${n}`);
  });
  return n;
}

/** models[i] -= base, in place (a task vector, rounded to float32). */
export function subtractInPlace(model: Float32Array, base: Float32Array): Float32Array {
  for (let j = 0; j < model.length; j++) model[j] = (model[j] as number) - (base[j] as number);
  return model;
}

/**
 * Merges one tensor, reusing the model arrays as scratch space (they are overwritten); writes into
 * `out` (which may alias `base`) and returns it. `base` is null only for `linear`.
 *
 * The arrays may also be one chunk of a larger tensor, for a streamed merge: every step is
 * elementwise except TIES trimming, which then needs `selectors`, one per model, already fed the whole
 * task vectors (see `MagnitudeSelector`) and applied to the chunks in index order.
 */
export function mergeTensorsInPlace(
  spec: MergeSpec,
  base: Float32Array | null,
  models: Float32Array[],
  out: Float32Array,
  selectors?: readonly MagnitudeSelector[],
): Float32Array {
  const n = checkLengths(base, models);
  if (spec.weights.length !== models.length) {
    throw new MergeOptionsError(`${spec.weights.length} weight(s) for ${models.length} model(s)`);
  }
  if (spec.method === 'linear') return linearInto(spec.weights.map(Math.fround), spec.normalize, models, out, n);
  if (!base) throw new MergeOptionsError(`${spec.method} needs a base model`);
  // Weights are a tensor of the deltas' dtype in mergekit: f32 here.
  const weights = spec.weights.map(Math.fround);
  // Task vectors, trimmed, weighted; each result rounded to f32 as torch does on f32 tensors.
  models.forEach((m, i) => {
    const selector = selectors?.[i];
    if (selector) selector.apply(subtractInPlace(m, base), weights[i]);
    else selectWhole(new MagnitudeSelector(n, spec.method === 'ties' ? spec.density : 1), m, weights[i], base);
  });
  if (spec.method === 'ties') return tiesInto(weights, spec.lambda, spec.normalize, base, models, out, n);
  let divisor = spec.normalize ? sum(weights) : 1;
  if (Math.abs(divisor) < 1e-8) divisor = 1;
  const scale = spec.lambda / divisor;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (const m of models) s += m[j] as number;
    out[j] = (base[j] as number) + scale * s;
  }
  return out;
}

/** Entries per block of the TIES combination (its float64 scratch stays in cache). */
const BLOCK = 4096;

/**
 * Sign election and disjoint mean over the weighted task vectors, block by block, model by model,
 * without data-dependent branches (random signs would defeat branch prediction).
 */
function tiesInto(
  weights: number[],
  lambda: number,
  normalize: boolean,
  base: Float32Array,
  deltas: Float32Array[],
  out: Float32Array,
  n: number,
): Float32Array {
  const sign = new Float64Array(BLOCK);
  const mixed = new Float64Array(BLOCK);
  const divisor = new Float64Array(BLOCK);
  const first = deltas[0] as Float32Array;
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    // Elected sign: + where the weighted sum is >= 0 (get_mask(method="sum")), else -.
    for (let j = 0; j < len; j++) sign[j] = first[start + j] as number;
    for (let i = 1; i < deltas.length; i++) {
      const d = deltas[i] as Float32Array;
      for (let j = 0; j < len; j++) sign[j] = (sign[j] as number) + (d[start + j] as number);
    }
    for (let j = 0; j < len; j++) {
      sign[j] = 2 * +((sign[j] as number) >= 0) - 1;
      mixed[j] = 0;
      divisor[j] = 0;
    }
    // Agreeing entries (a zero entry agrees with neither sign) and their weights.
    for (let i = 0; i < deltas.length; i++) {
      const d = deltas[i] as Float32Array;
      const w = weights[i] as number;
      for (let j = 0; j < len; j++) {
        const x = d[start + j] as number;
        const agree = +(x * (sign[j] as number) > 0);
        mixed[j] = (mixed[j] as number) + agree * x;
        divisor[j] = (divisor[j] as number) + agree * w;
      }
    }
    if (normalize) {
      for (let j = 0; j < len; j++) {
        const v = divisor[j] as number;
        // A divisor of 0 becomes 1 (mergekit: divisor[divisor == 0] = 1).
        out[start + j] = (base[start + j] as number) + lambda * ((mixed[j] as number) / (v + +(v === 0)));
      }
    } else {
      for (let j = 0; j < len; j++) out[start + j] = (base[start + j] as number) + lambda * (mixed[j] as number);
    }
  }
  return out;
}

function linearInto(weights: number[], normalize: boolean, models: Float32Array[], out: Float32Array, n: number): Float32Array {
  const divisor = normalize ? sum(weights) : 1;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < models.length; i++) s += (weights[i] as number) * ((models[i] as Float32Array)[j] as number);
    out[j] = s / divisor;
  }
  return out;
}

/** Merges one tensor without touching the inputs; returns a new array. */
export function mergeTensors(spec: MergeSpecInput, base: Float32Array | null, models: readonly Float32Array[]): Float32Array {
  const resolved = resolveMergeSpec(spec, models.length);
  const n = checkLengths(base, models);
  return mergeTensorsInPlace(
    resolved,
    base,
    models.map((m) => Float32Array.from(m)),
    new Float32Array(n),
  );
}

/** TIES options: one weight per model; `density` in (0, 1] (default 1: no trimming), `lambda` 1, `normalize` true. */
export interface TiesOptions {
  weights: readonly number[];
  density?: number;
  lambda?: number;
  normalize?: boolean;
}

/** TIES-merges one tensor (see the module comment); returns a new array. */
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
export function taskArithmeticMerge(
  base: Float32Array,
  models: readonly Float32Array[],
  options: TaskArithmeticOptions,
): Float32Array {
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
