import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TrialRecord } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { itemResults, rewardInterval } from './items.js';
import { bootstrapMeanOfMeans } from './stats.js';

describe('reward intervals from per-item results', () => {
  it('bootstrapMeanOfMeans: constant groups give a point; one {0,1} group gives [0, 1]', () => {
    expect(
      bootstrapMeanOfMeans([
        [1, 1],
        [0, 0],
      ]),
    ).toEqual({ mean: 0.5, lo: 0.5, hi: 0.5 });
    expect(bootstrapMeanOfMeans([[0, 1]], { resamples: 4000 })).toEqual({ mean: 0.5, lo: 0, hi: 1 });
  });

  it("reads the evaluator's per-item files of a trial (or of the study that ran it, for a shared-cache hit)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'items-'));
    const evalDir = path.join(dir, 'jobs', 't0003', 'eval');
    mkdirSync(evalDir, { recursive: true });
    const lines = (xs: boolean[]): string => xs.map((c, i) => JSON.stringify({ id: `x${i}`, correct: c })).join('\n');
    writeFileSync(path.join(evalDir, 'ta.validation.jsonl'), lines(Array.from({ length: 100 }, (_, i) => i < 60)));
    writeFileSync(path.join(evalDir, 'tb.validation.jsonl'), lines(Array.from({ length: 100 }, (_, i) => i < 20)));
    const t = { index: 3 } as TrialRecord;
    expect(itemResults(dir, t, 'ta')!.reduce((a, b) => a + b, 0)).toBe(60);
    const iv = rewardInterval(dir, t, ['ta', 'tb'])!;
    expect(iv.mean).toBeCloseTo(0.4, 12);
    // Two tasks of 100 items: sd of the average ≈ sqrt(.24/100 + .16/100)/2 ≈ 0.0316, so about ±0.062.
    expect(iv.hi - iv.lo).toBeGreaterThan(0.1);
    expect(iv.hi - iv.lo).toBeLessThan(0.15);
    const hit = { index: 9, cache: { key: 'k', study: dir, trial: 3 } } as TrialRecord;
    expect(rewardInterval('/nonexistent', hit, ['ta', 'tb'])).toEqual(iv);
    expect(rewardInterval(dir, { index: 4 } as TrialRecord, ['ta'])).toBeUndefined();
  });
});
