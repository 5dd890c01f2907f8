import type { JsonValue } from './json.js';
import type { PoolObject } from './objects.js';

export type Split = 'validation' | 'test';

/** A target task from config. */
export interface TaskSpec {
  name: string;
  /** Evaluator that scores it. */
  evaluator: string;
  metric: string;
  /** Largest possible score (1 for accuracy, 10 for MT-Bench); scales its contribution to the reward. */
  max: number;
  /** Scale factor alpha_k of the paper's eq. 3; default 1/max. */
  alpha: number;
  /** Tasks that do not count toward the reward (e.g. out-of-distribution tasks scored only on test). */
  inReward: boolean;
  options: Record<string, JsonValue>;
}

export interface TaskResult {
  task: string;
  metric: string;
  score: number;
  split: Split;
  /** Number of items scored. */
  n?: number;
  /** Per-item results file (JSON lines) kept for error analysis. */
  itemsPath?: string;
  /**
   * Each item's score in item order, in the task's units (1/0 for right/wrong, a grade): core's evaluation loop
   * turns them into `interval` and drops them (they stay in the per-item file, not in the journal).
   */
  itemScores?: number[];
  /** 95% percentile bootstrap interval of `score` over the items (computed by core from `itemScores`, seed 0). */
  interval?: ScoreInterval;
  /** Tokens an LLM spent on this evaluation (a judge): the study's costs count them apart from the agent's. */
  usage?: EvaluationUsage;
  /** Items in the split (when `n` is less: a partial evaluation on a first slice, see `EvalContext.slice`). */
  total?: number;
  /**
   * Lowest and highest possible item score, as the scorer declares it (e.g. a judge's [1, 10]); early stopping bounds
   * the task's mean with it (default [0, task max]).
   */
  range?: readonly [number, number];
  /** Set when early stopping ended the evaluation on a slice: the reward estimate, its bound and the threshold. */
  partial?: PartialEvaluation;
}

/** An evaluation early stopping ended on a first slice (issue 19): the candidate was clearly below the threshold. */
export interface PartialEvaluation {
  /** Fraction of each task's items scored. */
  slice: number;
  /** Reward estimated from the slices, and its two-sided bound at the test's level. */
  estimate: number;
  lo: number;
  hi: number;
  /** The reward it was compared with (the topK-th best so far). */
  threshold: number;
}

/** A 95% interval of a task score. */
export interface ScoreInterval {
  lo: number;
  hi: number;
}

/** What an evaluation's LLM (a judge) used. */
export interface EvaluationUsage {
  /** The judge model. */
  model?: string;
  inputTokens: number;
  outputTokens: number;
  /** Requests sent (cached ratings send none). */
  requests?: number;
  /** Cost in USD at the judge's prices (0 when unknown or local). */
  costUsd?: number;
}

export interface EvalContext {
  signal: AbortSignal;
  split: Split;
  /** A folder the evaluator may write per-item results into. */
  outDir: string;
  seed: number;
  log(line: string): void;
  /**
   * Score only the first `ceil(slice * N)` of the split's N items and return `n` and `total` (early stopping; an
   * evaluator may ignore it and score everything). Called again with a larger slice for the same model, an evaluator
   * may reuse what it generated.
   */
  slice?: number;
}

/** Scores a model on a task. */
export interface Evaluator {
  name: string;
  evaluate(model: PoolObject, task: TaskSpec, ctx: EvalContext): Promise<TaskResult>;
}

/** A text generation backend (tiny model, OpenAI-compatible server, onnxruntime). */
export interface GenerationBackend {
  name: string;
  generate(modelPath: string, prompts: string[], options: { maxNewTokens: number; stop?: string[]; signal?: AbortSignal }): Promise<string[]>;
}
