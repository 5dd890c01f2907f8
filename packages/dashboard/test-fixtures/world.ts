// Test studies for the dashboard: core's toy plugin (vector models, SFT toward a target, merging by averaging,
// a distance scorer) with a scripted LLM-like policy, one broken dataset (failed trials) and an
// out-of-distribution task that is not in the reward.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy, type StudySummary } from '@lamdagent/core';
import { TOY_PLUGIN } from '../../core/test-fixtures/toy-world.js';

export const SCRIPTED_POLICY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripted-policy.mjs');

export interface World {
  dir: string;
  configPath: string;
}

export function makeWorld(opts: { iterations?: number; policy?: string; seed?: number; name?: string } = {}): World {
  const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-world-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  mkdirSync(path.join(dir, 'data'));
  const datasets: Record<string, object> = { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] }, broken: { fail: 'throw' } };
  for (const [n, d] of Object.entries(datasets)) writeFileSync(path.join(dir, 'data', `${n}.json`), JSON.stringify(d));
  const config = `name: ${opts.name ?? 'toy-study'}
seed: ${opts.seed ?? 7}
budget:
  iterations: ${opts.iterations ?? 20}
policy: ${opts.policy ?? 'scripted-llm'}
plugins: [${JSON.stringify(TOY_PLUGIN)}, ${JSON.stringify(SCRIPTED_POLICY)}]
discoverPlugins: false
executor: inprocess
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
  - { name: tc_ood, evaluator: toy, inReward: false, options: { target: [0.5, 0.5, 0.2] } }
`;
  const configPath = path.join(dir, 'study.yaml');
  writeFileSync(configPath, config);
  return { dir, configPath };
}

/** Runs a world's study into `<world>/study` and returns the summary and the folder. */
export async function makeStudy(opts: Parameters<typeof makeWorld>[0] = {}): Promise<{ world: World; out: string; summary: StudySummary }> {
  const world = makeWorld(opts);
  const out = path.join(world.dir, 'study');
  const summary = await runStudy({ configPath: world.configPath, outDir: out });
  return { world, out, summary };
}

/** Per-item results of a trial's task, in the file an evaluator keeps them in (`jobs/tNNNN/eval/<task>.<split>.jsonl`). */
export function writeItemResults(studyDir: string, trial: number, task: string, values: readonly number[], split = 'validation'): void {
  const dir = path.join(studyDir, 'jobs', `t${String(trial).padStart(4, '0')}`, 'eval');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${task}.${split}.jsonl`), values.map((v, i) => JSON.stringify({ id: `${task}-${i}`, score: v })).join('\n') + '\n');
}
