import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { openStudy, topK } from '@lamdagent/core';
import { makeStudy, writeItemResults } from '../../test-fixtures/world.js';
import { StudySource } from './study-source.js';
import { leaderboard } from '../shape/leaderboard.js';

/** n per-item values averaging `mean`, spread by ±`spread`. */
const items = (n: number, mean: number, spread: number): number[] => Array.from({ length: n }, (_, i) => mean + (i % 2 === 0 ? spread : -spread));

describe('reward intervals of the top trials', () => {
  let out: string;
  let world: string;
  let tops: number[];
  beforeAll(async () => {
    const s = await makeStudy({ iterations: 12 });
    out = s.out;
    world = s.world.dir;
    tops = topK(openStudy(out).trials, 3).map((t) => t.index);
    // top-1 and top-2: noisy items around close means (overlapping); top-3: tight items far below
    writeItemResults(out, tops[0] as number, 'ta', items(40, 0.8, 0.3));
    writeItemResults(out, tops[0] as number, 'tb', items(40, 0.8, 0.3));
    writeItemResults(out, tops[1] as number, 'ta', items(40, 0.75, 0.3));
    writeItemResults(out, tops[1] as number, 'tb', items(40, 0.75, 0.3));
    writeItemResults(out, tops[2] as number, 'ta', items(400, 0.2, 0.01));
    writeItemResults(out, tops[2] as number, 'tb', items(400, 0.2, 0.01));
  }, 60_000);
  afterAll(() => rmSync(world, { recursive: true, force: true }));

  it('gives a 95% bootstrap interval around each top trial’s item mean and flags the ones inside the top-1’s noise', () => {
    const data = new StudySource(out, 0).data(3);
    const [a, b, c] = tops.map((i) => data.intervals[i]);
    expect(a && b && c).toBeTruthy();
    expect(a?.lo).toBeLessThan(0.8);
    expect(a?.hi).toBeGreaterThan(0.8);
    expect((a?.hi ?? 0) - (a?.lo ?? 0)).toBeGreaterThan(0.1); // ±0.3 items, 40 per task: a wide interval
    expect((c?.hi ?? 1) - (c?.lo ?? 0)).toBeLessThan(0.01); // tight items: a narrow one
    expect(a?.insideTop1Noise).toBe(false); // the top-1 itself is not flagged
    expect(b?.insideTop1Noise).toBe(true);
    expect(c?.insideTop1Noise).toBe(false);
    // the leaderboard's validation rows carry them
    const board = leaderboard(data, 3).find((t) => t.split === 'validation');
    expect(board?.rows.find((r) => r.trial === tops[1])?.interval?.insideTop1Noise).toBe(true);
  });

  it('leaves out trials without per-item results, and looks only at the top k', () => {
    const data = new StudySource(out, 0).data(1);
    expect(Object.keys(data.intervals).map(Number)).toEqual([tops[0]]);
    rmSync(path.join(out, 'jobs', `t${String(tops[0]).padStart(4, '0')}`, 'eval', 'tb.validation.jsonl'));
    expect(new StudySource(out, 0).data(1).intervals).toEqual({});
  });
});
