import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Aggregator } from './aggregator.js';
import { mean, weightedSum } from './aggregators.js';
import type { TaskSpec } from './evaluator.js';
import { aggregatorShape, earlyStopDecide, earlyStopSpec } from './job-evaluate.js';
import { earlyStopCheck, earlyStopCheckMonotone } from './kit/early-stop.js';
import { openStudy } from './study-folder.js';
import { runStudy } from './study-run.js';
import type { TrialRecord } from './trial.js';
import { makeToyWorld } from '../test-fixtures/toy-world.js';

const task = (name: string, max = 1, inReward = true): TaskSpec => ({ name, evaluator: 'e', metric: 'm', max, alpha: 1 / max, inReward, options: {} });
const tasks = [task('a'), task('b', 10), task('ood', 1, false)];
const scaled = (results: { task: string; score: number }[], ts: TaskSpec[]): number[] =>
  ts.filter((t) => t.inReward).map((t) => t.alpha * results.find((r) => r.task === t.name)!.score);
const agg = (name: string, f: (xs: number[]) => number, monotone?: boolean): Aggregator => ({
  name,
  ...(monotone !== undefined ? { monotone } : {}),
  aggregate: (r, ts) => f(scaled(r, ts)),
});
const min = agg('min', (xs) => Math.min(...xs));
const geo = agg('geo', (xs) => Math.sqrt(xs[0]! * xs[1]!), true);
const gap = agg('gap', ([a = 0, b = 0]) => b - Math.abs(a - b));

describe('aggregatorShape: how early stopping may bound the reward', () => {
  it('mean and weighted-sum are linear (their weights are alpha / count and alpha)', () => {
    expect(aggregatorShape(mean, tasks)).toEqual({ kind: 'linear', weights: { a: 0.5, b: 0.05, ood: 0 } });
    expect(aggregatorShape(weightedSum, tasks)).toEqual({ kind: 'linear', weights: { a: 1, b: 0.1, ood: 0 } });
  });

  it('a nonlinear aggregator: declared monotone, probed monotone, or unsound with the reason', () => {
    expect(aggregatorShape(geo, tasks)).toEqual({ kind: 'monotone', declared: true });
    expect(aggregatorShape(min, tasks)).toEqual({ kind: 'monotone', declared: false });
    const g = aggregatorShape(gap, tasks);
    expect(g.kind).toBe('unsound');
    expect(g.kind === 'unsound' && g.reason).toMatch(/^the aggregator gap is not linear and fell from .* when a rose to/);
    const no = aggregatorShape(
      agg('min', (xs) => Math.min(...xs), false),
      tasks,
    );
    expect(no).toEqual({ kind: 'unsound', reason: 'the aggregator min is not linear and declares itself not monotone (monotone: false)' });
    const broken = aggregatorShape(
      {
        name: 'x',
        aggregate: () => {
          throw new Error('boom');
        },
      },
      tasks,
    );
    expect(broken).toEqual({ kind: 'unsound', reason: 'the aggregator x failed on probe scores (boom)' });
  });

  it('earlyStopSpec: linear weights, monotone with the aggregation for a job, or a fallback', () => {
    const history = [0.9, 0.8, 0.7].map((reward, index) => ({ state: 'complete', reward, index }) as TrialRecord);
    const cfg = { looks: [0.1, 0.5], alpha: 0.05 };
    expect(earlyStopSpec(cfg, history, 3, mean, tasks)).toMatchObject({ mode: 'linear', threshold: 0.7, weights: { a: 0.5 } });
    expect(earlyStopSpec(cfg, history, 3, min, tasks, { name: 'min', options: {} })).toEqual({
      ...cfg,
      threshold: 0.7,
      mode: 'monotone',
      weights: { a: 1, b: 1, ood: 0 },
      aggregation: { name: 'min', options: {} },
    });
    expect(earlyStopSpec(cfg, history, 3, gap, tasks)?.fallback).toMatch(/not linear and fell/);
    expect(earlyStopSpec(cfg, history, 4, min, tasks)).toBeUndefined();
  });
});

describe('the monotone bound', () => {
  const ones = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => (i < k ? 1 : 0));
  it('for a linear reward it is the per-task Bonferroni bound: never tighter than the linear test', () => {
    const ts = [
      { scores: ones(100, 10), total: 1000, weight: 0.5 },
      { scores: ones(100, 30), total: 1000, weight: 0.5 },
    ];
    const lin = earlyStopCheck(ts, 0.5, { alpha: 0.05, looks: 3 });
    const mono = earlyStopCheckMonotone(ts, 0.5, { alpha: 0.05, looks: 3 }, ([a = 0, b = 0]) => 0.5 * a + 0.5 * b);
    expect(mono.estimate).toBeCloseTo(lin.estimate, 12);
    expect(mono.hi).toBeGreaterThan(lin.hi);
    expect(mono.stop).toBe(true);
  });

  it('a judge task (ratings 1..10, declared range) takes part: the range sets the bound', () => {
    const ratings = Array.from({ length: 20 }, (_, i) => (i % 2 ? 2 : 3)); // mean 2.5 of 10
    const spec = { looks: [0.1], alpha: 0.05, threshold: 0.5, weights: { mt: 1, a: 1 }, mode: 'monotone' as const };
    const ts = [task('mt', 10), task('a')];
    const slices = (range: [number, number]) => [
      { task: 'mt', scores: ratings, total: 200, range },
      { task: 'a', scores: ones(20, 4), total: 200, range: [0, 1] as [number, number] },
    ];
    const declared = earlyStopDecide(spec, slices([1, 10]), ts, min);
    const wide = earlyStopDecide(spec, slices([0, 10]), ts, min);
    expect(declared.estimate).toBeCloseTo(0.2, 12); // min(2.5 / 10, 4 / 20)
    expect(declared.hi).toBeLessThan(wide.hi);
    expect(declared.stop).toBe(true);
  });
});

/** The toy world with `items` right/wrong items a task, early stopping on, and an aggregation. */
function world(aggregation: string) {
  const w = makeToyWorld({
    iterations: 12,
    policy: 'random',
    extra: `aggregation: ${aggregation}\nearlyStop: { looks: [0.1, 0.5], alpha: 0.05 }\nscoreInitialModels: false\n`,
  });
  const plugin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-fixtures', 'aggregators-plugin', 'index.mjs');
  const cfg = readFileSync(w.configPath, 'utf8')
    .replace(/options: \{ target: (\[[^\]]*\]) \}/g, 'options: { target: $1, items: 200 }')
    .replace('plugins: [', `plugins: [${JSON.stringify(plugin)}, `);
  writeFileSync(w.configPath, cfg);
  return w;
}

describe('early stopping with a nonlinear aggregator, in a real study (toy world)', () => {
  it('a declared-monotone aggregator (toy-max): clearly worse candidates stop on a slice, with the bound journaled', async () => {
    const w = world('toy-max');
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
    const partial = s.trials.filter((t) => t.partial);
    expect(partial.length).toBeGreaterThan(0);
    for (const t of partial) {
      expect(t.partial!.hi).toBeLessThan(t.partial!.threshold);
      expect(t.partial!.items['ta']!.n).toBeLessThan(200);
      // The slice's reward is the aggregate of its scores: max(ta, tb).
      expect(t.reward).toBeCloseTo(Math.max(t.scores['ta']!, t.scores['tb']!), 12);
      expect(t.earlyStop).toBeUndefined();
    }
    const journal = readFileSync(path.join(s.dir, 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"partial":{"slice":0.1');
    expect(s.trials.some((t) => t.state === 'complete' && !t.partial)).toBe(true);
  }, 60_000);

  it('an aggregator that is not monotone (toy-gap): every candidate scored in full, the reason journaled', async () => {
    const w = world('toy-gap');
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
    const view = openStudy(s.dir);
    const complete = view.trials.filter((t) => t.state === 'complete');
    expect(complete.some((t) => t.earlyStop)).toBe(true);
    for (const t of complete) {
      expect(t.partial).toBeUndefined();
      // Before the top-k is full there is no threshold: no early stopping, nothing to explain.
      if (t.earlyStop) expect(t.earlyStop.fallback).toMatch(/^the aggregator toy-gap is not linear and fell from/);
    }
  }, 60_000);
});
