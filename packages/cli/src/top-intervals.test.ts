import type { TrialRecord } from '@lamdagent/core';
import { bootstrapMeanInterval } from '@lamdagent/core/kit';
import { bootstrapInterval } from '@lamdagent/science';
import { describe, expect, it } from 'vitest';
import { topJson, topText } from './format.js';

function trial(index: number, reward: number, intervals?: TrialRecord['intervals']): TrialRecord {
  return {
    index,
    state: 'complete',
    action: { type: 'sft', name: 'sft', key: `k${index}`, inputs: [], params: {} },
    produced: { id: `t${index}`, name: `0--${index}--0`, path: `/m/${index}` },
    scores: { arith: reward, mc: reward / 2 },
    reward,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    durations: {},
    metrics: {},
    ...(intervals ? { intervals } : {}),
  };
}

describe('lamdagent top: journaled intervals (issue 19)', () => {
  it('shows each task score with its 95% interval, and keeps them in --json', () => {
    const trials = [
      trial(0, 0.6, { arith: { lo: 0.5, hi: 0.7 }, mc: { lo: 0.2, hi: 0.4 } }),
      trial(1, 0.4, { arith: { lo: 0.3, hi: 0.5 }, mc: { lo: 0.1, hi: 0.3 } }),
    ];
    const text = topText(trials, 2);
    expect(text).toMatch(/1\s+0\s+0--0--0\s+0\.600 \[0\.500, 0\.700\]\s+0\.300 \[0\.200, 0\.400\]\s+0\.600/);
    expect(text).toMatch(/2\s+1\s+0--1--0\s+0\.400 \[0\.300, 0\.500\]/);
    expect(text).toContain('(each task: score [95% bootstrap interval over its items])');
    expect(topJson(trials, 1)[0]?.intervals).toEqual({ arith: { lo: 0.5, hi: 0.7 }, mc: { lo: 0.2, hi: 0.4 } });
  });

  it('a journal from before intervals shows the scores alone', () => {
    const text = topText([trial(0, 0.6)], 1);
    expect(text).toMatch(/1\s+0\s+0--0--0\s+0\.600\s+0\.300\s+0\.600/);
    expect(text).not.toContain('bootstrap interval');
    expect(topJson([trial(0, 0.6)], 1)[0]).not.toHaveProperty('intervals');
  });
});

describe('the journaled interval and the tables agree', () => {
  it("core's bootstrapMeanInterval (evaluation time) gives the numbers of science's bootstrapInterval (tables, dashboard)", () => {
    for (let k = 0; k < 20; k++) {
      const xs = Array.from({ length: 20 + k * 11 }, (_, i) => ((i * 7919 + k) % 10 < 4 ? 1 : (i % 3) / 2));
      expect(bootstrapMeanInterval(xs)).toEqual(bootstrapInterval(xs));
    }
  });
});
