import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preflightSuiteTask } from './task-preflight.js';

const task = (options: Record<string, unknown>, name = 'arith') => ({
  name,
  evaluator: 'suite',
  metric: 'acc',
  max: 1,
  alpha: 1,
  inReward: true,
  options: options as never,
});

describe('preflightSuiteTask', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'suite-pre-'));
  writeFileSync(path.join(dir, 'ok.jsonl'), '{"id":"1","prompt":"1+1=","answer":"2"}\n');
  writeFileSync(path.join(dir, 'bad.jsonl'), '{"id":"1","prompt":"1+1="}\n');

  it('accepts a task whose files exist and parse', () => {
    expect(preflightSuiteTask(task({ scorer: 'numeric', data: { validation: 'ok.jsonl', test: 'ok.jsonl' } }), dir)).toEqual([]);
  });
  it('names a missing file, a bad first line, an unknown scorer and missing data', () => {
    expect(preflightSuiteTask(task({ scorer: 'numeric', data: { validation: 'nope.jsonl' } }), dir)).toEqual([
      { path: 'options.data.validation', message: `${path.join(dir, 'nope.jsonl')}: not found` },
    ]);
    expect(preflightSuiteTask(task({ scorer: 'numeric', data: { validation: 'ok.jsonl', test: 'bad.jsonl' } }), dir)).toEqual([
      { path: 'options.data.test', message: `${path.join(dir, 'bad.jsonl')}:1: answer: Invalid input` },
    ]);
    const scorer = preflightSuiteTask(task({ scorer: 'bogus', data: { validation: 'ok.jsonl' } }), dir);
    expect(scorer[0]?.path).toBe('options.scorer');
    // the paper's format names tasks only: a preset fixes the scorer, but no data file can be named
    const paper = preflightSuiteTask(task({}, 'gsm8k'), dir);
    expect(paper[0]?.path).toBe('options.data.validation');
    expect(paper[0]?.message).toMatch(/options\.data\.validation is missing/);
  });
});
