import type { EvalContext, FactoryContext, GenerationBackend, PoolObject, TaskSpec } from '@lamdagent/core';
import { mkdtemp, readFile, rm, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSuiteEvaluator, cutAtStop, type ItemResult } from './suite.js';

let dir: string;
const created: { name: string; options: unknown }[] = [];
const calls: { model: string; prompts: string[]; maxNewTokens: number; stop: string[] | undefined }[] = [];

/** A backend that answers from a table keyed by prompt (unknown prompts get ` ?`). */
function tableBackend(table: Record<string, string>): GenerationBackend {
  return {
    name: 'table',
    async generate(model, prompts, o) {
      calls.push({ model, prompts, maxNewTokens: o.maxNewTokens, stop: o.stop });
      return prompts.map((p) => table[p] ?? ' ?');
    },
  };
}

const TABLE: Record<string, string> = {
  'Q: 3 and 4? A:': ' 7\nQ: next question',
  'Q: 5 take 2? A:': ' 4',
  'Q: 1 and 1? A:': ' so 1+1 = 2',
  'Q: which fruit? (A) rock (B) pear A:': ' [[B]]',
  'Q: which tool? (A) saw (B) cat A:': ' [[B]]',
  'C: Bob lives in Rome. Q: Where? A:': ' the Rome.',
  'I: Name 2 fruits. Use caps. A:': ' PEAR FIG',
  'I: Name 2 fruits. Use brackets. A:': ' pear fig',
  'F: buy(item:str,n:int) U: Buy 3 pens. A:': ' {"name":"buy","args":{"item":"pens","n":3}}',
  'F: call(name:str) U: Call Ann. A:': ' {"name":"call","args":{"name":"Ann","n":1}}',
};

function factoryCtx(): FactoryContext {
  return {
    configDir: dir,
    seed: 1,
    env: {},
    async generationBackend(name, options) {
      created.push({ name, options });
      if (name === 'broken') throw new Error('no such backend');
      return tableBackend(TABLE);
    },
  };
}

function evalCtx(split: 'validation' | 'test' = 'validation', signal = new AbortController().signal): EvalContext & { lines: string[] } {
  const lines: string[] = [];
  return { signal, split, outDir: join(dir, 'out', split), seed: 1, log: (l) => lines.push(l), lines };
}

const model: PoolObject = { id: 't3', kind: 'models', type: 'model', name: '0--3--0', value: '/models/t3', digest: 'abc' };

function task(name: string, options: TaskSpec['options']): TaskSpec {
  return { name, evaluator: 'suite', metric: 'acc', max: 1, alpha: 1, inReward: true, options };
}

const line = (o: object): string => JSON.stringify(o);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'suite-'));
  await mkdir(join(dir, 'data'));
  await writeFile(
    join(dir, 'data/arith.val.jsonl'),
    [
      line({ id: 'a1', prompt: 'Q: 3 and 4? A:', answer: '7' }),
      line({ id: 'a2', prompt: 'Q: 5 take 2? A:', answer: '3' }),
      line({ id: 'a3', prompt: 'Q: 1 and 1? A:', answer: 2 }),
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'data/mc.test.jsonl'),
    [
      line({ id: 'm1', prompt: 'Q: which fruit? (A) rock (B) pear A:', answer: 'B', choices: ['rock', 'pear'] }),
      line({ id: 'm2', prompt: 'Q: which tool? (A) saw (B) cat A:', answer: 'A', choices: ['saw', 'cat'] }),
    ].join('\n'),
  );
  await writeFile(join(dir, 'data/rc.val.jsonl'), line({ id: 'r1', prompt: 'C: Bob lives in Rome. Q: Where? A:', answer: ['Rome', 'Roma'] }) + '\n');
  await writeFile(
    join(dir, 'data/instruct.val.jsonl'),
    [
      line({ id: 'i1', prompt: 'I: Name 2 fruits. Use caps. A:', answer: ['list:pear|fig|plum:2', 'caps'] }),
      line({ id: 'i2', prompt: 'I: Name 2 fruits. Use brackets. A:', answer: ['list:pear|fig|plum:2', 'brackets'] }),
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'data/tools.val.jsonl'),
    [
      line({ id: 't1', prompt: 'F: buy(item:str,n:int) U: Buy 3 pens. A:', answer: '{"name":"buy","args":{"item":"pens","n":3}}' }),
      line({ id: 't2', prompt: 'F: call(name:str) U: Call Ann. A:', answer: '{"name":"call","args":{"name":"Ann"}}' }),
    ].join('\n'),
  );
  await writeFile(join(dir, 'data/bad.jsonl'), line({ id: 'x', prompt: 'p', answer: '1' }) + '\n{"id":"y","prompt":"q"}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('suite evaluator', () => {
  it('generates, scores with the numeric scorer and writes per-item results', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    const ctx = evalCtx();
    const res = await ev.evaluate(model, task('arith', { data: { validation: 'data/arith.val.jsonl' }, scorer: 'numeric', maxNewTokens: 5 }), ctx);
    expect(res).toMatchObject({ task: 'arith', metric: 'acc', split: 'validation', n: 3 });
    expect(res.score).toBeCloseTo(2 / 3);
    expect(res.itemsPath).toBe(join(dir, 'out/validation/arith.validation.jsonl'));
    const items = (await readFile(res.itemsPath ?? '', 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ItemResult);
    expect(items).toEqual([
      { id: 'a1', prompt: 'Q: 3 and 4? A:', prediction: ' 7', extracted: '7', gold: '7', correct: true },
      { id: 'a2', prompt: 'Q: 5 take 2? A:', prediction: ' 4', extracted: '4', gold: '3', correct: false },
      { id: 'a3', prompt: 'Q: 1 and 1? A:', prediction: ' so 1+1 = 2', extracted: '2', gold: 2, correct: true },
    ]);
    expect(calls.at(-1)).toMatchObject({ model: '/models/t3', maxNewTokens: 5, stop: ['\n'] });
    expect(ctx.lines.at(-1)).toMatch(/task arith \(validation, numeric\): 2\/3 correct, acc 0\.6667/);
    expect((await readdir(join(dir, 'out/validation'))).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it("a graded scorer (judge) gives the mean grade and keeps each item's grade", async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    const ctx = evalCtx();
    const res = await ev.evaluate(
      model,
      { ...task('instruct', { data: { validation: 'data/instruct.val.jsonl' } }), metric: 'judge', max: 10, alpha: 0.1 },
      ctx,
    );
    expect(res.score).toBeCloseTo((10 + 6) / 2);
    const items = (await readFile(res.itemsPath ?? '', 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ItemResult);
    expect(items.map((i) => [i.score, i.correct])).toEqual([
      [10, undefined],
      [6, undefined],
    ]);
    expect(calls.at(-1)).toMatchObject({ maxNewTokens: 40 });
    expect(ctx.lines.at(-1)).toMatch(/task instruct \(validation, judge\): mean grade 8\.000 over 2 items/);
  });

  it('the tool_call preset scores exact function calls (an extra argument fails)', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    const res = await ev.evaluate(model, task('tool_call', { data: { validation: 'data/tools.val.jsonl' } }), evalCtx());
    expect(res.score).toBe(0.5);
    const items = (await readFile(res.itemsPath ?? '', 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ItemResult);
    expect(items.map((i) => i.correct)).toEqual([true, false]);
  });

  it('scores multiple choice on the test split and keeps the choices', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    const res = await ev.evaluate(model, task('mc', { data: { test: join(dir, 'data/mc.test.jsonl') }, scorer: 'choice' }), evalCtx('test'));
    expect(res.score).toBe(0.5);
    const first = JSON.parse((await readFile(res.itemsPath ?? '', 'utf8')).split('\n')[0] ?? '') as ItemResult;
    expect(first).toMatchObject({ extracted: 'B', correct: true, choices: ['rock', 'pear'] });
  });

  it('applies a preset named like the task (the paper eval_tasks names, the world tasks)', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    const res = await ev.evaluate(model, task('trivia_qa_w_context', { data: { validation: 'data/rc.val.jsonl' } }), evalCtx());
    expect(res.score).toBe(1);
    expect(calls.at(-1)?.maxNewTokens).toBe(32);
    const viaOption = await ev.evaluate(model, task('my_math', { preset: 'gsm8k', data: { validation: 'data/arith.val.jsonl' } }), evalCtx());
    expect(viaOption.score).toBeCloseTo(2 / 3);
    expect(calls.at(-1)).toMatchObject({ maxNewTokens: 256, stop: ['\n\n', 'Question:'] });
    await ev.evaluate(model, task('arith', { data: { validation: 'data/arith.val.jsonl' } }), evalCtx());
    expect(calls.at(-1)).toMatchObject({ maxNewTokens: 6, stop: ['\n'] });
  });

  it('creates backends through the factory context, per task, once per name and options', async () => {
    created.length = 0;
    const ev = createSuiteEvaluator({ backend: 'tiny', backendOptions: { batchSize: 8 } }, factoryCtx());
    const opts = { data: { validation: 'data/arith.val.jsonl' }, scorer: 'numeric' as const };
    await ev.evaluate(model, task('a', opts), evalCtx());
    await ev.evaluate(model, task('b', opts), evalCtx());
    await ev.evaluate(model, task('c', { ...opts, backend: 'openai-compatible', backendOptions: { baseUrl: 'http://x' } }), evalCtx());
    expect(created).toEqual([
      { name: 'tiny', options: { batchSize: 8 } },
      { name: 'openai-compatible', options: { baseUrl: 'http://x' } },
    ]);
  });

  it('early stopping: scores a first slice (n of total), and a larger slice generates only the rest', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    const arith = task('arith', { data: { validation: 'data/arith.val.jsonl' }, scorer: 'numeric' });
    const before = calls.length;
    const part = await ev.evaluate(model, arith, { ...evalCtx(), slice: 0.5 });
    expect(part).toMatchObject({ n: 2, total: 3, score: 0.5, itemScores: [1, 0] });
    const full = await ev.evaluate(model, arith, evalCtx());
    expect(full).toMatchObject({ n: 3, total: 3, itemScores: [1, 0, 1] });
    // The second call generated only the third prompt.
    expect(calls.slice(before).map((c) => c.prompts)).toEqual([['Q: 3 and 4? A:', 'Q: 5 take 2? A:'], ['Q: 1 and 1? A:']]);
    // After a full evaluation nothing is kept: the next one generates everything again.
    await ev.evaluate(model, arith, evalCtx());
    expect(calls.at(-1)?.prompts).toHaveLength(3);
  });

  it('honours limit', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    const res = await ev.evaluate(model, task('arith', { data: { validation: 'data/arith.val.jsonl' }, scorer: 'numeric', limit: 1 }), evalCtx());
    expect(res).toMatchObject({ n: 1, score: 1 });
  });

  it('names the task and the field of bad options', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    const ctx = evalCtx();
    await expect(ev.evaluate(model, task('sums', { data: { validation: 'x' }, scorer: 'fuzzy' }), ctx)).rejects.toThrow(/^task sums: options\.scorer: /);
    await expect(ev.evaluate(model, task('sums', { data: { validation: 'x' } }), ctx)).rejects.toThrow(/^task sums: options\.scorer is required/);
    await expect(ev.evaluate(model, task('sums', { data: { validation: 'x' }, scorer: 'numeric', typo: 1 }), ctx)).rejects.toThrow(
      /^task sums: options\.\(root\): .*typo/,
    );
    await expect(ev.evaluate(model, task('sums', { preset: 'nope', data: { validation: 'x' } }), ctx)).rejects.toThrow(/options\.preset: unknown preset nope/);
  });

  it('says that a preset still needs its data files, since no hub is reachable', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    await expect(ev.evaluate(model, task('gsm8k', {}), evalCtx())).rejects.toThrow(
      /^task gsm8k: options\.data\.validation is missing.*preset gsm8k fixes the scorer, but no dataset hub is reachable/,
    );
    await expect(ev.evaluate(model, task('commonsenseqa', { data: { validation: 'v.jsonl' } }), evalCtx('test'))).rejects.toThrow(
      /^task commonsenseqa: options\.data\.test is missing/,
    );
  });

  it('passes on dataset errors naming the file and line', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    await expect(ev.evaluate(model, task('bad', { data: { validation: 'data/bad.jsonl' }, scorer: 'exact' }), evalCtx())).rejects.toThrow(
      `${join(dir, 'data/bad.jsonl')}:2: answer: `,
    );
  });

  it('stops when the study aborts', async () => {
    const ev = createSuiteEvaluator({}, factoryCtx());
    const c = new AbortController();
    c.abort(new Error('study stopped'));
    await expect(
      ev.evaluate(model, task('arith', { data: { validation: 'data/arith.val.jsonl' }, scorer: 'numeric' }), evalCtx('validation', c.signal)),
    ).rejects.toThrow('study stopped');
  });

  it('refuses bad evaluator options', () => {
    expect(() => createSuiteEvaluator({ batchSize: 0 }, factoryCtx())).toThrow(/options\.batchSize/);
  });
});

describe('cutAtStop', () => {
  it('cuts at the earliest stop sequence', () => {
    expect(cutAtStop(' 7\nQ:', ['\n'])).toBe(' 7');
    expect(cutAtStop(' a. b\nc', ['\n', '.'])).toBe(' a');
    expect(cutAtStop(' abc', [])).toBe(' abc');
  });
});
