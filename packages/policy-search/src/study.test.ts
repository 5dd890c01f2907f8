// The policies in the real study engine (journal, pool, initial scores, resume) on a toy world made of
// testkit's toy plugin (models are 3-vectors; milliseconds per trial).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resumeStudy, runStudy, type Policy } from '@lamdagent/core';
import { TOY_PLUGIN_MODULE, writeToyModel } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import { EvolutionPolicy, HalvingPolicy, SurrogatePolicy } from './index.js';

function world(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'policy-search-'));
  for (const [n, w] of Object.entries({ base: [0, 0, 0], spec: [0.9, 0, 0.1] })) {
    writeToyModel(path.join(dir, 'models', n), w);
  }
  mkdirSync(path.join(dir, 'data'));
  for (const [n, target] of Object.entries({ a: [1, 0, 0], b: [0, 1, 0], c: [0, 0, 1] })) {
    writeFileSync(path.join(dir, 'data', `${n}.json`), JSON.stringify({ target }));
    writeFileSync(path.join(dir, 'data', `${n}.0.25x.json`), JSON.stringify({ target }));
  }
  const config = `seed: 3
budget: { iterations: 8 }
plugins: [${JSON.stringify(TOY_PLUGIN_MODULE)}]
discoverPlugins: false
objects:
  base_models: [models/base]
  models: [models/base, models/spec]
  datasets: [data/a.json, data/b.json, data/c.json, data/a.0.25x.json, data/b.0.25x.json, data/c.0.25x.json]
  lr: [0.3, 0.6]
  weights: [[0.5, 0.5]]
actions:
  sft: { type: toy-sft, slots: [models, datasets, lr] }
  ties_merging: { type: toy-wmerge, slots: [base_models, models, models, weights] }
tasks:
  - { name: ta, evaluator: toy, options: { target: [1, 0.5, 0] } }
  - { name: tb, evaluator: toy, options: { target: [0.5, 1, 0] } }
`;
  writeFileSync(path.join(dir, 'study.yaml'), config);
  return dir;
}

const POLICIES: [string, () => Policy][] = [
  ['surrogate', () => new SurrogatePolicy()],
  ['evolution', () => new EvolutionPolicy()],
  ['halving', () => new HalvingPolicy({ screens: 2, eta: 2 })],
];

describe.each(POLICIES)('%s in a real study', (name, make) => {
  it('a study stopped after 4 trials and resumed chooses what an uninterrupted one does; no executed action repeated', async () => {
    const dir = world();
    const cfg = path.join(dir, 'study.yaml');
    const full = await runStudy({ configPath: cfg, outDir: path.join(dir, 'full'), services: { policy: make() } });
    await runStudy({ configPath: cfg, outDir: path.join(dir, 'part'), overrides: { iterations: 4 }, services: { policy: make() } });
    const resumed = await resumeStudy({ dir: path.join(dir, 'part'), iterations: 8, services: { policy: make() } });
    const keys = (s: typeof full): string[] => [...s.trials].sort((a, b) => a.index - b.index).map((t) => t.action.key);
    expect(keys(resumed)).toEqual(keys(full));
    expect(new Set(keys(full)).size).toBe(8);
    expect(full.trials.every((t) => t.state === 'complete' && !t.policy?.fallback)).toBe(true);
    // halving screens on the quarter-data files first, then promotes to the full ones.
    if (name === 'halving') expect(full.trials.some((t) => t.action.inputs.some((i) => /0\.25x/.test(i.name)))).toBe(true);
  });
});
