import { describe, expect, it } from 'vitest';
import { withInterval } from './job-evaluate.js';
import { JournalRecordSchema } from './journal-records.js';
import { bootstrapMeanInterval } from './kit/bootstrap.js';
import { evaluationFacts } from './trial-record.js';
import { TrialRecordSchema } from './trial.js';

describe('task score intervals (issue 19)', () => {
  it('bootstrapMeanInterval: seeded, brackets the mean, collapses when every item agrees or with one item', () => {
    const xs = Array.from({ length: 100 }, (_, i) => (i % 10 < 6 ? 1 : 0)); // accuracy 0.6 over 100 items
    const a = bootstrapMeanInterval(xs);
    expect(a).toEqual(bootstrapMeanInterval(xs));
    expect(a.mean).toBeCloseTo(0.6, 12);
    // The binomial standard error is 0.049: a 95% interval about 0.6 +- 0.096.
    expect(a.lo).toBeGreaterThan(0.49);
    expect(a.lo).toBeLessThan(0.52);
    expect(a.hi).toBeGreaterThan(0.68);
    expect(a.hi).toBeLessThan(0.71);
    expect(bootstrapMeanInterval(xs, { seed: 7 })).not.toEqual(a);
    expect(bootstrapMeanInterval([1, 1, 1])).toEqual({ mean: 1, lo: 1, hi: 1 });
    expect(bootstrapMeanInterval([0.4])).toEqual({ mean: 0.4, lo: 0.4, hi: 0.4 });
  });

  it("withInterval turns an evaluator's itemScores into the interval and drops them; one the evaluator gave is kept", () => {
    const scores = [7, 3, 9, 5, 6, 8];
    const r = withInterval({ task: 'mt', metric: 'score', score: 38 / 6, split: 'validation', itemScores: scores });
    const iv = bootstrapMeanInterval(scores);
    expect(r).toEqual({ task: 'mt', metric: 'score', score: 38 / 6, split: 'validation', interval: { lo: iv.lo, hi: iv.hi } });
    expect(r.interval!.lo).toBeLessThan(r.score);
    expect(r.interval!.hi).toBeGreaterThan(r.score);
    const given = { task: 'a', metric: 'acc', score: 0.5, split: 'validation' as const, interval: { lo: 0.1, hi: 0.9 }, itemScores: [0, 1] };
    expect(withInterval(given)).toEqual({ task: 'a', metric: 'acc', score: 0.5, split: 'validation', interval: { lo: 0.1, hi: 0.9 } });
    expect(withInterval({ task: 'a', metric: 'acc', score: 0.5, split: 'validation' })).toEqual({ task: 'a', metric: 'acc', score: 0.5, split: 'validation' });
  });

  it('a trial record keeps intervals and the judge usage per task; records without them (old journals) still load', () => {
    const facts = evaluationFacts([
      { task: 'arith', metric: 'acc', score: 0.5, split: 'validation', interval: { lo: 0.3, hi: 0.7 } },
      {
        task: 'mt',
        metric: 'score',
        score: 6,
        split: 'validation',
        interval: { lo: 5, hi: 7 },
        usage: { model: 'judge', inputTokens: 580, outputTokens: 8, requests: 2 },
      },
    ]);
    expect(facts).toEqual({
      intervals: { arith: { lo: 0.3, hi: 0.7 }, mt: { lo: 5, hi: 7 } },
      evaluationUsage: [{ task: 'mt', model: 'judge', inputTokens: 580, outputTokens: 8, requests: 2, costUsd: 0 }],
    });
    expect(evaluationFacts([{ task: 'a', metric: 'acc', score: 1, split: 'validation' }])).toEqual({});
    const old = {
      kind: 'trial-end',
      trial: {
        index: 0,
        state: 'complete',
        action: { name: 'sft', type: 'sft', key: 'k', inputs: [] },
        produced: { id: 't0', name: '0--0--0', path: '/m' },
        scores: { arith: 0.5 },
        reward: 0.5,
        startedAt: 'a',
        endedAt: 'b',
      },
    };
    const parsed = JournalRecordSchema.parse(old);
    expect(parsed.kind === 'trial-end' && parsed.trial.intervals).toBeUndefined();
    const now = TrialRecordSchema.parse({ ...old.trial, ...facts });
    expect(now.intervals?.mt).toEqual({ lo: 5, hi: 7 });
    expect(now.evaluationUsage?.[0]?.costUsd).toBe(0);
  });
});
