import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { toyWorld } from '../test-fixtures/toy-world.js';
import { computeBaselines } from './baselines.js';
import { compare } from './compare-run.js';
import { table1 } from './table1.js';

describe('lamdagent baselines', () => {
  it('scores each initial model as it is and Fully Fine-Tuned (SFT on the union of the datasets) over training seeds, for table', async () => {
    const w = toyWorld({ iterations: 3 });
    const out = path.join(w.dir, 'baselines');
    const rows = await computeBaselines({ configPath: w.config, outDir: out, seeds: 2 });
    expect(rows.map((r) => r.name)).toEqual(['base', 'Fully Fine-Tuned (2 seeds)']);
    expect(rows[0]!.validation).toEqual({ ta: 0, tb: 0 });
    // The union of a, b, c trains toward (1/3, 1/3, 1/3): half-way from 0 is (1/6, 1/6, 1/6) plus seed noise.
    const fft = rows[1]!;
    expect(fft.validation['ta']).toBeGreaterThan(0.05);
    expect(fft.sd!.validation['ta']).toBeGreaterThan(0);
    expect(readFileSync(path.join(out, 'union.json'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(existsSync(path.join(out, 'fft-s1', 'journal.jsonl'))).toBe(true);
    const again = await computeBaselines({ configPath: w.config, outDir: out, seeds: 2 });
    expect(again).toEqual(rows);
    const s = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 's') });
    const t = await table1([out, s.dir], { k: 1, evaluate: true });
    expect(t.rows.map((r) => r.group)).toEqual(['Baselines', 'Baselines', expect.stringMatching(/^s \(random policy\)/)]);
    // compare --baselines: per policy, the seeds whose top-1 beats each baseline on the test split.
    const c = await compare({ configPath: w.config, arms: [{ label: 'greedy', policy: { label: 'greedy', name: 'greedy', options: {} } }], seeds: 2, iterations: 4, outDir: path.join(w.dir, 'c'), baselines: out });
    const beats = c.report.arms[0]!.beats!;
    expect(Object.keys(beats)).toEqual(['base', 'Fully Fine-Tuned (2 seeds)']);
    expect(beats['base']!.of).toBe(2);
    expect(beats['base']!.wins).toBe(c.report.arms[0]!.seeds.filter((s) => s.top1Test! > beats['base']!.baseline).length);
    expect(c.text).toContain('top-1 test beats baseline');
  });
});
