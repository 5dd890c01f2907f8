import type { JobSpec, ResultManifest } from './jobs.js';
import type { Runner } from './runner.js';
import type { TaskResult, TaskSpec } from './evaluator.js';
import type { PoolObject } from './objects.js';

export interface ExecutorContext {
  signal: AbortSignal;
  /** Finds a registered runner by name (in-process executors call it directly). */
  runner(name: string): Runner;
  onLog?(line: string): void;
  onProgress?(update: { fraction?: number; message?: string }): void;
}

/** A job that an executor started and that a resumed study may re-attach to. */
export interface JobHandle {
  jobId: string;
  /** Executor-specific id (a pid, a Slurm job id) kept in the journal. */
  externalId?: string;
}

/** Where a job runs: in-process, local subprocess, Slurm batch job. Never throws for a failed job: it returns a failed manifest. */
export interface Executor {
  name: string;
  /** How many jobs may run at once on it (the study's concurrency is capped by it when set). */
  maxConcurrency?: number;
  submit(spec: JobSpec, ctx: ExecutorContext, onStarted?: (handle: JobHandle) => void): Promise<ResultManifest>;
  /** Re-attach to a job started by an earlier process (after a crash); undefined when unsupported or gone. */
  reattach?(spec: JobSpec, handle: JobHandle, ctx: ExecutorContext): Promise<ResultManifest | undefined>;
  close?(): Promise<void>;
  /**
   * An initial model's validation scores without evaluating it, when this executor knows them (the
   * `replay` executor answers from its table); undefined: the study evaluates the model itself.
   */
  initialScores?(model: PoolObject, tasks: readonly TaskSpec[]): Promise<TaskResult[] | undefined>;
}
