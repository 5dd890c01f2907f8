import { describe, expect, it } from 'vitest';
import { compareText, type ArmStats, type CompareReport, type SeedResult } from './compare-report.js';
import { wilcoxonSignedRank } from './tests.js';

const seedResult = (seed: number, best: number): SeedResult => ({
  seed,
  study: `s${seed}`,
  bestSoFar: [best],
  top1Test: best - 0.01,
  topTest: [best - 0.01],
  trials: 1,
  executed: 1,
  fromCache: 0,
  misses: 0,
});

const arm = (label: string, values: number[], vs?: number[]): ArmStats => {
  const final = { mean: 0, lo: 0, hi: 0, sd: 0, n: values.length };
  const withWL = (x: number[], y: number[]) => ({
    ...wilcoxonSignedRank(x, y),
    wins: x.filter((v, i) => v > y[i]!).length,
    losses: x.filter((v, i) => v < y[i]!).length,
  });
  return {
    label,
    policy: label,
    without: [],
    seeds: values.map((v, i) => seedResult(i, v)),
    curve: [final],
    final,
    test: final,
    ...(vs ? { vsReference: { reference: 'random', validation: withWL(values, vs), test: withWL(values, vs) } } : {}),
  };
};

describe('compareText', () => {
  it('prints small p-values with two significant digits, not as 0.000', () => {
    const random = Array.from({ length: 20 }, (_, i) => 0.3 + 0.001 * i);
    const better = random.map((v, i) => v + 0.2 + 0.001 * i);
    const mixed = random.map((v, i) => v + (i % 4 === 0 ? -0.01 : 0.01) * (1 + i));
    const report: CompareReport = {
      config: 'study.yaml',
      iterations: 1,
      seeds: random.map((_, i) => i),
      test: 'Wilcoxon signed-rank, two-sided, exact null distribution (pairs by seed)',
      arms: [arm('random', random), arm('surrogate', better, random), arm('greedy', mixed, random)],
    };
    const text = compareText(report);
    const p = wilcoxonSignedRank(better, random).p;
    expect(p).toBeLessThan(1e-5);
    expect(text).toContain(`${p.toPrecision(2)} (20/0)`);
    expect(text).not.toContain('0.000 (20/0)');
    const q = wilcoxonSignedRank(mixed, random).p;
    expect(q).toBeGreaterThan(0.001);
    expect(text).toContain(`${q.toFixed(3)} (15/5)`);
  });
});
