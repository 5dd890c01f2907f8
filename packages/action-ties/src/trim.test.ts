import { describe, expect, it } from 'vitest';
import { keepCount, MagnitudeSelector, magnitudeTrim, trimInPlace } from './trim.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);
const list = (a: Float32Array): number[] => Array.from(a, (x) => (Object.is(x, -0) ? 0 : x));

describe('keepCount', () => {
  it('is floor(density * n) as mergekit int(density * numel)', () => {
    expect(keepCount(10, 0.5)).toBe(5);
    expect(keepCount(10, 0.35)).toBe(3);
    expect(keepCount(10, 0.99)).toBe(9);
    // int(0.57 * 100) == 56 in Python: same float64 product, same floor.
    expect(keepCount(100, 0.57)).toBe(56);
    expect(keepCount(10, 0.3)).toBe(3);
  });
  it('keeps everything at density 1 and at least one entry otherwise', () => {
    expect(keepCount(7, 1)).toBe(7);
    expect(keepCount(3, 0.1)).toBe(1);
    expect(keepCount(1, 0.5)).toBe(1);
    expect(keepCount(0, 0.5)).toBe(0);
  });
});

describe('trimInPlace', () => {
  it('keeps the top-k magnitudes, whatever their sign', () => {
    expect(list(magnitudeTrim(f32([1, -3, 3, 2, -1, 0.5]), 0.5))).toEqual([0, -3, 3, 2, 0, 0]);
  });
  it('breaks ties at the threshold by lower index', () => {
    expect(list(magnitudeTrim(f32([2, -2, 2, 1]), 0.5))).toEqual([2, -2, 0, 0]);
    expect(list(magnitudeTrim(f32([1, -1, 1, -1]), 0.75))).toEqual([1, -1, 1, 0]);
    expect(list(magnitudeTrim(f32([0.5, 3, -0.5, 0.5, -3]), 0.6))).toEqual([0.5, 3, 0, 0, -3]);
  });
  it('keeps the single largest entry when floor(density * n) is 0', () => {
    expect(list(magnitudeTrim(f32([0.1, -0.7, 0.3]), 0.2))).toEqual([0, -0.7, 0].map(Math.fround));
  });
  it('does nothing at density 1 and on empty tensors', () => {
    expect(list(magnitudeTrim(f32([1, -2, 3]), 1))).toEqual([1, -2, 3]);
    expect(magnitudeTrim(f32([]), 0.5).length).toBe(0);
  });
  it('handles magnitudes that share the high bits (second radix level)', () => {
    const xs = [1, 1.0000001, 1.0000002, -1.0000003, 1.0000004].map(Math.fround);
    expect(list(magnitudeTrim(f32(xs), 0.4))).toEqual([0, 0, 0, xs[3], xs[4]]);
  });
  it('treats -0 and +0 alike and keeps zeros only when k exceeds the nonzero count', () => {
    expect(list(magnitudeTrim(f32([-0, 0, 5, 0]), 0.5))).toEqual([0, 0, 5, 0]);
  });
  it('works on a subarray view and leaves the rest of the buffer alone', () => {
    const buf = f32([9, 1, -4, 2, 3, 9]);
    trimInPlace(buf.subarray(1, 5), 0.5);
    expect(list(buf)).toEqual([9, 0, -4, 0, 3, 9]);
  });
  it('agrees with a stable sort on random data', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const density of [0.01, 0.1, 0.33, 0.5, 0.9]) {
      // Few distinct values so ties at the threshold are frequent.
      const xs = f32(Array.from({ length: 5000 }, () => Math.round((rand() - 0.5) * 200) / 16));
      const k = keepCount(xs.length, density);
      const order = Array.from(xs.keys()).sort((a, b) => Math.abs(xs[b]!) - Math.abs(xs[a]!) || a - b);
      const expected = new Float32Array(xs.length);
      for (const i of order.slice(0, k)) expected[i] = xs[i]!;
      expect(list(magnitudeTrim(xs, density))).toEqual(list(expected));
    }
  });
});

describe('MagnitudeSelector', () => {
  it('selects over chunks exactly as over the whole task vector, ties included', () => {
    let seed = 99;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const xs = f32(Array.from({ length: 1000 }, () => Math.round((rand() - 0.5) * 50) / 8));
    for (const density of [0.05, 0.5, 0.77, 1]) {
      const whole = trimInPlace(Float32Array.from(xs), density, 0.5);
      for (const size of [1, 7, 333]) {
        const selector = new MagnitudeSelector(xs.length, density);
        const chunks = (): Float32Array[] => {
          const out: Float32Array[] = [];
          for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
          return out;
        };
        for (const c of chunks()) selector.observeHigh(c);
        selector.finishHigh();
        for (const c of chunks()) selector.observeLow(c);
        selector.finishLow();
        const applied = chunks().map((c) => selector.apply(c, 0.5));
        const joined = new Float32Array(xs.length);
        applied.forEach((c, i) => joined.set(c, i * size));
        expect(list(joined), `density ${density}, chunk ${size}`).toEqual(list(whole));
      }
    }
  });
});
