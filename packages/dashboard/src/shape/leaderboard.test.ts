import { describe, expect, it } from 'vitest';
import { trial } from './fixtures.js';
import { leaderboard } from './leaderboard.js';

describe('leaderboard shaping (Table 1)', () => {
  const tasks = [
    { name: 'gsm', metric: 'acc', inReward: true, max: 1 },
    { name: 'cqa', metric: 'acc', inReward: true, max: 1 },
    { name: 'nq_ood', metric: 'acc', inReward: false, max: 1 },
  ];
  const trials = [
    trial(0, { reward: 0.5, scores: { gsm: 0.4, cqa: 0.6 } }),
    trial(1, { reward: 0.7, scores: { gsm: 0.6, cqa: 0.8, nq_ood: 0.2 } }),
    trial(2, { state: 'failed' }),
    trial(3, { reward: 0.6, scores: { gsm: 0.5, cqa: 0.7 } }),
  ];
  const baselines = [
    { name: 'Fully Fine-Tuned', split: 'validation' as const, scores: { gsm: 0.45, cqa: 0.9, nq_ood: 0.3 } },
    { name: 'Fully Fine-Tuned', split: 'test' as const, scores: { gsm: 0.4, cqa: 0.85, nq_ood: 0.25 } },
  ];

  it('validation: baselines then top-k by reward, in-distribution columns before out-of-distribution', () => {
    const [val] = leaderboard({ trials, tasks, baselines, evaluations: [] }, 2);
    expect(val!.split).toBe('validation');
    expect(val!.columns).toEqual([
      { task: 'gsm', group: 'in-distribution' },
      { task: 'cqa', group: 'in-distribution' },
      { task: 'nq_ood', group: 'out-of-distribution' },
    ]);
    expect(val!.rows.map((r) => [r.kind, r.label, r.trial])).toEqual([
      ['baseline', 'Fully Fine-Tuned', undefined],
      ['top', 'Top-1', 1],
      ['top', 'Top-2', 3],
    ]);
    expect(val!.rows[1]!.avg).toBeCloseTo((0.6 + 0.8 + 0.2) / 3, 12);
    expect(val!.rows[2]).toMatchObject({ partial: true });
    expect(val!.best['cqa']).toBe(0.9);
    expect(val!.third['gsm']).toBe(0.45);
  });

  it('a test table appears with test baselines, and top rows only for models evaluated on test', () => {
    const tables = leaderboard(
      {
        trials,
        tasks,
        baselines,
        evaluations: [
          { index: 3, split: 'test', scores: { gsm: 0.55, cqa: 0.75 } },
          { index: 3, split: 'test', scores: { nq_ood: 0.3 } },
        ],
      },
      2,
    );
    expect(tables.map((t) => t.split)).toEqual(['validation', 'test']);
    const test = tables[1]!;
    expect(test.rows.map((r) => r.label)).toEqual(['Fully Fine-Tuned', 'Top-2']);
    expect(test.rows[1]!.scores).toEqual({ gsm: 0.55, cqa: 0.75, nq_ood: 0.3 });
    expect(test.best['avg']).toBeCloseTo((0.55 + 0.75 + 0.3) / 3, 12);
  });

  it("test rows carry each task's journaled interval; a later record without one drops the earlier's", () => {
    const tables = leaderboard(
      {
        trials,
        tasks,
        baselines,
        evaluations: [
          { index: 3, split: 'test', scores: { gsm: 0.55, cqa: 0.75 }, intervals: { gsm: { lo: 0.4, hi: 0.7 }, cqa: { lo: 0.6, hi: 0.9 } } },
          { index: 3, split: 'test', scores: { cqa: 0.7, nq_ood: 0.3 } },
        ],
      },
      2,
    );
    const top = tables[1]!.rows.find((r) => r.kind === 'top')!;
    expect(top.scores).toEqual({ gsm: 0.55, cqa: 0.7, nq_ood: 0.3 });
    expect(top.taskIntervals).toEqual({ gsm: { lo: 0.4, hi: 0.7 } });
    expect(tables[1]!.rows.find((r) => r.kind === 'baseline')!.taskIntervals).toBeUndefined();
  });

  it('no baselines and no test evaluation: only the validation table', () => {
    const tables = leaderboard({ trials, tasks, baselines: [], evaluations: [] }, 3);
    expect(tables).toHaveLength(1);
    expect(tables[0]!.rows).toHaveLength(3);
  });
});
