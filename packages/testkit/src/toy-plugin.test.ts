import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeJobSpec } from './job-fixture.js';
import { readToyModel, toyEvaluator, toySftRunner, toyWeightedMergeRunner, writeToyModel } from './toy-plugin.js';

const run = async (runner: typeof toySftRunner, spec: ReturnType<typeof makeJobSpec>): Promise<number[]> => {
  await runner.run(spec, { signal: new AbortController().signal, log: () => undefined } as never);
  return readToyModel(spec.outputDir);
};

describe('the toy world', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'toy-world-test-'));
  writeToyModel(path.join(dir, 'base'), [0, 0, 0]);
  writeToyModel(path.join(dir, 'a'), [0.8, 0, 0]);
  writeToyModel(path.join(dir, 'b'), [0, 0.8, 0]);
  const sft = (dataset: string, params: Record<string, number> = {}, seed = 1) =>
    makeJobSpec({
      runner: 'toy-sft',
      seed,
      params,
      inputs: [
        { slot: 'model', type: 'model', value: path.join(dir, 'base') },
        { slot: 'dataset', type: 'dataset', value: dataset },
        { slot: 'learning_rate', type: 'number', value: 0.5 },
      ],
    });

  it('trains toward the mean target of a JSON-lines union, with seeded noise when asked', async () => {
    const union = path.join(dir, 'union.json');
    writeFileSync(union, '{"target":[1,0,0]}\n{"target":[0,1,0]}\n');
    expect(await run(toySftRunner, sft(union))).toEqual([0.25, 0.25, 0]);
    const a = await run(toySftRunner, sft(union, { noise: 0.02 }, 100));
    const b = await run(toySftRunner, sft(union, { noise: 0.02 }, 900));
    expect(a[0]).toBeCloseTo(0.25 + (0.1 - 0.5) * 0.02, 12);
    expect(b[0]).toBeCloseTo(0.25 + (0.9 - 0.5) * 0.02, 12);
    // epochs: each moves half (lr 0.5) of the rest of the way: 1 - 0.5^2 = 0.75 of it after two.
    expect(await run(toySftRunner, sft(union, { epochs: 2 }))).toEqual([0.375, 0.375, 0]);
  });

  it('with LAMDAGENT_TOY_LOG set, a job appends its action key to that file', async () => {
    const log = path.join(dir, 'jobs.log');
    const spec = sft(path.join(dir, 'union.json'));
    process.env['LAMDAGENT_TOY_LOG'] = log;
    try {
      await run(toySftRunner, spec);
    } finally {
      delete process.env['LAMDAGENT_TOY_LOG'];
    }
    expect(readFileSync(log, 'utf8')).toBe(`${spec.actionKey}\n`);
  });

  it('a fail record or a malformed line is an error naming the dataset', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"target":[1,0,0]}\n{"fail":"tokenizer mismatch"}\n');
    await expect(run(toySftRunner, sft(bad))).rejects.toThrow(`dataset ${bad}: tokenizer mismatch`);
    writeFileSync(bad, '{"target":[1,0,0]}\n{"target":\n');
    await expect(run(toySftRunner, sft(bad))).rejects.toThrow(`dataset ${bad}: line 2 is not JSON`);
  });

  it('toy-wmerge adds weighted task vectors to the base; toy scores the test split against testTarget', async () => {
    const spec = makeJobSpec({
      runner: 'toy-wmerge',
      inputs: [
        { slot: 'base_model', type: 'model', value: path.join(dir, 'base') },
        { slot: 'models', type: 'model', value: path.join(dir, 'a') },
        { slot: 'models', type: 'model', value: path.join(dir, 'b') },
        { slot: 'weights', type: 'json', value: [0.5, 0.25] },
      ],
    });
    expect(await run(toyWeightedMergeRunner, spec)).toEqual([0.4, 0.2, 0]);
    const task = { name: 't', evaluator: 'toy', metric: 'm', max: 1, alpha: 1, inReward: true, options: { target: [0.4, 0.2, 0], testTarget: [0.4, 0.2, 1] } };
    const model = { id: 'm', kind: 'models', type: 'model', name: 'm', value: spec.outputDir, digest: 'd' };
    const ctx = (split: 'validation' | 'test') => ({
      signal: new AbortController().signal,
      split,
      outDir: path.join(dir, 'eval'),
      seed: 1,
      log: () => undefined,
    });
    expect((await toyEvaluator.evaluate(model, task, ctx('validation'))).score).toBe(1);
    expect((await toyEvaluator.evaluate(model, task, ctx('test'))).score).toBe(0);
    expect(readFileSync(path.join(dir, 'eval', 't.test.jsonl'), 'utf8')).toContain('"score":0');
  });
});
