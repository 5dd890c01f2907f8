import { Registry, registerPlugin, type EvalContext, type FactoryContext, type PoolObject, type TaskSpec } from '@lamdagent/core';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin from './index.js';
import { suitePreflight } from './loaders/preflight.js';
import { createSuiteEvaluator, type ItemResult } from './suite.js';

/** A third-party plugin (fixtures/scorer-plugin) that registers `token-f1` (partial credit) and `broken` with `defineScorer`. */
const FIXTURE = resolve(import.meta.dirname, '../fixtures/scorer-plugin/index.js');

let dir: string;
let registry: Registry;
const REPLIES: Record<string, string> = { 'Q: capital of Italy? A:': ' rome city', 'Q: river of Paris? A:': ' the Seine', 'Q: 2+2? A:': ' five' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scorer-plugin-'));
  const items = [
    { id: 'q1', prompt: 'Q: capital of Italy? A:', answer: 'Rome' },
    { id: 'q2', prompt: 'Q: river of Paris? A:', answer: ['Seine', 'the Seine river'] },
    { id: 'q3', prompt: 'Q: 2+2? A:', answer: 'four' },
  ];
  await writeFile(join(dir, 'val.jsonl'), items.map((i) => JSON.stringify(i)).join('\n') + '\n');
  registry = new Registry();
  await registerPlugin(registry, plugin, plugin.name);
  await registerPlugin(registry, ((await import(pathToFileURL(FIXTURE).href)) as { default: unknown }).default, 'fixture');
});

function factoryCtx(): FactoryContext {
  return {
    configDir: dir,
    seed: 0,
    env: {},
    generationBackend: async () => ({ name: 'table', generate: async (_m, prompts) => prompts.map((p) => REPLIES[p] ?? '') }),
    scorers: registry.scorerCatalog(),
  };
}
const model: PoolObject = { id: 't1', kind: 'models', type: 'model', name: '0--1--0', value: '/m', digest: 'x' };
const task = (options: TaskSpec['options'], name = 'capitals'): TaskSpec => ({
  name,
  evaluator: 'suite',
  metric: 'f1',
  max: 1,
  alpha: 1,
  inReward: true,
  options,
});
const ctx = (): EvalContext => ({ signal: new AbortController().signal, split: 'validation', outDir: join(dir, 'out'), seed: 0, log: () => undefined });

describe('a scorer from another plugin (defineScorer)', () => {
  it('is found through the registry and gives partial credit; the task score is the mean', async () => {
    const ev = createSuiteEvaluator({ backend: 'table' }, factoryCtx());
    const r = await ev.evaluate(model, task({ data: { validation: 'val.jsonl' }, scorer: 'token-f1' }), ctx());
    // q1: "rome city" vs "rome": P 1/2, R 1 -> F1 2/3; q2: "the seine" matches the alias "the Seine river" best: P 1, R 2/3 -> 0.8; q3: 0.
    expect(r.score).toBeCloseTo((2 / 3 + 0.8 + 0) / 3, 10);
    const lines = (await readFile(r.itemsPath!, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ItemResult);
    expect(lines.map((l) => [l.id, l.extracted, Number(l.score?.toFixed(4))])).toEqual([
      ['q1', 'rome city', 0.6667],
      ['q2', 'the Seine', 0.8],
      ['q3', 'five', 0],
    ]);
    expect(lines.every((l) => l.correct === undefined)).toBe(true);
  });

  it('takes its options through scorerOptions, checked by its schema; a qualified name works too', async () => {
    const ev = createSuiteEvaluator({ backend: 'table' }, factoryCtx());
    const cs = await ev.evaluate(
      model,
      task({ data: { validation: 'val.jsonl' }, scorer: 'lamdagent-plugin-token-f1:token-f1', scorerOptions: { caseSensitive: true } }),
      ctx(),
    );
    // Case-sensitive: "rome" no longer matches "Rome"; "the Seine" still gets 0.8.
    expect(cs.score).toBeCloseTo(0.8 / 3, 10);
    await expect(
      ev.evaluate(model, task({ data: { validation: 'val.jsonl' }, scorer: 'token-f1', scorerOptions: { caseSensitive: 'yes' } }), ctx()),
    ).rejects.toThrow(/^task capitals: options\.scorerOptions\.caseSensitive: /);
    await expect(ev.evaluate(model, task({ data: { validation: 'val.jsonl' }, scorer: 'numeric', scorerOptions: { x: 1 } }), ctx())).rejects.toThrow(
      'task capitals: options.scorerOptions: scorer numeric takes no options',
    );
  });

  it('a score outside the scorer range fails the evaluation naming the item, and writes nothing', async () => {
    const ev = createSuiteEvaluator({ backend: 'table' }, factoryCtx());
    const c = { ...ctx(), outDir: join(dir, 'broken-out') };
    await expect(ev.evaluate(model, task({ data: { validation: 'val.jsonl' }, scorer: 'broken' }), c)).rejects.toThrow(
      'task capitals: scorer broken returned 2 for item q1, outside its range [0, 1]',
    );
    await expect(readFile(join(dir, 'broken-out/capitals.validation.jsonl'))).rejects.toThrow(/ENOENT/);
  });

  it('an unknown scorer name lists the known ones, at validation (preflight) and when evaluated', async () => {
    const issues = suitePreflight(
      {},
      { configDir: dir, env: {}, scorers: registry.scorerCatalog(), tasks: [task({ data: { validation: 'val.jsonl' }, scorer: 'token-f2' })] },
    );
    expect(issues).toEqual([
      {
        path: 'tasks (capitals).options.scorer',
        message:
          'unknown scorer "token-f2" (known: numeric, choice, exact, toolcall, judge, token-f1, broken); a scorer from another plugin needs that plugin listed in plugins: or installed',
      },
    ]);
    const ev = createSuiteEvaluator({ backend: 'table' }, factoryCtx());
    await expect(ev.evaluate(model, task({ data: { validation: 'val.jsonl' }, scorer: 'token-f2' }), ctx())).rejects.toThrow(
      /^task capitals: options\.scorer: unknown scorer "token-f2" \(known: numeric, .*token-f1/,
    );
    // Without the registry (a context built by hand) only the built-ins are known.
    expect(suitePreflight({}, { configDir: dir, env: {}, tasks: [task({ data: { validation: 'val.jsonl' }, scorer: 'token-f1' })] })[0]?.message).toMatch(
      /^unknown scorer "token-f1" \(known: numeric, choice, exact, toolcall, judge\)/,
    );
  });
});
