import type { TensorMergeArgs } from './define.js';
import type { Precision } from './precision.js';

/**
 * The mixing step of generalized task arithmetic (mergekit's GTATask after sparsification), on weighted
 * task vectors, in the working precision. See gta.ts for the formula.
 */

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
    bits[j] = (u & 0x7f800000) === 0x7f800000 ? (u & 0xffff0000) | ((u & 0x7fffff) !== 0 ? 0x400000 : 0) : (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
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
    bits[j] = (u & 0x7f800000) === 0x7f800000 ? (u & 0xffff0000) | ((u & 0x7fffff) !== 0 ? 0x400000 : 0) : (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
  }
}
