import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openStudy, runStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { toyWorld } from '../test-fixtures/toy-world.js';
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
