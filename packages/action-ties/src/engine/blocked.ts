import { combine, subtractRound } from '../method/combine.js';
import type { ParamValue } from '../method/define.js';
import { precisionOf } from '../method/precision.js';
import { bf16RoundBits, MagnitudeSelector } from '../trim.js';
import type { ComputeJob } from './compute.js';

/** Elements per block (256 KB of float32 per input): the scratch stays in cache. */
const BLOCK = 1 << 16;

/**
 * TIES / task arithmetic over raw bf16 inputs, block by block: memory is the raw inputs and output
 * (2 bytes per element each) plus a few blocks, instead of float32 copies of every input. For TIES,
 * two passes over the task vectors (computed once, stored as bf16 over the models' raw inputs) feed one
 * radix selector per model;
 * the third pass trims in index order, weights and mixes. Bit-identical to the whole-tensor kernel.
 */
export function mergeBf16Blocked(job: ComputeJob, consensus: boolean, trim: boolean): Uint8Array {
  const n = job.shape.reduce((a, b) => a * b, 1);
  const p = precisionOf('BF16');
  const base = job.base as NonNullable<ComputeJob['base']>;
  const src = (bytes: Uint8Array): Uint16Array => new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  const b16 = src(base.bytes);
  const m16 = job.models.map((m) => src(m.bytes));
  const count = m16.length;
  const baseBlock = new Float32Array(BLOCK);
  const baseBits = new Uint32Array(baseBlock.buffer);
  const blocks = m16.map(() => new Float32Array(BLOCK));
  const blockBits = blocks.map((b) => new Uint32Array(b.buffer));
  const weights = job.modelParams.map((mp) => p.scalar(mp.weight as number));
  const decode = (from: Uint16Array, bits: Uint32Array, start: number, len: number): void => {
    for (let j = 0; j < len; j++) bits[j] = (from[start + j] as number) << 16;
  };
  /**
   * Task vectors of block [start, start + len) into `blocks`. The first time they are computed
   * (q(model - base)) and, being bf16 values, stored over the model's raw input; later passes decode them.
   */
  let stored = false;
  const deltas = (start: number, len: number): void => {
    for (let i = 0; i < count; i++) {
      const bits = blockBits[i] as Uint32Array;
      const m = m16[i] as Uint16Array;
      decode(m, bits, start, len);
      if (stored) continue;
      if (i === 0) decode(b16, baseBits, start, len);
      subtractRound((blocks[i] as Float32Array).subarray(0, len), baseBlock.subarray(0, len), p);
      for (let j = 0; j < len; j++) m[start + j] = (bits[j] as number) >>> 16;
    }
  };
  let selectors: MagnitudeSelector[] | undefined;
  if (trim) {
    selectors = job.modelParams.map((mp) => new MagnitudeSelector(n, mp.density as number));
    if (!selectors.every((s) => s.keepsAll)) {
      for (let start = 0; start < n; start += BLOCK) {
        const len = Math.min(BLOCK, n - start);
        deltas(start, len);
        selectors.forEach((s, i) => s.observeHigh((blocks[i] as Float32Array).subarray(0, len)));
      }
      stored = true;
      for (const s of selectors) s.finishHigh();
      // Task vectors are bf16 values: the low 16 bits of every magnitude are 0, so the high-half
      // bucket is the threshold and the second radix pass has nothing to count.
      for (const s of selectors) s.finishLow();
    }
  }
  const out = new Uint16Array(n);
  const params: Record<string, ParamValue> = job.params;
  const normalize = params.normalize === true;
  const lambda = Math.fround(params.lambda as number);
  const mixed = new Float32Array(BLOCK);
  const mixedBits = new Uint32Array(mixed.buffer);
  const divisor = new Float32Array(BLOCK);
  const divisorBits = new Uint32Array(divisor.buffer);
  let constDivisor = 1;
  if (!consensus) {
    const s = new Float32Array(1);
    for (const w of weights) s[0] = (s[0] as number) + w;
    constDivisor = p.scalar(s[0] as number);
    if (Math.abs(constDivisor) < 1e-8) constDivisor = 1;
  }
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    deltas(start, len);
    decode(b16, baseBits, start, len);
    const models = blocks.map((b, i) => {
      const m = b.subarray(0, len);
      const w = weights[i] as number;
      if (selectors) return (selectors[i] as MagnitudeSelector).apply(m, w, true);
      for (let j = 0; j < len; j++) m[j] = (m[j] as number) * w;
      return p.round(m);
    });
    if (consensus && count === 2) {
      // consensus, normalization, lambda, base and bf16 encoding fused into one loop (same steps as `combine`)
      const d0 = models[0] as Float32Array;
      const d1 = models[1] as Float32Array;
      const w0 = weights[0] as number;
      const w1 = weights[1] as number;
      for (let j = 0; j < len; j++) {
        const x0 = d0[j] as number;
        const x1 = d1[j] as number;
        const e = 2 * +(Math.fround(x0 + x1) >= 0) - 1;
        const a0 = +(x0 * e > 0);
        const a1 = +(x1 * e > 0);
        mixed[j] = a0 * x0 + a1 * x1;
        mixedBits[j] = bf16RoundBits(mixedBits[j] as number);
        if (normalize) {
          divisor[j] = a0 * w0 + a1 * w1;
          divisorBits[j] = bf16RoundBits(divisorBits[j] as number);
          const v = divisor[j] as number;
          mixed[j] = (mixed[j] as number) / (v + +(v === 0));
          mixedBits[j] = bf16RoundBits(mixedBits[j] as number);
        }
        if (lambda !== 1) {
          mixed[j] = (mixed[j] as number) * lambda;
          mixedBits[j] = bf16RoundBits(mixedBits[j] as number);
        }
        baseBlock[j] = (baseBlock[j] as number) + (mixed[j] as number);
        out[start + j] = bf16RoundBits(baseBits[j] as number) >>> 16;
      }
    } else if (!consensus) {
      for (let j = 0; j < len; j++) {
        let s = 0;
        for (let i = 0; i < count; i++) s = Math.fround(s + ((models[i] as Float32Array)[j] as number));
        mixed[j] = s;
        mixedBits[j] = bf16RoundBits(mixedBits[j] as number);
        if (normalize) {
          mixed[j] = (mixed[j] as number) / constDivisor;
          mixedBits[j] = bf16RoundBits(mixedBits[j] as number);
        }
        if (lambda !== 1) {
          mixed[j] = (mixed[j] as number) * lambda;
          mixedBits[j] = bf16RoundBits(mixedBits[j] as number);
        }
        baseBlock[j] = (baseBlock[j] as number) + (mixed[j] as number);
        out[start + j] = bf16RoundBits(baseBits[j] as number) >>> 16;
      }
    } else {
      const o = baseBlock.subarray(0, len);
      combine({ name: job.name, shape: [len], base: o, models, out: o, params, modelParams: job.modelParams, precision: p, seed: 0 }, consensus, weights);
      for (let j = 0; j < len; j++) out[start + j] = (baseBits[j] as number) >>> 16; // already bf16 values
    }
  }
  return new Uint8Array(out.buffer);
}
