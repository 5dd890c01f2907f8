/** Shared option and progress types of the trainers. */
import type { Schedule } from './adamw.js';

export interface TrainProgress {
  /** 1-based step just completed. */
  step: number;
  totalSteps: number;
  /** 0-based epoch of that step. */
  epoch: number;
  loss: number;
  learningRate: number;
  /** Input tokens per second so far (padding excluded). */
  tokensPerSecond: number;
}

export interface OptimizerOptions {
  learningRate: number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Stop after this many optimizer steps (the schedule is computed for the capped count). */
  maxSteps?: number;
  /** Warmup: a step count (>= 1) or a fraction of all steps (< 1). Default 0. */
  warmup?: number;
  /** Decoupled (AdamW) weight decay on matrices. Default 0. */
  weightDecay?: number;
  /** Learning-rate schedule after warmup. Default 'linear' (decay to 0, as Hugging Face's Trainer). */
  schedule?: Schedule;
  /** Clip the global gradient norm (0 disables). Default 1. */
  maxGradNorm?: number;
  onProgress?: (progress: TrainProgress) => void;
  /** Abort training between steps. */
  signal?: AbortSignal;
}

/** Steps for `epochs` epochs of `batchesPerEpoch`, capped by `maxSteps`. */
export function plannedSteps(opts: OptimizerOptions, batchesPerEpoch: number): number {
  const all = Math.max(0, Math.floor(opts.epochs * batchesPerEpoch));
  return opts.maxSteps !== undefined ? Math.min(all, Math.max(0, Math.floor(opts.maxSteps))) : all;
}

export function warmupSteps(opts: OptimizerOptions, total: number): number {
  const w = opts.warmup ?? 0;
  return w > 0 && w < 1 ? Math.round(w * total) : Math.floor(w);
}

export function checkOptions(opts: OptimizerOptions, where: string): void {
  const bad: string[] = [];
  if (!(opts.learningRate > 0) || !Number.isFinite(opts.learningRate)) bad.push('learningRate must be a positive number');
  if (!(opts.epochs > 0)) bad.push('epochs must be > 0');
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) bad.push('batchSize must be a positive integer');
  if (!Number.isFinite(opts.seed)) bad.push('seed must be a number');
  if (bad.length > 0) throw new Error(`${where}: ${bad.join('; ')}`);
}

/** Yield to the event loop (lets timers, I/O and abort signals run between steps). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
