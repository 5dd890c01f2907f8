import type { StudyView, TrialRecord } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { costsJson, costsText } from './costs.js';

function trial(index: number, answers: NonNullable<TrialRecord['policy']>['answers']): TrialRecord {
  return {
    index,
    state: 'complete',
    action: { type: 'sft', name: 'sft', key: `k${index}`, inputs: [], params: {} },
    scores: {},
    reward: 0.5,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    durations: {},
    metrics: {},
    policy: { policy: 'llm', usage: [{ step: 'type', inputTokens: 100, outputTokens: 5, costUsd: 0 }], ...(answers ? { answers } : {}) },
  } as TrialRecord;
}

function view(trials: TrialRecord[]): StudyView {
  return { dir: '/x', trials, journal: { observes: [], initial: new Map(), evaluations: [] } } as unknown as StudyView;
}

describe('costs: agent answer counts', () => {
  it('counts valid-first-time, retried and fell-back answers, constrained and free text, and the refusal', () => {
    const c = costsJson(
      view([
        trial(0, [
          { step: 'type', outcome: 'first', replies: 1, constrained: true },
          { step: 'objects', outcome: 'retried', replies: 2, constrained: true },
        ]),
        trial(1, [
          { step: 'type', outcome: 'fallback', replies: 3, constrained: false, refused: 'response_format json_schema refused: HTTP 400: unsupported' },
        ]),
        trial(2, [{ step: 'objects', outcome: 'first', replies: 1, constrained: false }]),
        trial(3, undefined),
      ]),
    );
    expect(c.answers.constrained).toEqual({ answers: 2, validFirstTime: 1, retried: 1, fellBack: 0 });
    expect(c.answers.freeText).toEqual({ answers: 2, validFirstTime: 1, retried: 0, fellBack: 1 });
    expect(c.answers.refused).toMatch(/HTTP 400/);
    const text = costsText(c);
    expect(text).toMatch(/Agent answers/);
    expect(text).toMatch(/constrained\s+2\s+1\s+1\s+0/);
    expect(text).toMatch(/free text\s+2\s+1\s+0\s+1/);
    expect(text).toContain('refused structured output');
  });

  it('shows no answer table for a non-LLM policy', () => {
    const c = costsJson(view([trial(0, undefined)]));
    expect(c.answers.constrained.answers + c.answers.freeText.answers).toBe(0);
    expect(costsText(c)).not.toContain('Agent answers');
  });
});

describe('costs: the judge apart from the agent', () => {
  it("sums the judge's tokens per task and model, from trials and initial models, on their own lines", () => {
    const t0 = {
      ...trial(0, undefined),
      evaluationUsage: [{ task: 'mt_bench', model: 'gpt-4o', inputTokens: 3000, outputTokens: 40, requests: 10, costUsd: 0.0079 }],
    };
    const t1 = { ...trial(1, undefined), evaluationUsage: [{ task: 'mt_bench', model: 'gpt-4o', inputTokens: 0, outputTokens: 0, requests: 0, costUsd: 0 }] };
    const v = view([t0, t1] as TrialRecord[]);
    (v.journal.initial as Map<string, unknown>).set('d', {
      kind: 'initial',
      digest: 'd',
      ids: ['models/0'],
      name: 'base',
      at: '',
      scores: {},
      seconds: 0,
      evaluationUsage: [{ task: 'mt_bench', model: 'gpt-4o', inputTokens: 1000, outputTokens: 20, requests: 4, costUsd: 0.0027 }],
    });
    // The top model's test-split scores (an `evaluate` record of `lamdagent table --evaluate`): their own line.
    (v.journal.evaluations as unknown[]).push({
      kind: 'evaluate',
      index: 0,
      split: 'test',
      at: '',
      scores: { mt_bench: 6 },
      evaluationUsage: [{ task: 'mt_bench', model: 'gpt-4o', inputTokens: 500, outputTokens: 10, requests: 2, costUsd: 0.0013 }],
    });
    const c = costsJson(v);
    expect(c.judge).toEqual([
      { task: 'mt_bench', split: 'validation', model: 'gpt-4o', evaluations: 3, requests: 14, inputTokens: 4000, outputTokens: 60, costUsd: 0.0079 + 0.0027 },
      { task: 'mt_bench', split: 'test', model: 'gpt-4o', evaluations: 1, requests: 2, inputTokens: 500, outputTokens: 10, costUsd: 0.0013 },
    ]);
    // The agent's figures stay the agent's: two trials of 100 + 5 tokens.
    expect(c.total).toMatchObject({ inputTokens: 200, outputTokens: 10, costUsd: 0, judgeInputTokens: 4500, judgeOutputTokens: 70 });
    expect(c.total.allCostUsd).toBeCloseTo(0.0119, 10);
    const text = costsText(c);
    expect(text).toMatch(/Judge usage/);
    expect(text).toMatch(/mt_bench\s+validation\s+gpt-4o\s+3\s+14\s+4\.0\s+0\.1\s+0\.011/);
    expect(text).toMatch(/mt_bench\s+test\s+gpt-4o\s+1\s+2\s+0\.5\s+0\.0\s+0\.001/);
    expect(text).toContain('Cost: agent $0.000 + judge $0.012 = $0.012');
  });

  it('shows no judge table without an evaluation LLM', () => {
    expect(costsText(costsJson(view([trial(0, undefined)])))).not.toContain('Judge usage');
  });
});
