import { describe, expect, it } from 'vitest';
import { bootstrapInterval, mean, overlaps, quantile, ranks, sd, t975, tInterval } from './stats.js';
import { kendallTau, normalCdf, wilcoxonSignedRank } from './tests.js';

describe('descriptive statistics', () => {
  it('mean, sample sd, type-7 quantile, average ranks', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.13809, 5); // sqrt(32/7)
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30], 0.25)).toBe(15);
    expect(ranks([10, 30, 20, 20])).toEqual([1, 4, 2.5, 2.5]);
  });

  it('Student-t interval: mean 2, sd 1, n 4 gives 2 ± 3.182/2', () => {
    const iv = tInterval([1, 2, 2, 3].map((v) => v)); // sd = sqrt(2/3)
    expect(iv.mean).toBe(2);
    const half = (t975(3) * Math.sqrt(2 / 3)) / 2;
    expect(iv.lo).toBeCloseTo(2 - half, 10);
    expect(iv.hi).toBeCloseTo(2 + half, 10);
    expect(t975(3)).toBe(3.182);
  });
});

describe('bootstrap interval', () => {
  it('a constant sample has a zero-width interval', () => {
    expect(bootstrapInterval([0.3, 0.3, 0.3])).toEqual({ mean: 0.3, lo: 0.3, hi: 0.3 });
  });

  it('two values {0,1}: resample means are 0, .5, 1 with probability 1/4, 1/2, 1/4, so the 95% interval is [0, 1]', () => {
    const iv = bootstrapInterval([0, 1], { resamples: 4000, seed: 3 });
    expect(iv).toEqual({ mean: 0.5, lo: 0, hi: 1 });
  });

  it('100 Bernoulli items at 50%: the interval is about ±0.098 (1.96 * 0.05), and deterministic per seed', () => {
    const items = Array.from({ length: 100 }, (_, i) => i % 2);
    const a = bootstrapInterval(items, { seed: 1 });
    expect(a.mean).toBe(0.5);
    expect(a.lo).toBeGreaterThan(0.37);
    expect(a.lo).toBeLessThan(0.43);
    expect(a.hi).toBeGreaterThan(0.57);
    expect(a.hi).toBeLessThan(0.63);
    expect(bootstrapInterval(items, { seed: 1 })).toEqual(a);
    expect(overlaps(a, { mean: 0.55, lo: 0.45, hi: 0.65 })).toBe(true);
    expect(overlaps(a, { mean: 0.9, lo: 0.85, hi: 0.95 })).toBe(false);
  });
});

describe('Wilcoxon signed-rank (exact)', () => {
  it('five positive differences: W+ = 15, two-sided p = 2/32', () => {
    const r = wilcoxonSignedRank([2, 4, 6, 8, 10], [1, 2, 3, 4, 5]);
    expect(r).toEqual({ n: 5, wPlus: 15, wMinus: 0, p: 0.0625, method: 'exact' });
  });

  it('d = [1, -2, 3, 4]: W+ = 8; subsets of {1,2,3,4} summing to >= 8 are {1,3,4}, {2,3,4}, {1,2,3,4}: p = 2 * 3/16', () => {
    const r = wilcoxonSignedRank([1, -2, 3, 4], [0, 0, 0, 0]);
    expect(r.wPlus).toBe(8);
    expect(r.wMinus).toBe(2);
    expect(r.p).toBeCloseTo(6 / 16, 12);
  });

  it('zeros are dropped and ties get average ranks (exact over half-integer ranks)', () => {
    // d = [0, 1, 1, -1]: non-zero n = 3, all |d| tied at rank 2; W+ = 4; null W+ in {0,2,2,2,4,4,4,6}: P(>=4) = 4/8
    const r = wilcoxonSignedRank([0, 1, 1, -1], [0, 0, 0, 0]);
    expect(r.n).toBe(3);
    expect(r.wPlus).toBe(4);
    expect(r.p).toBe(1);
  });

  it('no differences at all gives p = 1; large n uses the normal approximation', () => {
    expect(wilcoxonSignedRank([1, 2], [1, 2]).p).toBe(1);
    const x = Array.from({ length: 60 }, (_, i) => i + 1);
    const r = wilcoxonSignedRank(
      x,
      x.map(() => 0),
    );
    expect(r.method).toBe('normal');
    expect(r.p).toBeLessThan(1e-9);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });
});

describe("Kendall's tau-b", () => {
  it('identical, reversed, and one swapped pair of four (C=5, D=1: tau = 4/6)', () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(kendallTau([1, 2, 3, 4], [1, 2, 4, 3])).toBeCloseTo(4 / 6, 12);
  });

  it('ties: x = [1,2,2,3], y = [1,2,3,4] gives C=5, D=0, tied-in-x 1: 5 / sqrt(5 * 6)', () => {
    expect(kendallTau([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
    expect(kendallTau([1, 1], [1, 2])).toBeNaN();
  });
});
