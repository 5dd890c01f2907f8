import { describe, expect, it } from 'vitest';
import { historyOf, metricsOf, runningMax, windowStats } from './history.js';
import { trial } from './fixtures.js';

describe('history shaping', () => {
  const trials = [
    trial(0, { reward: 0.2, scores: { ta: 0.4, tb: 0 } }),
    trial(1, { state: 'failed', error: { type: 'RunnerError', message: 'boom' } }),
    trial(2, { reward: 0.5, scores: { ta: 0.1, tb: 0.9 } }),
    trial(3, { state: 'cached', cachedFrom: 0, reward: 0.2, scores: { ta: 0.4, tb: 0 } }),
    trial(4, { reward: 0.3, scores: { ta: 0.6, tb: 0 } }),
  ];

  it('gives one point per trial, failed ones without a value, and the running maximum', () => {
    const h = historyOf([...trials].reverse());
    expect(h.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    expect(h.map((p) => p.value)).toEqual([0.2, null, 0.5, 0.2, 0.3]);
    expect(h.map((p) => p.best)).toEqual([0.2, 0.2, 0.5, 0.5, 0.5]);
    expect(h.map((p) => p.state)).toEqual(['complete', 'failed', 'complete', 'cached', 'complete']);
  });

  it('plots a task score instead of the reward', () => {
    expect(historyOf(trials, 'task:ta').map((p) => p.best)).toEqual([0.4, 0.4, 0.4, 0.4, 0.6]);
    expect(metricsOf(trials)).toEqual(['reward', 'task:ta', 'task:tb']);
  });

  it('running max skips gaps and starts null', () => {
    expect(runningMax([null, 1, null, 0.5, 3, 2])).toEqual([null, 1, 1, 1, 3, 3]);
  });

  it('windows of 15 iterations: mean, population std, max, best so far, failures apart (Figure 5)', () => {
    const many = Array.from({ length: 32 }, (_, i) =>
      i === 3 ? trial(i, { state: 'failed' }) : trial(i, { reward: i < 15 ? (i % 2) / 10 : 0.5 + (i % 3) / 10 }),
    );
    const w = windowStats(historyOf(many), 15);
    expect(w.map((x) => [x.from, x.to, x.n, x.failed, x.partial])).toEqual([
      [0, 14, 14, 1, false],
      [15, 29, 15, 0, false],
      [30, 44, 2, 0, true],
    ]);
    const first = Array.from({ length: 15 }, (_, i) => i)
      .filter((i) => i !== 3)
      .map((i) => (i % 2) / 10);
    const mean = first.reduce((a, b) => a + b, 0) / first.length;
    expect(w[0]!.mean).toBeCloseTo(mean, 12);
    expect(w[0]!.std).toBeCloseTo(Math.sqrt(first.reduce((a, v) => a + (v - mean) ** 2, 0) / first.length), 12);
    expect(w[0]!.max).toBe(0.1);
    expect(w[1]!.max).toBeCloseTo(0.7, 12);
    expect(w[2]!.best).toBeCloseTo(0.7, 12);
    expect(w[2]!.max).toBeCloseTo(0.6, 12); // trials 30 and 31: 0.5 + 0, 0.5 + 0.1
  });

  it('a window with one value has std 0; an empty one has no statistics; bad sizes are refused', () => {
    expect(windowStats(historyOf([trial(0, { reward: 0.4 })]), 15)[0]).toMatchObject({ n: 1, mean: 0.4, std: 0, partial: true });
    expect(windowStats(historyOf([trial(0, { state: 'failed' })]), 15)[0]).toMatchObject({ n: 0, mean: null, std: null, max: null, best: null, failed: 1 });
    expect(() => windowStats([], 0)).toThrow(RangeError);
    expect(windowStats(historyOf(trials), 2).map((x) => x.from)).toEqual([0, 2, 4]);
  });
});
