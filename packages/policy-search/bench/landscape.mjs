// The bench's own landscape: a toy world on core's toy plugin (packages/core/test-fixtures/toy-plugin:
// models are 3-vectors, SFT moves a model toward its dataset's target by the learning rate, TIES
// averages, a task scores 1 - distance to its target). Real plugin code, milliseconds per trial, and
// depth matters: the best model ([0.75, 0.75, 0]) is several steps from any initial model.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const TOY_PLUGIN = path.resolve(here, '..', '..', 'core', 'test-fixtures', 'toy-plugin', 'index.mjs');
export const SEARCH_PLUGIN = path.resolve(here, '..', 'dist', 'index.js');
export const FIDELITY_PLUGIN = path.resolve(here, 'fidelity-plugin.mjs');

/** Writes the world (models, datasets, study.yaml) into `dir`; returns the config path. */
export function writeToyLandscape(dir) {
  const models = { base: [0, 0, 0], 'a-spec': [0.9, 0, 0.1], 'b-spec': [0, 0.9, 0.1], 'c-spec': [0.1, 0.1, 0.9] };
  const datasets = { a: [1, 0, 0], b: [0, 1, 0], c: [0, 0, 1], ab: [0.6, 0.6, 0.3], noise: [-1, 0.3, 0.5] };
  for (const [n, w] of Object.entries(models)) {
    mkdirSync(path.join(dir, 'models', n), { recursive: true });
    writeFileSync(path.join(dir, 'models', n, 'model.json'), JSON.stringify({ w }));
  }
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  for (const [n, target] of Object.entries(datasets)) writeFileSync(path.join(dir, 'data', `${n}.json`), JSON.stringify({ target }));
  const config = `# toy landscape of packages/policy-search/bench (see landscape.mjs)
name: toy-landscape
seed: 0
budget: { iterations: 30 }
policy: random
plugins: [${JSON.stringify(TOY_PLUGIN)}, ${JSON.stringify(SEARCH_PLUGIN)}]
discoverPlugins: false
objects:
  base_models: { values: [models/base], names: [base] }
  models: { values: [${Object.keys(models).map((n) => `models/${n}`)}], names: [${Object.keys(models)}] }
  datasets: { values: [${Object.keys(datasets).map((n) => `data/${n}.json`)}], names: [${Object.keys(datasets)}] }
  lr: [0.2, 0.5]
  weights: [[0.5, 0.5]]
  density: [0.5]
actions:
  sft: [models, datasets, lr]
  ties_merging: [base_models, models, models, weights, density]
tasks:
  - { name: ta, evaluator: toy, options: { target: [1, 0.5, 0] } }
  - { name: tb, evaluator: toy, options: { target: [0.5, 1, 0] } }
`;
  const file = path.join(dir, 'study.yaml');
  writeFileSync(file, config);
  return file;
}

/**
 * The multi-fidelity landscape: the toy landscape's world with `sized-sft` (fidelity-plugin.mjs) and
 * every dataset also as a quarter sample (`x.0.25x.json`, 250 items vs 1,000): a full step costs 300 ms,
 * a screen 75 ms. Returns the config path.
 */
export function writeFidelityLandscape(dir) {
  const file = writeToyLandscape(dir);
  const datasets = { a: [1, 0, 0], b: [0, 1, 0], c: [0, 0, 1], ab: [0.6, 0.6, 0.3], noise: [-1, 0.3, 0.5] };
  for (const [n, target] of Object.entries(datasets)) {
    writeFileSync(path.join(dir, 'data', `${n}.json`), JSON.stringify({ target, size: 1000 }));
    writeFileSync(path.join(dir, 'data', `${n}.0.25x.json`), JSON.stringify({ target, size: 250 }));
  }
  const names = Object.keys(datasets);
  const cfg = readFileSync(file, 'utf8')
    .replace('name: toy-landscape', 'name: fidelity-landscape')
    .replace(/plugins: \[/, `plugins: [${JSON.stringify(FIDELITY_PLUGIN)}, `)
    .replace(
      /  datasets: .*\n/,
      `  datasets: { values: [${names.map((n) => `data/${n}.json`)}, ${names.map((n) => `data/${n}.0.25x.json`)}], names: [${names}, ${names.map((n) => `${n}-250`)}] }\n`,
    )
    .replace('  sft: [models, datasets, lr]', '  sft: { type: sized-sft, slots: [models, datasets, lr] }')
    .replace('lr: [0.2, 0.5]', 'lr: [0.4, 1.0]');
  writeFileSync(file, cfg);
  return file;
}
