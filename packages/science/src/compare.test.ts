import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openStudy, UsageError } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { toyWorld } from '../test-fixtures/toy-world.js';
import { studyDirOf } from './compare.js';
import { compare } from './compare-run.js';
import { parsePolicies } from './policies-arg.js';

const arms = (list: string, cwd = process.cwd()) => parsePolicies(list, cwd).map((p) => ({ label: p.label, policy: p }));
const finals = (r: Awaited<ReturnType<typeof compare>>) => r.report.arms.map((a) => [a.label, a.seeds.map((s) => [s.bestSoFar, s.top1Test])]);

describe('compare', () => {
  it('runs policies × seeds on one shared cache, with statistics, a paired test against random, JSON and a figure', async () => {
    const w = toyWorld();
    const out = path.join(w.dir, 'cmp');
    const lines: string[] = [];
    const r = await compare({
      configPath: w.config,
      arms: arms('random,random-type,greedy'),
      seeds: 3,
      iterations: 6,
      outDir: out,
      log: (l) => lines.push(l),
    });
    expect(r.report.arms.map((a) => a.label)).toEqual(['random', 'random-type', 'greedy']);
    // Progress: one line per trial of every study (a live comparison), then each study's stop.
    const trialLines = lines.filter((l) => / trial \d+\/6 /.test(l));
    expect(trialLines).toHaveLength(3 * 3 * 6);
    expect(trialLines[0]).toMatch(/^random seed 0: trial 1\/6 ran, reward \d\.\d{3}; best \d\.\d{3} \(\d+\.\d s\)$/);
    expect(trialLines.some((l) => l.includes('from the shared cache'))).toBe(true);
    expect(lines.filter((l) => /^[a-z-]+ seed \d: iteration budget reached \(6\) \(\d+\.\d s\)$/.test(l))).toHaveLength(9);
    for (const a of r.report.arms) {
      expect(a.seeds.map((s) => s.seed)).toEqual([0, 1, 2]);
      for (const s of a.seeds) {
        expect(s.bestSoFar).toHaveLength(6);
        const v = s.bestSoFar.filter((x): x is number => x !== null);
        for (let i = 1; i < v.length; i++) expect(v[i]).toBeGreaterThanOrEqual(v[i - 1]!);
        expect(s.top1Test).toBeTypeOf('number');
      }
      expect(a.final.n).toBe(3);
      expect(a.final.lo).toBeLessThanOrEqual(a.final.mean);
    }
    expect(r.report.arms[0]!.vsReference).toBeUndefined();
    expect(r.report.arms[2]!.vsReference?.reference).toBe('random');
    expect(r.report.arms[2]!.vsReference?.validation.method).toBe('exact');
    // The shared cache served actions across studies.
    expect(r.report.arms.reduce((n, a) => n + a.seeds.reduce((m, s) => m + s.fromCache, 0), 0)).toBeGreaterThan(0);
    const json = JSON.parse(readFileSync(r.files.results, 'utf8'));
    expect(json.arms[1].perSeed[2].bestSoFar).toEqual(r.report.arms[1]!.seeds[2]!.bestSoFar);
    expect(readFileSync(r.files.svg, 'utf8')).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>$/);
    expect(r.text).toContain('Wilcoxon signed-rank');

    // Re-running the same command continues (nothing left to do) and gives the same numbers, running nothing.
    const log = path.join(w.dir, 'exec.log');
    process.env['LAMDAGENT_TOY_LOG'] = log;
    try {
      const again = await compare({ configPath: w.config, arms: arms('random,random-type,greedy'), seeds: 3, iterations: 6, outDir: out });
      expect(finals(again)).toEqual(finals(r));
      expect(existsSync(log)).toBe(false);
    } finally {
      delete process.env['LAMDAGENT_TOY_LOG'];
    }
    // A fresh comparison elsewhere reproduces the numbers (job seeds follow the action, not the study).
    const fresh = await compare({ configPath: w.config, arms: arms('random,random-type,greedy'), seeds: 3, iterations: 6, outDir: path.join(w.dir, 'cmp2') });
    expect(finals(fresh)).toEqual(finals(r));
  });

  it('resumes studies that stopped: a larger --iterations continues them', async () => {
    const w = toyWorld();
    const out = path.join(w.dir, 'cmp');
    await compare({ configPath: w.config, arms: arms('random'), seeds: 2, iterations: 3, outDir: out });
    const r = await compare({ configPath: w.config, arms: arms('random'), seeds: 2, iterations: 5, outDir: out });
    expect(openStudy(studyDirOf(out, 'random', 1)).trials).toHaveLength(5);
    expect(r.report.arms[0]!.seeds[1]!.bestSoFar).toHaveLength(5);
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const w = toyWorld();
    const out = path.join(w.dir, 'bad');
    await expect(compare({ configPath: w.config, arms: arms('random,nope'), seeds: 2, iterations: 2, outDir: out })).rejects.toThrow(
      /unknown policy "nope" \(known: .*random/,
    );
    await expect(compare({ configPath: w.config, arms: arms('random'), seeds: 0, iterations: 2, outDir: out })).rejects.toBeInstanceOf(UsageError);
    await expect(
      compare({
        configPath: w.config,
        arms: [{ label: 'x', policy: { label: 'x', name: 'random', options: {} }, without: ['dpo'] }],
        seeds: 1,
        iterations: 2,
        outDir: out,
      }),
    ).rejects.toThrow(/no action named "dpo"/);
    expect(existsSync(out)).toBe(false);
    expect(() => parsePolicies('random,random', w.dir)).toThrow(/listed twice/);
    writeFileSync(path.join(w.dir, 'opts.json'), '{"temperature": 0.5}');
    expect(parsePolicies('greedy:opts.json', w.dir)).toEqual([{ label: 'greedy-opts', name: 'greedy', options: { temperature: 0.5 } }]);
  });
});
