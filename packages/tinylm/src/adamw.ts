/**
 * AdamW on the host: the parameters live in one flat Float32Array, so one fused loop updates all of them.
 * With the native kernels (engine/native.ts) the two loops run natively, with the same bits.
 */
import type { NativeAdamW } from './engine/native.js';
import type { ParamSpec } from './params.js';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Clip the global gradient norm to this value (0 disables); Hugging Face's default is 1. */
  maxGradNorm?: number;
}

export class AdamW {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly decayMask: Uint8Array;
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly maxGradNorm: number;

  constructor(specs: readonly ParamSpec[], size: number, opts: AdamWOptions = {}) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
    this.decayMask = new Uint8Array(size);
    for (const s of specs) if (s.decay) this.decayMask.fill(1, s.offset, s.offset + s.size);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.maxGradNorm = opts.maxGradNorm ?? 1;
  }

  /**
   * Apply one update to `params` in place; returns the gradient norm before clipping. `native` runs the
   * loops in native/x64/adamw.c: the same double-precision operations in the same order.
   */
  step(params: Float32Array, grads: Float32Array, lr: number, native?: NativeAdamW): number {
    let sq = 0;
    if (native) sq = native.adamw_squares(grads);
    else for (let i = 0; i < grads.length; i++) sq += (grads[i] as number) ** 2;
    const norm = Math.sqrt(sq);
    const scale = this.maxGradNorm > 0 && norm > this.maxGradNorm ? this.maxGradNorm / (norm + 1e-6) : 1;
    this.t++;
    const { beta1: b1, beta2: b2, eps, m, v, decayMask } = this;
    const c1 = 1 / (1 - b1 ** this.t);
    const c2 = 1 / (1 - b2 ** this.t);
    const decay = lr * this.weightDecay;
    if (native) {
      native.adamw_update(params, grads, m, v, decayMask, scale, b1, b2, c1, c2, eps, lr, decay);
      return norm;
    }
    for (let i = 0; i < params.length; i++) {
      const g = (grads[i] as number) * scale;
      const mi = b1 * (m[i] as number) + (1 - b1) * g;
      const vi = b2 * (v[i] as number) + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      let p = params[i] as number;
      if (decay !== 0 && decayMask[i] === 1) p -= decay * p;
      params[i] = p - (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
    }
    return norm;
  }
}

export type Schedule = 'constant' | 'linear' | 'cosine';

/** Learning rate at `step` (0-based) of `total`, with linear warmup over `warmup` steps. */
export function learningRateAt(base: number, step: number, total: number, warmup: number, schedule: Schedule): number {
  if (warmup > 0 && step < warmup) return (base * (step + 1)) / warmup;
  if (schedule === 'constant') return base;
  const span = Math.max(1, total - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  if (schedule === 'linear') return base * (1 - progress);
  return base * 0.5 * (1 + Math.cos(Math.PI * progress));
}
