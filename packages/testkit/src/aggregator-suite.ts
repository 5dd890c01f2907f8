import type { Aggregator, TaskResult, TaskSpec } from '@lamdagent/core';
import { fail, registerChecks, type Check } from './check.js';

const task = (name: string, o: Partial<TaskSpec> = {}): TaskSpec => ({
  name,
  evaluator: 'e',
  metric: 'acc',
  max: 1,
  alpha: 1,
  inReward: true,
  options: {},
  ...o,
});
const res = (t: string, score: number): TaskResult => ({ task: t, metric: 'acc', score, split: 'validation' });

/** The aggregator checks, framework-free (see `aggregatorConformance`). */
export function aggregatorChecks(create: () => Aggregator | Promise<Aggregator>): Check[] {
  return [
    {
      name: 'returns a finite reward that grows with each task score',
      async run() {
        const a = await create();
        const tasks = [task('a'), task('b')];
        const base = a.aggregate([res('a', 0.2), res('b', 0.5)], tasks);
        if (!Number.isFinite(base)) fail(`aggregator ${a.name}`, `reward ${base} is not finite`);
        for (const up of [a.aggregate([res('a', 0.8), res('b', 0.5)], tasks), a.aggregate([res('a', 0.2), res('b', 0.9)], tasks)])
          if (!(up > base)) fail(`aggregator ${a.name}`, `raising a task's score did not raise the reward (${base} → ${up})`);
      },
    },
    {
      name: 'ignores tasks outside the reward (inReward: false)',
      async run() {
        const a = await create();
        const tasks = [task('a'), task('ood', { inReward: false })];
        const x = a.aggregate([res('a', 0.5), res('ood', 0.1)], tasks);
        const y = a.aggregate([res('a', 0.5), res('ood', 0.9)], tasks);
        if (x !== y) fail(`aggregator ${a.name}`, `an inReward: false task changed the reward (${x} vs ${y})`);
      },
    },
    {
      name: 'does not depend on the order of results',
      async run() {
        const a = await create();
        const tasks = [task('a'), task('b', { max: 10, alpha: 0.1 })];
        const x = a.aggregate([res('a', 0.3), res('b', 7)], tasks);
        const y = a.aggregate([res('b', 7), res('a', 0.3)], tasks);
        if (x !== y) fail(`aggregator ${a.name}`, `result order changed the reward (${x} vs ${y})`);
      },
    },
  ];
}

/** Register the aggregator conformance suite (vitest). */
export function aggregatorConformance(name: string, create: () => Aggregator | Promise<Aggregator>): void {
  registerChecks(`aggregator conformance: ${name}`, aggregatorChecks(create));
}
