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
  run(spec: JobSpec, ctx: RunnerContext): Promise<RunOutcome>;
}
