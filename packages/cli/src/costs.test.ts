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
  return { dir: '/x', trials, journal: { observes: [] } } as unknown as StudyView;
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
