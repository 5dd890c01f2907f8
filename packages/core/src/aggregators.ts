import type { Aggregator } from './aggregator.js';
import type { TaskResult, TaskSpec } from './evaluator.js';
import type { Factory } from './policy.js';

function scaled(results: TaskResult[], tasks: TaskSpec[]): number[] {
  return tasks
    .filter((t) => t.inReward)
    .map((t) => {
      const r = results.find((x) => x.task === t.name);
      if (!r) throw new Error(`no score for task ${t.name}`);
      return t.alpha * r.score;
    });
}

/** Paper eq. 3: sum over tasks of alpha_k * score_k (alpha defaults to 1/max so each task's maximum contribution is 1). */
export const weightedSum: Aggregator = {
  name: 'weighted-sum',
  monotone: true,
  aggregate: (results, tasks) => scaled(results, tasks).reduce((a, b) => a + b, 0),
};

/** Mean of the scaled scores (the paper's Figure 11 `score_aggregation: mean`); in [0, 1] with default alphas. */
export const mean: Aggregator = {
  name: 'mean',
  monotone: true,
  aggregate: (results, tasks) => {
    const s = scaled(results, tasks);
    return s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0;
  },
};

export const aggregatorFactories: Factory<Aggregator, unknown>[] = [
  { name: 'mean', description: 'mean of alpha-scaled task scores', create: () => mean },
  { name: 'weighted-sum', description: 'sum of alpha-scaled task scores (paper eq. 3)', create: () => weightedSum },
];
