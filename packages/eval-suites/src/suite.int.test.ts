import type { EvalContext, FactoryContext, GenerationBackend, PoolObject, TaskSpec } from '@lamdagent/core';
import { sft, TinyLM } from '@lamdagent/tinylm';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from './index.js';
import type { ItemResult } from './suite.js';
import type { PluginRegistry } from '@lamdagent/core';

/**
 * End to end with a real tiny model: a small GPT-2 is trained (a few seconds) to answer
 * `Q: pick <n> A:` with ` [[<letter n>]]`, saved in the Hugging Face layout, and scored through the
 * plugin's own `suite` evaluator and `tiny` backend, as a study would.
 */
const LETTERS = 'ABCD';
const prompt = (n: number, noun: string): string => `Q: ${noun} ${n} A:`;
const NOUNS = ['pick', 'take', 'want', 'need', 'get', 'use'];

let dir: string;
let trained: string;
let untrained: string;
const backendFactories = new Map<string, (o: unknown, ctx: FactoryContext) => GenerationBackend | Promise<GenerationBackend>>();
let suiteFactory: ((o: unknown, ctx: FactoryContext) => unknown) | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'suite-int-'));
  const model = await TinyLM.init({ nEmbd: 32, nLayer: 2, nHead: 4, nPositions: 32 }, 3);
  untrained = join(dir, 'untrained');
  await model.save(untrained);
  const train = NOUNS.flatMap((noun) => [1, 2, 3, 4].map((n) => ({ prompt: prompt(n, noun), completion: ` [[${LETTERS[n - 1]}]]` })));
  await sft(model, train, { learningRate: 1e-2, epochs: 80, batchSize: 8, seed: 1, warmup: 10 });
  trained = join(dir, 'trained');
  await model.save(trained);
  model.dispose();
  // The evaluation split holds 8 of the training prompts (this tests the evaluation path, not generalization).
  const items = NOUNS.slice(0, 2).flatMap((noun) => [1, 2, 3, 4].map((n) => ({ id: `${noun}-${n}`, prompt: prompt(n, noun), answer: LETTERS[n - 1] })));
  await writeFile(join(dir, 'val.jsonl'), items.map((i) => JSON.stringify(i)).join('\n') + '\n');

  const registry: Partial<PluginRegistry> = {
    evaluator: (f) => void (f.name === 'suite' ? (suiteFactory = f.create as never) : undefined),
    generationBackend: (f) => void backendFactories.set(f.name, f.create as never),
    scorer: () => undefined,
  };
  await plugin.register(registry as PluginRegistry);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function ctxFor(outDir: string): EvalContext {
  return { signal: new AbortController().signal, split: 'validation', outDir, seed: 0, log: () => undefined };
}

const factoryCtx = (): FactoryContext => ({
  configDir: dir,
  seed: 0,
  env: {},
  generationBackend: async (name, options) => {
    const f = backendFactories.get(name);
    if (!f) throw new Error(`no backend ${name}`);
    return f(options ?? {}, factoryCtx());
  },
});

const task: TaskSpec = {
  name: 'pick',
  evaluator: 'suite',
  metric: 'acc',
  max: 1,
  alpha: 1,
  inReward: true,
  options: { data: { validation: 'val.jsonl' }, scorer: 'choice', maxNewTokens: 8 },
};

const modelObj = (path: string, id: string): PoolObject => ({ id, kind: 'models', type: 'model', name: id, value: path, digest: id });

describe('suite with the tiny backend (real model)', () => {
  it('scores a trained model high, an untrained one at zero, and writes per-item results', async () => {
    const evaluator = (await suiteFactory?.({}, factoryCtx())) as {
      evaluate(m: PoolObject, t: TaskSpec, c: EvalContext): Promise<{ score: number; n?: number; itemsPath?: string }>;
    };
    const good = await evaluator.evaluate(modelObj(trained, 't1'), task, ctxFor(join(dir, 'out-trained')));
    const bad = await evaluator.evaluate(modelObj(untrained, 't0'), task, ctxFor(join(dir, 'out-untrained')));
    expect(good.n).toBe(8);
    expect(good.score).toBeGreaterThanOrEqual(0.875);
    expect(bad.score).toBe(0);
    const items = (await readFile(good.itemsPath ?? '', 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ItemResult);
    expect(items).toHaveLength(8);
    for (const it of items) {
      expect(Object.keys(it).sort()).toEqual(['correct', 'extracted', 'gold', 'id', 'prediction', 'prompt']);
      expect(it.prediction).not.toContain('\n');
    }
    expect(items.filter((i) => i.correct).length / 8).toBe(good.score);
    expect(items[0]?.prediction).toMatch(/^ \[\[[A-D]\]\]$/);
  });
});
