import type { z } from 'zod';
import type { JsonValue } from './json.js';
import type { JobSpec } from './jobs.js';

/** What a runner can report while it works. */
export interface RunnerContext {
  signal: AbortSignal;
  /** A log line (kept in the job's log file). */
  log(line: string): void;
  /** Progress of the current job, 0..1 when known. */
  progress(update: { fraction?: number; message?: string }): void;
}

/** What a runner returns; throwing means the job failed (the error's name and message are kept). */
export interface RunOutcome {
  metrics?: Record<string, number>;
}

/** The code that does an action's work. Writes the produced model into `spec.outputDir`. */
export interface Runner {
  name: string;
  /** Part of every action's content address: bump it when results would change. */
  version: string;
  /** Validates `actions.<name>.runnerParams` (passed to the job as `spec.runnerParams`). */
  paramsSchema?: z.ZodType<Record<string, JsonValue>>;
  /**
   * Checks of the object values this runner reads, by slot name, run before the first trial: e.g. the
   * first lines of `dataset` in the runner's own format. A dataset's format is its runner's, so an
   * action run by a runner other than its type's default is checked with these for its dataset slots
   * (the type's `SlotSpec.check` is written for the default runner); a dataset with no check here is
   * only read when the job runs. Each returns a problem, or undefined when the value is fine.
   */
  inputChecks?: Readonly<Record<string, (value: JsonValue) => string | undefined>>;
  run(spec: JobSpec, ctx: RunnerContext): Promise<RunOutcome>;
}
