import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PLUGIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'toy-plugin.mjs');

/** A temp folder with a base model, three datasets and a config using the toy plugin. */
export function toyWorld(opts: { iterations?: number; extra?: string } = {}): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'science-toy-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  mkdirSync(path.join(dir, 'data'));
  const targets: Record<string, number[]> = { a: [1, 0, 0], b: [0, 1, 0], c: [0, 0, 1] };
  for (const [n, t] of Object.entries(targets)) writeFileSync(path.join(dir, 'data', `${n}.json`), JSON.stringify({ target: t }));
  const config = path.join(dir, 'study.yaml');
  writeFileSync(
    config,
    `seed: 0
budget: { iterations: ${opts.iterations ?? 6} }
policy: random
plugins: [${JSON.stringify(PLUGIN)}]
discoverPlugins: false
objects:
  models: { values: [models/base], names: [base] }
  datasets: { values: [data/a.json, data/b.json, data/c.json], names: [a, b, c] }
actions:
  sft: [models, datasets]
  merge: [models, models]
tasks:
  - { name: ta, evaluator: toy, options: { target: [1, 0, 0], testTarget: [0.9, 0.1, 0] } }
  - { name: tb, evaluator: toy, options: { target: [0, 1, 0], testTarget: [0.1, 0.9, 0] } }
aggregation: mean
${opts.extra ?? ''}`,
  );
  return { dir, config };
}
