import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withDataDir } from './config-data-dir.js';
import { parseConfig } from './config-load.js';
import type { TaskSpec } from './evaluator.js';
import { evaluatorPreflight } from './evaluator-preflight.js';
import { Registry } from './registry.js';

const PAPER = {
  seed: 42,
  total_timesteps: 3,
  controller: 'random',
  objects: { models: ['m/a', 'm/b'], sft_dataset: ['d/x'], sft_lr: [0.000001] },
  action_types: { sft: ['models', 'sft_dataset', 'sft_lr'] },
  eval_tasks: [
    ['gsm8k', 'acc'],
    ['commonsenseqa', 'acc'],
  ],
  score_aggregation: 'mean',
};

describe('the data folder of a config', () => {
  it("the paper format's eval_data becomes the suite evaluator's dataDir, without a warning", () => {
    const c = parseConfig({ ...PAPER, eval_data: 'data/eval' }, '/x/figure11.json');
    expect(c.format).toBe('paper');
    expect(c.config.evaluators).toEqual({ suite: { dataDir: 'data/eval' } });
    expect(c.warnings).toEqual([]);
    expect(parseConfig(PAPER, '/x/figure11.json').config.evaluators).toEqual({});
  });

  it('withDataDir (--data-dir) keeps the other suite options and other evaluators', () => {
    const config = { evaluators: { suite: { batchSize: 8, dataDir: 'old' }, other: { k: 1 } } };
    expect(withDataDir(config, '/abs/data')).toEqual({ evaluators: { suite: { batchSize: 8, dataDir: '/abs/data' }, other: { k: 1 } } });
    expect(config.evaluators.suite.dataDir).toBe('old');
  });

  it('evaluatorPreflight hands each evaluator its own tasks and validated options; its problems are returned as they are', () => {
    const r = new Registry();
    const seen: { options: unknown; tasks: string[] }[] = [];
    r.forPlugin('test').evaluator({
      name: 'suite',
      optionsSchema: z.object({ dataDir: z.string().default('none') }),
      preflight: (options, ctx) => {
        seen.push({ options, tasks: (ctx.tasks ?? []).map((t) => t.name) });
        return [{ path: 'tasks (gsm8k)', message: 'data folder: no folder' }];
      },
      create: () => ({ name: 'suite', evaluate: () => Promise.reject(new Error('unused')) }),
    });
    const task = (name: string, evaluator: string): TaskSpec => ({ name, evaluator, metric: 'acc', max: 1, alpha: 1, inReward: true, options: {} });
    const issues = evaluatorPreflight([task('gsm8k', 'suite'), task('x', 'missing-evaluator')], {}, r, { configDir: '/x', env: {} });
    expect(issues).toEqual([{ path: 'tasks (gsm8k)', message: 'data folder: no folder' }]);
    expect(seen).toEqual([{ options: { dataDir: 'none' }, tasks: ['gsm8k'] }]);
  });
});
