import { MergeOptionsError } from '../errors.js';
import { defineMergeMethod, type TensorMergeArgs } from './define.js';
import type { Precision } from './precision.js';

/**
 * mergekit's linear, slerp, nuslerp, model_stock and passthrough methods. `linear` follows mergekit's
 * precision steps exactly; the others need norms and angles, computed here in float64 (mergekit: numpy
 * float32 for slerp, torch in the working dtype for nuslerp and model_stock), so their results may
 * differ from mergekit's by the rounding of those coefficients (see the README's tolerance table).
 */

function dot(a: Float32Array, b: Float32Array, start = 0, len = a.length, stride = 1): number {
  let s = 0;
  for (let k = 0, i = start; k < len; k++, i += stride) s += (a[i] as number) * (b[i] as number);
  return s;
}

export const linear = defineMergeMethod({
  name: 'linear',
  description: 'Average the models parameter by parameter with the given weights',
  base: 'none',
  models: { min: 1 },
  params: { normalize: { kind: 'boolean', default: true, description: 'divide by the sum of the weights' } },
  modelParams: { weight: { kind: 'number', required: true, description: "the model's weight" } },
  wholeTensor: false,
  /** mergekit 0.1.5: float32 accumulation (addcmul_, a fused multiply-add) of w_i * x_i, divided by the float32 sum of the weights, rounded once to the working dtype. */
  merge(args: TensorMergeArgs) {
    const { models, out, precision: p } = args;
    const weights = args.modelParams.map((mp) => Math.fround(mp.weight as number));
    let divisor = 1;
    if (args.params.normalize === true) {
      const s = new Float32Array(1);
      for (const w of weights) s[0] = (s[0] as number) + w;
      divisor = s[0] as number;
      if (divisor === 0) throw new MergeOptionsError(`linear with normalize: the weights sum to 0 (${weights.join(', ')})`);
    }
    const first = models[0] as Float32Array;
    const w0 = weights[0] as number;
    for (let j = 0; j < out.length; j++) out[j] = Math.fround((first[j] as number) * w0);
    for (let i = 1; i < models.length; i++) {
      const m = models[i] as Float32Array;
      const w = weights[i] as number;
      for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) + (m[j] as number) * w; // fused, as torch's vectorized addcmul_
    }
    if (divisor !== 1) for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / divisor;
    p.round(out);
  },
});

export const slerp = defineMergeMethod({
  name: 'slerp',
  description: 'Spherical interpolation between the base (t = 0) and one other model (t = 1)',
  base: 'required',
  models: { min: 1, max: 1 },
  params: { t: { kind: 'number', required: true, description: 'interpolation factor: 0 gives the base, 1 the other model' } },
  modelParams: {},
  slots: [{ kind: 'base' }, { kind: 'models' }, { kind: 'param', param: 't', slot: 't' }],
  wholeTensor: true,
  merge(args) {
    const v0 = args.base as Float32Array;
    const v1 = args.models[0] as Float32Array;
    const t = args.params.t as number;
    const n0 = Math.fround(Math.sqrt(dot(v0, v0)));
    const n1 = Math.fround(Math.sqrt(dot(v1, v1)));
    const d = Math.fround(dot(v0, v1) / ((n0 > 1e-8 ? n0 : 1) * (n1 > 1e-8 ? n1 : 1)));
    let s0: number;
    let s1: number;
    if (Math.abs(d) > 0.9995) {
      s0 = Math.fround(1 - t);
      s1 = Math.fround(t);
    } else {
      const theta0 = Math.fround(Math.acos(d));
      const sin0 = Math.fround(Math.sin(theta0));
      const thetaT = Math.fround(theta0 * t);
      s0 = Math.fround(Math.fround(Math.sin(Math.fround(theta0 - thetaT))) / sin0);
      s1 = Math.fround(Math.fround(Math.sin(thetaT)) / sin0);
    }
    const out = args.out;
    for (let j = 0; j < out.length; j++) out[j] = Math.fround((v0[j] as number) * s0) + Math.fround((v1[j] as number) * s1);
    args.precision.round(out);
  },
});

/** Vectors of a tensor for nuslerp/model_stock: [count, length, stride between entries, start(k)]. */
interface Vectors {
  count: number;
  len: number;
  stride: number;
  start: (k: number) => number;
}

function vectors(shape: readonly number[], n: number, mode: 'flat' | 'rows' | 'columns'): Vectors {
  const last = shape.length >= 1 ? (shape[shape.length - 1] as number) : n;
  if (mode === 'flat' || shape.length < 2) return { count: 1, len: n, stride: 1, start: () => 0 };
  if (mode === 'rows') return { count: n / last, len: last, stride: 1, start: (k) => k * last };
  // columns: vectors along dim 0 of [rows, rest]
  const rest = n / (shape[0] as number);
  return { count: rest, len: shape[0] as number, stride: rest, start: (k) => k };
}

/** torch.norm of a vector in the working precision: float32 accumulation (float64 here), rounded. */
function norm(p: Precision, a: Float32Array, v: Vectors, k: number): number {
  const s = v.start(k);
  return p.scalar(Math.sqrt(Math.fround(dot(a, a, s, v.len, v.stride))));
}

/** Σ q(a_i * b_i) over a vector, accumulated in float64, rounded to float32 then the working dtype. */
function dotQ(p: Precision, a: Float32Array, b: Float32Array, v: Vectors, k: number): number {
  let sum = 0;
  for (let m = 0, i = v.start(k); m < v.len; m++, i += v.stride) sum += p.scalar((a[i] as number) * (b[i] as number));
  return p.scalar(Math.fround(sum));
}

export const nuslerp = defineMergeMethod({
  name: 'nuslerp',
  description: 'Spherical interpolation of two models (or of their task vectors from a base), t = weight_2 / (weight_1 + weight_2)',
  base: 'optional',
  models: { min: 2, max: 2 },
  params: {
    nuslerp_row_wise: { kind: 'boolean', default: false, description: 'interpolate vectors along dimension 0 instead of the last' },
    nuslerp_flatten: { kind: 'boolean', default: true, description: 'treat the whole tensor as one vector' },
  },
  modelParams: { weight: { kind: 'number', required: true, description: "the model's weight" } },
  wholeTensor: true,
  /** mergekit 0.1.5's nuslerp, each torch step rounded to the working dtype. */
  merge(args) {
    const p = args.precision;
    const q = p.scalar;
    const [a, b] = args.models as [Float32Array, Float32Array];
    const base = args.base;
    const w = args.modelParams.map((mp) => mp.weight as number);
    const total = (w[0] as number) + (w[1] as number);
    const t = Math.abs(total) < 1e-6 ? 0.5 : (w[1] as number) / total;
    if (base) {
      for (let j = 0; j < a.length; j++) {
        a[j] = (a[j] as number) - (base[j] as number);
        b[j] = (b[j] as number) - (base[j] as number);
      }
      p.round(a);
      p.round(b);
    }
    const mode = args.params.nuslerp_flatten === true ? 'flat' : args.params.nuslerp_row_wise === true ? 'columns' : 'rows';
    const v = vectors(args.shape, a.length, mode);
    const out = new Float32Array(a.length);
    const au = new Float32Array(a.length);
    const bu = new Float32Array(a.length);
    const eps = q(1e-7);
    const t0 = Math.fround(1 - t);
    const t1 = Math.fround(t);
    for (let k = 0; k < v.count; k++) {
      const s = v.start(k);
      const na = Math.max(norm(p, a, v, k), eps);
      const nb = Math.max(norm(p, b, v, k), eps);
      for (let m = 0, i = s; m < v.len; m++, i += v.stride) {
        au[i] = q((a[i] as number) / na);
        bu[i] = q((b[i] as number) / nb);
      }
      const cos = Math.min(1, Math.max(-1, dotQ(p, au, bu, v, k)));
      const colinear = q(1 - q(cos * cos)) <= 1e-16;
      if (colinear) {
        for (let m = 0, i = s; m < v.len; m++, i += v.stride) out[i] = q(q(t0 * (a[i] as number)) + q(t1 * (b[i] as number)));
        continue;
      }
      const theta = q(Math.acos(cos));
      const sin = q(Math.sin(theta));
      const c0 = q(Math.sin(q(t0 * theta)));
      const c1 = q(Math.sin(q(t1 * theta)));
      for (let m = 0, i = s; m < v.len; m++, i += v.stride) out[i] = q(q(q(c0 * (a[i] as number)) + q(c1 * (b[i] as number))) / sin);
    }
    if (base) for (let j = 0; j < out.length; j++) args.out[j] = q((base[j] as number) + (out[j] as number));
    else args.out.set(out);
  },
});

export const modelStock = defineMergeMethod({
  name: 'model_stock',
  description: "Model Stock: move from the base towards the models' average by a factor set by the angle between their task vectors",
  base: 'required',
  models: { min: 2 },
  params: { filter_wise: { kind: 'boolean', default: false, description: 'one factor per row instead of per tensor' } },
  modelParams: {},
  slots: [{ kind: 'base' }, { kind: 'models' }],
  wholeTensor: true,
  /** mergekit 0.1.5's model_stock, each torch step rounded to the working dtype; a singular denominator keeps the base. */
  merge(args) {
    const p = args.precision;
    const q = p.scalar;
    const w0 = args.base as Float32Array;
    const ws = args.models;
    const N = ws.length;
    const n = w0.length;
    const v = vectors(args.shape, n, args.params.filter_wise === true ? 'rows' : 'flat');
    const offsets = ws.map((w) => {
      const o = new Float32Array(n);
      for (let j = 0; j < n; j++) o[j] = (w[j] as number) - (w0[j] as number);
      return p.round(o);
    });
    // average = (((w1 + w2) + w3) ...) / N, each step in the working dtype
    const avg = Float32Array.from(ws[0] as Float32Array);
    for (let i = 1; i < N; i++) {
      const w = ws[i] as Float32Array;
      for (let j = 0; j < n; j++) avg[j] = q((avg[j] as number) + (w[j] as number));
    }
    for (let j = 0; j < n; j++) avg[j] = q((avg[j] as number) / N);
    const out = args.out;
    for (let k = 0; k < v.count; k++) {
      const cos: number[] = [];
      for (let i = 0; i < N; i++) {
        for (let j = i + 1; j < N; j++) {
          const oi = offsets[i] as Float32Array;
          const oj = offsets[j] as Float32Array;
          const np = q(norm(p, oi, v, k) * norm(p, oj, v, k));
          cos.push(Math.min(1, Math.max(-1, q(dotQ(p, oi, oj, v, k) / Math.max(np, q(1e-6))))));
        }
      }
      const c = q(Math.fround(cos.reduce((x, y) => x + y, 0)) / cos.length);
      const denominator = q(1 + q((N - 1) * c));
      const t = Math.abs(denominator) < 1e-6 ? 0 : q(q(N * c) / denominator);
      const u = q(1 - t);
      for (let m = 0, i = v.start(k); m < v.len; m++, i++) out[i] = q(q(t * (avg[i] as number)) + q(u * (w0[i] as number)));
    }
  },
});

export const passthrough = defineMergeMethod({
  name: 'passthrough',
  description: 'Copy tensors from one model (with slices: stack layer ranges of models into a new model)',
  base: 'none',
  models: { min: 1, max: 1 },
  params: {},
  modelParams: { scale: { kind: 'number', default: 1, description: 'multiply the tensor by this factor' } },
  slots: [{ kind: 'models' }],
  wholeTensor: false,
  merge(args) {
    const m = args.models[0] as Float32Array;
    const scale = args.modelParams[0]?.scale as number;
    if (scale === 1) args.out.set(m);
    else {
      const f = Math.fround(scale);
      for (let j = 0; j < m.length; j++) args.out[j] = (m[j] as number) * f;
      args.precision.round(args.out);
    }
  },
});
