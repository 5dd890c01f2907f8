import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TOY_PLUGIN = path.resolve(here, '../../test-fixtures/toy-plugin.mjs');
const THIS_PLUGIN = path.resolve(here, '../index.ts');

/**
 * A toy study (JSON-vector models, SFT toward a dataset target, merging, closeness scores) for the
 * policy's integration tests and benchmarks: every part of the loop runs, in milliseconds, so the
 * agent LLM's time is what is measured. Not exported from the package.
 */
export function makeToyStudy(policy: { name: string; options: Record<string, unknown> }, iterations: number, seed = 7): { dir: string; configPath: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'policy-llm-study-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  mkdirSync(path.join(dir, 'data'));
  const datasets = { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] }, broken: { fail: 'tokenizer mismatch' } };
  for (const [name, d] of Object.entries(datasets)) writeFileSync(path.join(dir, 'data', `${name}.json`), JSON.stringify(d));
  const config = {
    seed,
    budget: { iterations },
    policy,
    plugins: [TOY_PLUGIN, THIS_PLUGIN],
    discoverPlugins: false,
    executor: 'inprocess',
    objects: {
      base_models: ['models/base'],
      models: ['models/base'],
      datasets: Object.keys(datasets).map((n) => `data/${n}.json`),
      lr: [0.5],
      weights: [[0.5, 0.5]],
      density: [0.5],
    },
    actions: { sft: ['models', 'datasets', 'lr'], ties_merging: ['base_models', 'models', 'models', 'weights', 'density'] },
    tasks: [
      { name: 'ta', evaluator: 'toy', options: { target: [1, 0, 0] } },
      { name: 'tb', evaluator: 'toy', options: { target: [0, 1, 0] } },
    ],
  };
  const configPath = path.join(dir, 'study.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath };
}
