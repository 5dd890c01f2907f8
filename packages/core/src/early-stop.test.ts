import { describe, expect, it } from 'vitest';
import type { Evaluator, TaskResult, TaskSpec } from './evaluator.js';
import { scoreOnValidation } from './job-evaluate.js';
import { earlyStopCheck, normalQuantile } from './kit/early-stop.js';
import { evaluationFacts } from './trial-record.js';

const ones = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => (i < k ? 1 : 0));

describe('earlyStopCheck (issue 19 item 5)', () => {
  it('normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(normalQuantile(1 - 0.05 / 3)).toBeCloseTo(2.128045, 5);
  });

  it('stops a candidate clearly below the threshold, not one near it; the bound shrinks as the slice grows', () => {
    // Three tasks of 1000 items, reward = mean of the three accuracies; 100 items seen per task.
    const task = (k: number) => ({ scores: ones(100, k), total: 1000, weight: 1 / 3 });
    const bad = earlyStopCheck([task(5), task(0), task(2)], 0.19, { alpha: 0.05, looks: 3 });
    expect(bad.stop).toBe(true);
    expect(bad.estimate).toBeCloseTo(7 / 300, 12);
    expect(bad.hi).toBeLessThan(0.19);
    const near = earlyStopCheck([task(20), task(50), task(15)], 0.3, { alpha: 0.05, looks: 3 });
    expect(near.estimate).toBeCloseTo(0.2833, 3);
    expect(near.stop).toBe(false);
    const more = earlyStopCheck(
      [
        { scores: ones(500, 100), total: 1000, weight: 1 / 3 },
        { scores: ones(500, 250), total: 1000, weight: 1 / 3 },
        { scores: ones(500, 75), total: 1000, weight: 1 / 3 },
      ],
      0.3,
      { alpha: 0.05, looks: 3 },
    );
    expect(more.hi - more.lo).toBeLessThan(near.hi - near.lo);
    expect(more.stop).toBe(true);
  });

  it('never stops on complete items, an empty slice, or a slice of all zeros too small to be sure', () => {
    expect(earlyStopCheck([{ scores: ones(10, 0), total: 10, weight: 1 }], 0.9, { alpha: 0.05, looks: 1 }).stop).toBe(false);
    expect(earlyStopCheck([{ scores: [], total: 10, weight: 1 }], 0.9, { alpha: 0.05, looks: 1 }).stop).toBe(false);
    // Two zeros out of 1000: the pseudo-items keep the bound wide (a true accuracy of 0.3 is possible).
    expect(earlyStopCheck([{ scores: [0, 0], total: 1000, weight: 1 }], 0.3, { alpha: 0.05, looks: 1 }).stop).toBe(false);
  });
});

describe('scoreOnValidation with earlyStop', () => {
  /** An evaluator whose items have fixed scores; it honours the slice (first ceil(slice * N) items). */
  function fixed(perTask: Record<string, number[]>, calls: { task: string; slice?: number }[], honour = true): Evaluator {
    return {
      name: 'fixed',
      async evaluate(_m, task, ctx): Promise<TaskResult> {
        calls.push({ task: task.name, ...(ctx.slice !== undefined ? { slice: ctx.slice } : {}) });
        const all = perTask[task.name]!;
        const xs = honour && ctx.slice !== undefined ? all.slice(0, Math.ceil(ctx.slice * all.length)) : all;
        return {
          task: task.name,
          metric: 'acc',
          score: xs.reduce((a, b) => a + b, 0) / xs.length,
          split: 'validation',
          n: xs.length,
          total: all.length,
          itemScores: xs,
        };
      },
    };
  }
  const tasks: TaskSpec[] = ['a', 'b'].map((name) => ({ name, evaluator: 'fixed', metric: 'acc', max: 1, alpha: 1, inReward: true, options: {} }));
  const model = { id: 't1', kind: 'models', type: 'model', name: 'm', value: '/m', digest: 'd' };
  const ctx = (threshold: number) => ({
    signal: new AbortController().signal,
    jobDir: '/tmp/x',
    seed: 0,
    log: () => undefined,
    earlyStop: { looks: [0.1, 0.5], alpha: 0.05, threshold, weights: { a: 0.5, b: 0.5 } },
  });
  const every = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => (i % k === 0 ? 1 : 0));
  const items = { a: every(400, 10), b: every(400, 20) }; // accuracies 0.1 and 0.05 in every slice: reward 0.075

  it('a candidate clearly below the threshold stops at the first look: partial results with the bound, journaled as such', async () => {
    const calls: { task: string; slice?: number }[] = [];
    const r = await scoreOnValidation(new Map([['fixed', fixed(items, calls)]]), model, tasks, ctx(0.4));
    expect(calls).toEqual([
      { task: 'a', slice: 0.1 },
      { task: 'b', slice: 0.1 },
    ]);
    expect(r.map((x) => [x.task, x.n, x.total, x.score])).toEqual([
      ['a', 40, 400, 0.1],
      ['b', 40, 400, 0.05],
    ]);
    expect(r[0]?.partial).toMatchObject({ slice: 0.1, threshold: 0.4 });
    expect(r[0]?.partial?.estimate).toBeCloseTo(0.075, 12);
    expect(r[0]?.partial?.hi).toBeLessThan(0.4);
    expect(r[0]?.itemScores).toBeUndefined();
    expect(r[0]?.interval).toBeDefined();
    expect(evaluationFacts(r).partial).toMatchObject({ slice: 0.1, threshold: 0.4, items: { a: { n: 40, total: 400 }, b: { n: 40, total: 400 } } });
  });

  it('a candidate near or above the threshold is scored in full', async () => {
    const calls: { task: string; slice?: number }[] = [];
    const r = await scoreOnValidation(new Map([['fixed', fixed(items, calls)]]), model, tasks, ctx(0.08));
    expect(calls.map((c) => c.slice)).toEqual([0.1, 0.1, 0.5, 0.5, undefined, undefined]);
    expect(r.map((x) => [x.n, x.score])).toEqual([
      [400, 0.1],
      [400, 0.05],
    ]);
    expect(r.some((x) => x.partial)).toBe(false);
  });

  it('an evaluator that ignores the slice is called once per task', async () => {
    const calls: { task: string; slice?: number }[] = [];
    const r = await scoreOnValidation(new Map([['fixed', fixed(items, calls, false)]]), model, tasks, ctx(0.9));
    expect(calls).toHaveLength(2);
    expect(r.map((x) => x.n)).toEqual([400, 400]);
  });
});
