import { Rng } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';
import { Forest } from './forest.js';
import { expectedImprovement } from './surrogate.js';

describe('forest', () => {
  it('fits a step and an interaction, with more spread where data disagree', () => {
    const rng = new Rng(1);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 80; i++) {
      const a = rng.int(2);
      const b = rng.int(2);
      x.push([a, b, rng.next()]);
      y.push(a && b ? 1 : 0.2 * a);
    }
    const f = new Forest(x, y, new Rng(2), { trees: 32, minLeaf: 2, maxDepth: 6, featureFraction: 0.67 });
    expect(f.predict([1, 1, 0.5]).mean).toBeGreaterThan(0.9);
    expect(f.predict([1, 0, 0.5]).mean).toBeCloseTo(0.2, 1);
    expect(f.predict([0, 1, 0.5]).mean).toBeLessThan(0.1);
    expect(f.perTree([1, 1, 0.5])).toHaveLength(32);
    // Same data and rng seed: the same forest.
    const g = new Forest(x, y, new Rng(2), { trees: 32, minLeaf: 2, maxDepth: 6, featureFraction: 0.67 });
    expect(g.perTree([0.3, 0.7, 0.1])).toEqual(f.perTree([0.3, 0.7, 0.1]));
  });

  it('expected improvement: grows with the mean and, below the best, with the uncertainty', () => {
    expect(expectedImprovement(0.5, 0, 0.4, 0)).toBeCloseTo(0.1, 12);
    expect(expectedImprovement(0.3, 0, 0.4, 0)).toBe(0);
    expect(expectedImprovement(0.3, 0.2, 0.4, 0)).toBeGreaterThan(expectedImprovement(0.3, 0.05, 0.4, 0));
    expect(expectedImprovement(0.45, 0.05, 0.4, 0)).toBeGreaterThan(expectedImprovement(0.35, 0.05, 0.4, 0));
    // The closed form against a numeric integral of max(0, X - best), X ~ N(0.38, 0.1).
    let num = 0;
    for (let i = -6000; i < 6000; i++) {
      const z = i / 1000;
      num += Math.max(0, 0.38 + 0.1 * z - 0.4) * (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * 0.001;
    }
    expect(expectedImprovement(0.38, 0.1, 0.4, 0)).toBeCloseTo(num, 5);
  });
});
