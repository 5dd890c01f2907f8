import type { TaskResult, TaskSpec } from './evaluator.js';

/** Folds per-task scores into one reward. */
export interface Aggregator {
  name: string;
  aggregate(results: TaskResult[], tasks: TaskSpec[]): number;
}
