import { MergeOptionsError } from '../errors.js';
import { defineMergeMethod, type MergeMethodDef, type ParamDef, type SlotLayoutEntry, type TensorMergeArgs } from './define.js';
import type { Precision } from './precision.js';
import { deriveSeed } from './rng.js';
import { MagnitudeSelector } from '../trim.js';
import { sparsifyInPlace, type SparsifyMethod } from './sparsify.js';

/**
 * mergekit's generalized task arithmetic (merge_methods/generalized_task_arithmetic.py), with its
 * precision steps in the working dtype `q`:
 *   δ_i = q(θ_i − θ_base); δ_i = sparsify(δ_i, density_i, ...); w_i = q(weight_i); d_i = q(w_i·δ_i)
 *   with sign consensus ("sum"): s = Σ_i d_i (float32, in order); e = +1 where s ≥ 0 else −1;
 *     m_i = [sign(d_i) = e]; mixed = q(Σ_i d_i·m_i); divisor = q(Σ_i w_i·m_i), 0 → 1
 *   without: mixed = q(Σ_i d_i); divisor = q(Σ_i w_i), |divisor| < 1e-8 → 1
 *   normalize: mixed = q(mixed / divisor); λ ≠ 1: mixed = q(mixed·λ); θ = q(θ_base + mixed)
 * Sums accumulate in float32 in model order (torch's sum over a stacked bf16/f32 tensor).
 */

const unit = (what: string) => (v: number) => (v >= 0 && v <= 1 ? undefined : `${what} must be in [0, 1], got ${v}`);

const GLOBAL = (normalize: boolean, rescale: boolean): Record<string, ParamDef> => ({
  normalize: { kind: 'boolean', default: normalize, description: 'divide the mixed task vector by the sum of the (agreeing) weights' },
  rescale: { kind: 'boolean', default: rescale, description: 'rescale each sparsified task vector to its original L1 norm' },
  lambda: { kind: 'number', default: 1, description: 'scale of the mixed task vector' },
  int8_mask: { kind: 'boolean', default: false, description: 'store the consensus mask as int8 (memory only: results are identical)' },
});

const BLOCK = 4096;

/** Rounds entries [0, len) of a scratch block to the working dtype, without allocating. */
function roundBlock(p: Precision, block: Float32Array, bits: Uint32Array, len: number): void {
  if (p.dtype === 'F32') return;
  if (p.dtype === 'F16') {
    p.round(block.subarray(0, len));
    return;
  }
  for (let j = 0; j < len; j++) {
    const u = bits[j] as number;
    // round to nearest even; infinities stay, NaN stays NaN (its payload may carry into the exponent: still NaN)
    bits[j] = (u & 0x7f800000) === 0x7f800000 ? u & 0xffff0000 | ((u & 0x7fffff) !== 0 ? 0x400000 : 0) : (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
  }
}

/**
 * Sign consensus and mixing, block by block so the scratch stays in cache, branch-free in the inner
 * loops (random signs would defeat branch prediction), allocating nothing per block.
 */
export function combine(args: TensorMergeArgs, consensus: boolean, weights: readonly number[]): void {
  const { base, models: deltas, out, precision: p } = args;
  const normalize = args.params.normalize === true;
  const lambda = Math.fround(args.params.lambda as number);
  const n = out.length;
  const b = base as Float32Array;
  const mixed = new Float32Array(BLOCK);
  const mixedBits = new Uint32Array(mixed.buffer);
  const divisor = new Float32Array(BLOCK);
  const divisorBits = new Uint32Array(divisor.buffer);
  const sum = new Float32Array(BLOCK);
  const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  let constDivisor = 1;
  if (!consensus) {
    const s = new Float32Array(1);
    for (const w of weights) s[0] = (s[0] as number) + w;
    constDivisor = p.scalar(s[0] as number);
    if (Math.abs(constDivisor) < 1e-8) constDivisor = 1;
  }
  const count = deltas.length;
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    if (consensus && count === 2) {
      // the same steps for two models, fused into one loop
      const d0 = deltas[0] as Float32Array;
      const d1 = deltas[1] as Float32Array;
      const w0 = weights[0] as number;
      const w1 = weights[1] as number;
      for (let j = 0; j < len; j++) {
        const x0 = d0[start + j] as number;
        const x1 = d1[start + j] as number;
        const e = 2 * +(Math.fround(x0 + x1) >= 0) - 1;
        const a0 = +(x0 * e > 0);
        const a1 = +(x1 * e > 0);
        mixed[j] = a0 * x0 + a1 * x1; // one float32 rounding, as the sequential float32 sum from 0
        divisor[j] = a0 * w0 + a1 * w1;
      }
      roundBlock(p, divisor, divisorBits, len);
      for (let j = 0; j < len; j++) {
        const v = divisor[j] as number;
        divisor[j] = v + +(v === 0);
      }
    } else if (consensus) {
      // elected sign: + where the float32 sum (in model order) is >= 0, else - (NaN elects -)
      const d0 = deltas[0] as Float32Array;
      for (let j = 0; j < len; j++) sum[j] = d0[start + j] as number;
      for (let i = 1; i < count; i++) {
        const d = deltas[i] as Float32Array;
        for (let j = 0; j < len; j++) sum[j] = (sum[j] as number) + (d[start + j] as number);
      }
      for (let j = 0; j < len; j++) {
        sum[j] = 2 * +((sum[j] as number) >= 0) - 1;
        mixed[j] = 0;
        divisor[j] = 0;
      }
      // agreeing entries (a zero entry agrees with neither sign) and their weights
      for (let i = 0; i < count; i++) {
        const d = deltas[i] as Float32Array;
        const w = weights[i] as number;
        for (let j = 0; j < len; j++) {
          const x = d[start + j] as number;
          const agree = +(x * (sum[j] as number) > 0);
          mixed[j] = (mixed[j] as number) + agree * x;
          divisor[j] = (divisor[j] as number) + agree * w;
        }
      }
      roundBlock(p, divisor, divisorBits, len);
      for (let j = 0; j < len; j++) {
        const v = divisor[j] as number;
        divisor[j] = v + +(v === 0); // a divisor of 0 becomes 1
      }
    } else {
      const d0 = deltas[0] as Float32Array;
      for (let j = 0; j < len; j++) mixed[j] = d0[start + j] as number;
      for (let i = 1; i < count; i++) {
        const d = deltas[i] as Float32Array;
        for (let j = 0; j < len; j++) mixed[j] = (mixed[j] as number) + (d[start + j] as number);
      }
    }
    roundBlock(p, mixed, mixedBits, len);
    if (normalize) {
      if (consensus) for (let j = 0; j < len; j++) mixed[j] = (mixed[j] as number) / (divisor[j] as number);
      else for (let j = 0; j < len; j++) mixed[j] = (mixed[j] as number) / constDivisor;
      roundBlock(p, mixed, mixedBits, len);
    }
    if (lambda !== 1) {
      for (let j = 0; j < len; j++) mixed[j] = (mixed[j] as number) * lambda;
      roundBlock(p, mixed, mixedBits, len);
    }
    for (let j = 0; j < len; j++) out[start + j] = (b[start + j] as number) + (mixed[j] as number);
    roundBlock(p, out.subarray(start, start + len), outBits.subarray(start, start + len), len);
  }
}

/** m = q(m - base) in one pass. */
export function subtractRound(m: Float32Array, base: Float32Array, p: Precision): void {
  if (p.dtype !== 'BF16') {
    for (let j = 0; j < m.length; j++) m[j] = (m[j] as number) - (base[j] as number);
    p.round(m);
    return;
  }
  const bits = new Uint32Array(m.buffer, m.byteOffset, m.length);
  for (let j = 0; j < m.length; j++) {
    m[j] = (m[j] as number) - (base[j] as number);
    const u = bits[j] as number;
    bits[j] = (u & 0x7f800000) === 0x7f800000 ? u & 0xffff0000 | ((u & 0x7fffff) !== 0 ? 0x400000 : 0) : (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
  }
}

interface GtaOptions {
  name: string;
  description: string;
  consensus: boolean;
  sparsify: SparsifyMethod | null;
  normalize: boolean;
  rescale: boolean;
  slots?: SlotLayoutEntry[];
  aliases?: string[];
}

function defineGta(o: GtaOptions): MergeMethodDef {
  const modelParams: Record<string, ParamDef> = {
    weight: { kind: 'number', required: true, description: 'weight of the model\'s task vector' },
    density: { kind: 'number', default: 1, description: 'fraction of the task vector kept', check: (v) => (v > 0 && v <= 1 ? undefined : `density must be in (0, 1], got ${v}`) },
  };
  if (o.sparsify === 'magnitude_outliers') modelParams.gamma = { kind: 'number', default: 0.01, description: 'fraction of the largest-magnitude entries removed', check: unit('gamma') };
  if (o.sparsify === 'della_magprune') modelParams.epsilon = { kind: 'number', default: 0.15, description: 'keep probabilities span density ± epsilon by magnitude rank', check: unit('epsilon') };
  return defineMergeMethod({
    name: o.name,
    ...(o.aliases ? { aliases: o.aliases } : {}),
    description: o.description,
    base: 'required',
    models: { min: 1 },
    params: GLOBAL(o.normalize, o.rescale),
    modelParams,
    ...(o.slots ? { slots: o.slots } : {}),
    wholeTensor: o.sparsify !== null,
    checkParams: o.sparsify === 'della_magprune' ? checkDella : undefined,
    merge(args) {
      const { base, models, precision: p } = args;
      if (!base) throw new MergeOptionsError(`${o.name} needs a base model`);
      const q = p.round;
      const weights = args.modelParams.map((mp) => p.scalar(mp.weight as number));
      models.forEach((m, i) => {
        subtractRound(m, base, p);
        const mp = args.modelParams[i] ?? {};
        const w = weights[i] as number;
        const rescale = args.params.rescale === true;
        if (o.sparsify === 'magnitude' && !rescale) {
          // TIES trim and weighting fused: radix select, then keep-and-scale in one pass
          const selector = new MagnitudeSelector(m.length, mp.density as number);
          selector.observeHigh(m);
          selector.finishHigh();
          selector.observeLow(m);
          selector.finishLow();
          q(selector.apply(m, w));
          return;
        }
        if (o.sparsify) {
          sparsifyInPlace(m, o.sparsify, {
            density: mp.density as number,
            gamma: mp.gamma as number | undefined,
            epsilon: mp.epsilon as number | undefined,
            rescale,
            precision: p,
            seed: deriveSeed(args.seed, i),
            shape: args.shape,
          });
        }
        for (let j = 0; j < m.length; j++) m[j] = (m[j] as number) * w;
        q(m);
      });
      combine(args, o.consensus, weights);
    },
  });
}

function checkDella(_params: Readonly<Record<string, unknown>>, modelParams: readonly Readonly<Record<string, unknown>>[]): string | undefined {
  for (const [i, mp] of modelParams.entries()) {
    const d = mp.density as number;
    const e = mp.epsilon as number;
    if (d < 1 && d > 0 && (d + e >= 1 || d - e <= 0)) return `model ${i}: epsilon ${e} must keep density ± epsilon in (0, 1) (density ${d})`;
  }
  return undefined;
}

/** The paper's TIES slots: base_model, models, weights, density (one density for every model). */
const TIES_SLOTS: SlotLayoutEntry[] = [
  { kind: 'base' },
  { kind: 'models' },
  { kind: 'modelParam', param: 'weight', slot: 'weights', shape: 'array' },
  { kind: 'modelParam', param: 'density', slot: 'density', shape: 'scalar' },
];

export const taskArithmetic = defineGta({
  name: 'task_arithmetic',
  description: 'Add the weighted task vectors (model minus base) of the models to their base',
  consensus: false,
  sparsify: null,
  normalize: false,
  rescale: false,
});
export const ties = defineGta({
  name: 'ties',
  aliases: ['ties_merging'],
  description:
    "TIES: keep the largest-magnitude fraction (density) of each task vector, elect each parameter's sign by the weighted sum, average the agreeing weighted changes into the base",
  consensus: true,
  sparsify: 'magnitude',
  normalize: true,
  rescale: false,
  slots: TIES_SLOTS,
});
export const dareTies = defineGta({
  name: 'dare_ties',
  description: 'DARE + TIES: drop task-vector entries at random (keep density), rescale, elect signs, add the agreeing changes',
  consensus: true,
  sparsify: 'random',
  normalize: false,
  rescale: true,
  slots: TIES_SLOTS,
});
export const dareLinear = defineGta({
  name: 'dare_linear',
  description: 'DARE: drop task-vector entries at random (keep density), rescale, add the weighted task vectors',
  consensus: false,
  sparsify: 'random',
  normalize: false,
  rescale: true,
  slots: TIES_SLOTS,
});
export const breadcrumbs = defineGta({
  name: 'breadcrumbs',
  description: 'Model Breadcrumbs: drop the largest (gamma) and smallest task-vector entries, add the weighted rest',
  consensus: false,
  sparsify: 'magnitude_outliers',
  normalize: false,
  rescale: false,
  slots: TIES_SLOTS,
});
export const breadcrumbsTies = defineGta({
  name: 'breadcrumbs_ties',
  description: 'Model Breadcrumbs with TIES sign consensus',
  consensus: true,
  sparsify: 'magnitude_outliers',
  normalize: false,
  rescale: false,
  slots: TIES_SLOTS,
});
export const della = defineGta({
  name: 'della',
  description: 'DELLA: drop task-vector entries with a probability that falls with magnitude rank, rescale, elect signs, average the agreeing changes',
  consensus: true,
  sparsify: 'della_magprune',
  normalize: true,
  rescale: true,
  slots: TIES_SLOTS,
});
export const dellaLinear = defineGta({
  name: 'della_linear',
  description: 'DELLA without sign consensus: magnitude-ranked random drop, rescale, add the weighted task vectors',
  consensus: false,
  sparsify: 'della_magprune',
  normalize: false,
  rescale: true,
  slots: TIES_SLOTS,
});

/**
 * Methods whose per-tensor work can be streamed in blocks by the engine (bit-identical to the whole
 * tensor): the trim statistics are gathered block by block with `MagnitudeSelector`, then trim,
 * weighting and consensus run block by block in index order.
 */
export function blockedGta(method: string): { consensus: boolean; trim: boolean } | undefined {
  if (method === 'ties' || method === 'ties_merging') return { consensus: true, trim: true };
  if (method === 'task_arithmetic') return { consensus: false, trim: false };
  return undefined;
}
