import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EvalContext, FactoryContext, PoolObject, TaskSpec } from '@lamdagent/core';
import { createJudgeEvaluator, createTinyBackend, JudgeError, tinylmRuntime } from '@lamdagent/eval-suites';
import { SHIPPED_BASE_MODEL } from '@lamdagent/world';
import { afterEach, describe, expect, it } from 'vitest';
import { createJudgeChat } from './judge-chat.js';
import { startFakeOpenAI, type FakeServer } from './testing/index.js';

/** The MT-Bench fixture (FastChat question.jsonl schema) of @lamdagent/eval-suites. */
const DATA = resolve(import.meta.dirname, '../../eval-suites/fixtures/benchmarks');
const model: PoolObject = { id: 't1', kind: 'models', type: 'model', name: '0--1--0', value: SHIPPED_BASE_MODEL, digest: 'x' };
const task: TaskSpec = { name: 'mt_bench', evaluator: 'llm-judge', metric: 'score', max: 10, alpha: 0.1, inReward: true, options: {} };
const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function setup(server: FakeServer): {
  evaluate: (outDir: string, slice?: number) => ReturnType<ReturnType<typeof createJudgeEvaluator>['evaluate']>;
  dir: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'lamdagent-judge-eval-'));
  const factoryCtx: FactoryContext = {
    configDir: dir,
    seed: 0,
    env: {},
    generationBackend: async (_name, options) => createTinyBackend((options ?? {}) as Record<string, unknown>, tinylmRuntime()),
  };
  const evaluator = createJudgeEvaluator(
    { judge: { provider: 'openai', model: 'judge-model', baseURL: `${server.url}/v1` }, maxNewTokens: 8, dataDir: DATA },
    factoryCtx,
    async () => createJudgeChat,
  );
  const ctx = (outDir: string, slice?: number): EvalContext => ({
    signal: new AbortController().signal,
    split: 'validation',
    outDir,
    seed: 0,
    log: () => {},
    ...(slice !== undefined ? { slice } : {}),
  });
  return { evaluate: (outDir, slice) => evaluator.evaluate(model, task, ctx(outDir, slice)), dir };
}

describe('the llm-judge evaluator (MT-Bench turn 1) with the tiny model answering and a fake judge server', () => {
  it('scores the mean rating, writes per-item ratings and the judge tokens; re-scoring the same answers is free', async () => {
    const server = await startFakeOpenAI([
      { reply: '{"choice": 7}', usage: { input: 300, output: 4 } },
      { reply: '{"choice": 3}', usage: { input: 280, output: 4 } },
    ]);
    servers.push(server);
    const { evaluate, dir } = setup(server);
    const r = await evaluate(join(dir, 'eval1'));
    expect(r).toMatchObject({ task: 'mt_bench', score: 5, n: 2, split: 'validation' }); // (7 + 3) / 2
    // Per-item ratings (for the interval) and the judge's tokens go back with the result, into the study's journal.
    expect(r.itemScores).toEqual([7, 3]);
    expect(r.usage).toEqual({ model: 'judge-model', inputTokens: 580, outputTokens: 8, requests: 2, costUsd: 0 });
    const items = readFileSync(join(dir, 'eval1/mt_bench.validation.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(items.map((i) => [i.id, i.rating, i.category])).toEqual([
      ['81', 7, 'writing'],
      ['111', 3, 'math'],
    ]);
    const judge = JSON.parse(readFileSync(join(dir, 'eval1/mt_bench.validation.judge.json'), 'utf8')) as unknown;
    expect(judge).toEqual({ judge: 'judge-model', usage: { inputTokens: 580, outputTokens: 8, requests: 2, costUsd: 0 } });
    // The reference answer of the math question reached the judge.
    expect(JSON.stringify(server.requests[1]?.body)).toContain('[Reference answer]\\n15% of 240 is 36.');

    expect(existsSync(join(dir, '.lamdagent/judge-ratings.jsonl'))).toBe(true);
    const again = await evaluate(join(dir, 'eval2')); // greedy answers repeat: every rating is cached
    expect(again.score).toBe(5);
    expect(again.usage).toEqual({ model: 'judge-model', inputTokens: 0, outputTokens: 0, requests: 0, costUsd: 0 });
    expect(server.requests).toHaveLength(2);
  }, 120_000);

  it('early stopping: a slice rates only its first questions and declares the 1-10 scale; the full evaluation rates the rest', async () => {
    const server = await startFakeOpenAI([
      { reply: '{"choice": 7}', usage: { input: 300, output: 4 } },
      { reply: '{"choice": 3}', usage: { input: 280, output: 4 } },
    ]);
    servers.push(server);
    const { evaluate, dir } = setup(server);
    const first = await evaluate(join(dir, 'eval1'), 0.5);
    expect(first).toMatchObject({ score: 7, n: 1, total: 2, range: [1, 10], itemScores: [7] });
    expect(first.usage).toMatchObject({ requests: 1 });
    const full = await evaluate(join(dir, 'eval2'));
    expect(full).toMatchObject({ score: 5, n: 2, total: 2, range: [1, 10], itemScores: [7, 3] });
    // The first question's rating is cached: only the second is asked.
    expect(full.usage).toMatchObject({ requests: 1 });
    expect(server.requests).toHaveLength(2);
  }, 120_000);

  it('a judge that never gives a rating fails the evaluation with its reply, and writes no score', async () => {
    const server = await startFakeOpenAI(() => ({ reply: 'This answer is quite good overall.' }));
    servers.push(server);
    const { evaluate, dir } = setup(server);
    const err = await evaluate(join(dir, 'eval')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(JudgeError);
    expect((err as Error).message).toContain('in 3 replies; the last: "This answer is quite good overall."');
    expect(server.requests).toHaveLength(3);
    expect(existsSync(join(dir, 'eval/mt_bench.validation.jsonl'))).toBe(false);
  }, 120_000);
});
