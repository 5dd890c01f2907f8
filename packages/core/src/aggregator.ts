import type { TaskResult, TaskSpec } from './evaluator.js';

/** Folds per-task scores into one reward. */
export interface Aggregator {
  name: string;
  aggregate(results: TaskResult[], tasks: TaskSpec[]): number;
  /**
   * Declares the reward non-decreasing in each in-reward task's score (the contract asks it). Early stopping
   * (config `earlyStop`) bounds a nonlinear reward by the aggregate at the per-task bounds when it is `true`, scores
   * every candidate in full when it is `false`, and, left out, probes the aggregator numerically (a check, not a proof).
   * A linear aggregator (mean, weighted-sum) is recognised numerically and needs no flag.
   */
  monotone?: boolean;
}
