import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOY_PLUGIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'toy-plugin', 'index.mjs');

export interface ToyWorld {
  dir: string;
  configPath: string;
}

/** A temp folder with a base model, three datasets and a YAML config using the toy plugin. */
export function makeToyWorld(
  opts: {
    iterations?: number;
    extra?: string;
    datasets?: Record<string, object>;
    policy?: string;
    executor?: string;
    concurrency?: number;
    failFast?: boolean;
  } = {},
): ToyWorld {
  const dir = mkdtempSync(path.join(tmpdir(), 'toy-world-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  const datasets: Record<string, object> = opts.datasets ?? { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] } };
  mkdirSync(path.join(dir, 'data'));
  for (const [name, d] of Object.entries(datasets)) writeFileSync(path.join(dir, 'data', `${name}.json`), JSON.stringify(d));
  const config = `seed: 7
budget:
  iterations: ${opts.iterations ?? 6}
policy: ${opts.policy ?? 'random-type'}
plugins: [${JSON.stringify(TOY_PLUGIN)}]
discoverPlugins: false
executor: ${opts.executor === 'subprocess' ? '{ name: subprocess, options: { passEnv: [TOY_EXEC_LOG, TOY_EVAL_LOG] } }' : (opts.executor ?? 'inprocess')}
concurrency: ${opts.concurrency ?? 1}
failFast: ${opts.failFast ?? false}
objects:
  base_models: [models/base]
  models: [models/base]
  datasets: [${Object.keys(datasets)
    .map((n) => `data/${n}.json`)
    .join(', ')}]
  lr: [0.5]
  weights: [[0.5, 0.5]]
  density: [0.5]
actions:
  sft: [models, datasets, lr]
  ties_merging: [base_models, models, models, weights, density]
tasks:
  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }
  - { name: tb, evaluator: toy, options: { target: [0, 1, 0] } }
${opts.extra ?? ''}`;
  const configPath = path.join(dir, 'study.yaml');
  writeFileSync(configPath, config);
  return { dir, configPath };
}
