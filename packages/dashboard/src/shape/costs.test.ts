import { describe, expect, it } from 'vitest';
import { answerCounts, computeByStage, costByTrial, stepName, tokensByStep } from './costs.js';
import { trial } from './fixtures.js';

const policy = (usage: { step: string; inputTokens: number; outputTokens: number; costUsd: number }[]) => ({ policy: 'llm', usage });

describe('cost shaping', () => {
  const study = {
    trials: [
      trial(0, {
        reward: 0.3,
        durations: { select: 2, execute: 60, evaluate: 30 },
        resources: { gpuHours: 0.5, wallSec: 60 },
        policy: policy([
          { step: 'type', inputTokens: 1000, outputTokens: 50, costUsd: 0.01 },
          { step: 'objects', inputTokens: 2000, outputTokens: 20, costUsd: 0.02 },
        ]),
      }),
      trial(1, {
        type: 'ties',
        reward: 0.4,
        durations: { select: 1, execute: 10, evaluate: 30 },
        resources: { gpuHours: 0.1, wallSec: 10 },
        policy: policy([{ step: 'type', inputTokens: 1100, outputTokens: 40, costUsd: 0.011 }]),
      }),
      trial(2, { state: 'cached', cachedFrom: 0, reward: 0.3, durations: { select: 1 } }),
      trial(3, { state: 'failed', durations: { select: 1, smoke: 4 }, error: { type: 'SmokeFailed:RunnerError', message: 'x' } }),
    ],
    running: [
      {
        index: 4,
        action: trial(4).action,
        startedAt: '2025-01-01T00:00:00.000Z',
        policy: policy([{ step: 'type', inputTokens: 10, outputTokens: 1, costUsd: 0.001 }]),
      },
    ],
    observes: [
      { index: 0, usage: [{ step: 'memory', inputTokens: 500, outputTokens: 100, costUsd: 0.005 }] },
      { index: 1, usage: [{ step: 'memory', inputTokens: 600, outputTokens: 90, costUsd: 0.006 }] },
    ],
  };

  it('sums tokens and cost per step in the paper order (Table 5), with a total', () => {
    const { rows, total } = tokensByStep(study);
    expect(rows.map((r) => r.step)).toEqual(['type', 'objects', 'memory']);
    expect(rows[0]).toEqual({ step: 'type', calls: 3, inputTokens: 2110, outputTokens: 91, costUsd: expect.closeTo(0.022, 9) });
    expect(rows[2]).toMatchObject({ calls: 2, inputTokens: 1100, outputTokens: 190 });
    expect(total).toMatchObject({ calls: 6, inputTokens: 5210, outputTokens: 301 });
    expect(total.costUsd).toBeCloseTo(0.053, 9);
    expect(stepName('type')).toBe('Action type selection');
    expect(stepName('custom')).toBe('custom');
  });

  it('accumulates cost and compute per trial', () => {
    const pts = costByTrial(study);
    expect(pts.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    expect(pts[0]).toMatchObject({ tokens: 3670, computeSec: 90 });
    expect(pts[1]!.cumCostUsd).toBeCloseTo(0.01 + 0.02 + 0.005 + 0.011 + 0.006, 9);
    expect(pts[3]).toMatchObject({ computeSec: 4, cumComputeSec: 134 });
    expect(pts[4]!.cumCostUsd).toBeCloseTo(0.053, 9);
  });

  it('computes time per action type and stage (Table 4); cached trials cost nothing', () => {
    const rows = computeByStage(study.trials);
    expect(rows.map((r) => `${r.kind}:${r.stage}`)).toEqual([
      'action:sft',
      'action:ties',
      'evaluation:evaluation',
      'smoke:smoke runs',
      'selection:action selection',
    ]);
    expect(rows[0]).toMatchObject({ runs: 1, cached: 1, failed: 1, totalSec: 60, meanSec: 60, gpuHours: 0.5 });
    expect(rows[1]).toMatchObject({ runs: 1, totalSec: 10, gpuHours: 0.1 });
    expect(rows[2]).toMatchObject({ runs: 2, totalSec: 60, meanSec: 30 });
    expect(rows[3]).toMatchObject({ runs: 1, totalSec: 4 });
    expect(rows[4]).toMatchObject({ runs: 4, totalSec: 5 });
  });
});

describe('answer counts', () => {
  it('counts selection answers by outcome, constrained and free text, and keeps the refusal', () => {
    const note = (answers: NonNullable<Parameters<typeof trial>[1]>['policy']) => answers;
    const trials = [
      trial(0, {
        policy: note({
          policy: 'llm',
          usage: [],
          answers: [
            { step: 'type', outcome: 'first', replies: 1, constrained: true },
            { step: 'objects', outcome: 'retried', replies: 2, constrained: true },
          ],
        }),
      }),
      trial(1, {
        policy: note({
          policy: 'llm',
          usage: [],
          answers: [{ step: 'objects', outcome: 'fallback', replies: 3, constrained: false, refused: 'HTTP 400: response_format' }],
        }),
      }),
      trial(2, {}),
    ];
    expect(answerCounts(trials)).toEqual({
      rows: [
        { kind: 'constrained', answers: 2, validFirstTime: 1, retried: 1, fellBack: 0 },
        { kind: 'free text', answers: 1, validFirstTime: 0, retried: 0, fellBack: 1 },
      ],
      refused: 'HTTP 400: response_format',
    });
    expect(answerCounts([trial(0, {})])).toEqual({ rows: [] });
  });
});
