import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStudy, runStudy } from '@lamdagent/core';
import { bootstrapMeanInterval } from '@lamdagent/core/kit';
import { toyEvaluator } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import { toyWorld } from '../test-fixtures/toy-world.js';
import { itemResults } from './items.js';
import { table1, table1Text } from './table1.js';

describe('lamdagent table (Table-1 style)', () => {
  it('shows baselines and each study top-k with test scores, measuring missing ones into the journal', async () => {
    const w = toyWorld({ iterations: 5 });
    const a = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 'a') });
    const b = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 'b'), overrides: { policy: 'greedy', seed: 1 } });
    writeFileSync(
      path.join(a.dir, 'baselines.json'),
      JSON.stringify([
        { name: 'base', split: 'validation', scores: { ta: 0, tb: 0 } },
        { name: 'base', split: 'test', scores: { ta: 0, tb: 0, ta_ood: 0.1 } },
      ]),
    );
    const t = await table1([a.dir, b.dir], { k: 2, evaluate: true });
    expect(t.inDist).toEqual(['ta', 'tb']);
    expect(t.outDist).toEqual(['ta_ood']);
    expect(t.rows.map((r) => r.name)).toEqual([
      'base',
      'Top-1 ' + a.top[0]!.produced!.name,
      expect.stringMatching(/^Top-2 /),
      'Top-1 ' + b.top[0]!.produced!.name,
      expect.stringMatching(/^Top-2 /),
    ]);
    for (const r of t.rows.slice(1)) expect(Object.keys(r.test).sort()).toEqual(['ta', 'tb']);
    expect(openStudy(a.dir).journal.evaluations.filter((e) => e.split === 'test')).toHaveLength(2);
    const text = table1Text(t);
    expect(text).toMatch(/ta_ood\*/);
    // The toy evaluator keeps per-item results (one item a task), so the validation average has its (degenerate) interval.
    expect(text).toMatch(/Top-1 .*\(\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]\)/);
  });
});

describe('lamdagent table --evaluate: test scores with their intervals (issue 19)', () => {
  it('journals each task interval (core bootstrap, seed 0: what a trial-end journals for the same items) and prints it', async () => {
    const w = toyWorld({ iterations: 4, items: 40 });
    const s = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 's') });
    // The trial-end of the best trial: its validation interval is core's bootstrap over its per-item file.
    const best = s.top[0]!;
    for (const task of ['ta', 'tb']) {
      const items = itemResults(s.dir, best, task)!;
      expect(items).toHaveLength(40);
      const iv = bootstrapMeanInterval(items);
      expect(best.intervals?.[task]).toEqual({ lo: iv.lo, hi: iv.hi });
    }
    const t = await table1([s.dir], { k: 2, evaluate: true });
    const evals = openStudy(s.dir).journal.evaluations.filter((e) => e.split === 'test');
    expect(evals).toHaveLength(2);
    for (const e of evals) {
      const trial = s.trials.find((x) => x.index === e.index)!;
      // The same model scored again on the test split by the toy evaluator: its per-item results give the interval.
      const out = mkdtempSync(path.join(tmpdir(), 'table-iv-'));
      for (const task of ['ta', 'tb']) {
        const spec = {
          name: task,
          evaluator: 'toy',
          metric: 'acc',
          max: 1,
          alpha: 1,
          inReward: true,
          options: { target: [0, 0, 0], testTarget: task === 'ta' ? [0.9, 0.1, 0] : [0.1, 0.9, 0], items: 40 },
        };
        const model = { id: 'm', kind: 'models', type: 'model', name: 'm', value: trial.produced!.path, digest: 'd' };
        const r = await toyEvaluator.evaluate(model, spec, { signal: new AbortController().signal, split: 'test', outDir: out, seed: 0, log: () => undefined });
        expect(e.scores[task]).toBe(r.score);
        const iv = bootstrapMeanInterval(r.itemScores!);
        expect(e.intervals?.[task]).toEqual({ lo: iv.lo, hi: iv.hi });
      }
      expect(e.evaluationUsage).toBeUndefined(); // no LLM scored the toy tasks
      expect(t.rows.find((r) => r.name.endsWith(trial.produced!.name))?.testIntervals).toEqual(e.intervals);
    }
    // Not degenerate: some task's items disagree.
    expect(evals.some((e) => Object.values(e.intervals ?? {}).some((iv) => iv.lo < iv.hi))).toBe(true);
    const text = table1Text(t);
    expect(text).toContain('[95% bootstrap interval over its items]');
    expect(text).toMatch(/Top-1 \S+ +\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] +\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]/);
  });
});
