import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TOY_PLUGIN_MODULE, writeToyModel } from '@lamdagent/testkit';

/**
 * A temp folder with a base model, three datasets and a YAML config on testkit's toy world: `sft` moves
 * a model half-way toward a dataset's target (plus a little seeded noise, so the job seed matters as in
 * real training), `merge` averages two models, and each task has another target on the test split (`items`: each
 * task scored on that many right/wrong items, with per-item results).
 */
export function toyWorld(opts: { iterations?: number; extra?: string; items?: number } = {}): { dir: string; config: string } {
  // With `items`, each task has that many right/wrong items (per-item results, so journaled intervals).
  const items = opts.items === undefined ? '' : `, items: ${opts.items}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'science-toy-'));
  writeToyModel(path.join(dir, 'models', 'base'), [0, 0, 0]);
  mkdirSync(path.join(dir, 'data'));
  const targets: Record<string, number[]> = { a: [1, 0, 0], b: [0, 1, 0], c: [0, 0, 1] };
  for (const [n, t] of Object.entries(targets)) writeFileSync(path.join(dir, 'data', `${n}.json`), JSON.stringify({ target: t }));
  const config = path.join(dir, 'study.yaml');
  writeFileSync(
    config,
    `seed: 0
budget: { iterations: ${opts.iterations ?? 6} }
policy: random
plugins: [${JSON.stringify(TOY_PLUGIN_MODULE)}]
discoverPlugins: false
objects:
  models: { values: [models/base], names: [base] }
  datasets: { values: [data/a.json, data/b.json, data/c.json], names: [a, b, c] }
  lr: [0.5]
actions:
  sft: { type: toy-sft, slots: [models, datasets, lr], params: { noise: 0.02 } }
  merge: { type: toy-merge, slots: [models, models] }
tasks:
  - { name: ta, evaluator: toy, options: { target: [1, 0, 0], testTarget: [0.9, 0.1, 0]${items} } }
  - { name: tb, evaluator: toy, options: { target: [0, 1, 0], testTarget: [0.1, 0.9, 0]${items} } }
aggregation: mean
${opts.extra ?? ''}`,
  );
  return { dir, config };
}
