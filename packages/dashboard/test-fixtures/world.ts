// Test studies for the dashboard: testkit's toy world (vector models, SFT toward a target, merging by
// averaging, a distance scorer) with a scripted LLM-like policy, one broken dataset (failed trials) and
// an out-of-distribution task that is not in the reward.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy, type StudySummary } from '@lamdagent/core';
import { makeToyStudy, type ToyStudy } from '@lamdagent/testkit';

export const SCRIPTED_POLICY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripted-policy.mjs');

export type World = ToyStudy;

export function makeWorld(opts: { iterations?: number; policy?: string; seed?: number; name?: string } = {}): World {
  return makeToyStudy({
    iterations: opts.iterations ?? 20,
    seed: opts.seed ?? 7,
    policy: opts.policy ?? 'scripted-llm',
    plugins: [SCRIPTED_POLICY],
    datasets: { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] }, broken: { fail: 'dataset is broken' } },
    extra: {
      name: opts.name ?? 'toy-study',
      tasks: [
        { name: 'ta', evaluator: 'toy', options: { target: [1, 0, 0] } },
        { name: 'tb', evaluator: 'toy', options: { target: [0, 1, 0] } },
        { name: 'tc_ood', evaluator: 'toy', inReward: false, options: { target: [0.5, 0.5, 0.2] } },
      ],
    },
  });
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
