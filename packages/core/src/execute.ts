import { appendFileSync, mkdirSync } from 'node:fs';
import { writeFileAtomic, tailFile } from './kit/fs.js';
import { jobLogPath, jobResultPath } from './kit/job-result.js';
import type { TaskResult } from './evaluator.js';
import type { JobSpec, ResultManifest } from './jobs.js';
import type { Runner } from './runner.js';

export interface ExecuteOptions {
  signal: AbortSignal;
  onLog?(line: string): void;
  onProgress?(update: { fraction?: number; message?: string }): void;
  /** Scores the produced model after the runner finished (in-job evaluation); inside the job's time limit. */
  evaluate?(ctx: { signal: AbortSignal; log(line: string): void }): Promise<TaskResult[]>;
}

class TimeoutError extends Error {
  override name = 'Timeout';
}
class CancelledError extends Error {
  override name = 'Cancelled';
}
class EvaluationError extends Error {
  override name = 'EvaluationError';
}

/**
 * Run a job with a runner in this process and write its result manifest. Never throws for a failed
 * job: errors, time limits and cancellation become a failed manifest with the cause.
 */
export async function executeInProcess(spec: JobSpec, runner: Runner, opts: ExecuteOptions): Promise<ResultManifest> {
  mkdirSync(spec.jobDir, { recursive: true });
  mkdirSync(spec.outputDir, { recursive: true });
  const logFile = jobLogPath(spec);
  const log = (line: string): void => {
    appendFileSync(logFile, line.endsWith('\n') ? line : `${line}\n`);
    opts.onLog?.(line);
  };
  const started = performance.now();
  const ctl = new AbortController();
  const onAbort = (): void => ctl.abort(new CancelledError('cancelled'));
  opts.signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const limit = spec.resources.timeLimitSec;
  const stopped = new Promise<never>((_, reject) => {
    ctl.signal.addEventListener('abort', () => reject(ctl.signal.reason instanceof Error ? ctl.signal.reason : new CancelledError(String(ctl.signal.reason))), {
      once: true,
    });
    if (limit) timer = setTimeout(() => ctl.abort(new TimeoutError(`exceeded its time limit of ${limit} s`)), limit * 1000);
  });
  stopped.catch(() => undefined);
  let manifest: ResultManifest;
  try {
    log(`runner ${runner.name}@${runner.version} job ${spec.jobId}${spec.smoke ? ' (smoke run)' : ''}`);
    const out = await Promise.race([runner.run(spec, { signal: ctl.signal, log, progress: (u) => opts.onProgress?.(u) }), stopped]);
    const stages: Record<string, number> = { run: (performance.now() - started) / 1000 };
    let evaluations: TaskResult[] | undefined;
    if (opts.evaluate && !spec.smoke) {
      const t0 = performance.now();
      log('evaluating the produced model');
      const evaluating = opts.evaluate({ signal: ctl.signal, log }).catch((e: unknown) => {
        throw ctl.signal.aborted ? e : new EvaluationError(e instanceof Error ? e.message : String(e));
      });
      evaluations = await Promise.race([evaluating, stopped]);
      stages['evaluate'] = (performance.now() - t0) / 1000;
    }
    const wallSec = (performance.now() - started) / 1000;
    manifest = {
      schemaVersion: 1,
      jobId: spec.jobId,
      status: 'completed',
      artifact: spec.outputDir,
      metrics: out.metrics ?? {},
      resources: { wallSec, gpus: spec.resources.gpus, gpuHours: (spec.resources.gpus * wallSec) / 3600 },
      logs: [logFile],
      stages,
      ...(evaluations ? { evaluations } : {}),
    };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    log(`error: ${err.name}: ${err.message}`);
    if (err.stack) log(err.stack);
    const wallSec = (performance.now() - started) / 1000;
    const status = err instanceof TimeoutError ? 'timeout' : err instanceof CancelledError ? 'cancelled' : 'failed';
    manifest = {
      schemaVersion: 1,
      jobId: spec.jobId,
      status,
      metrics: {},
      resources: { wallSec, gpus: spec.resources.gpus, gpuHours: (spec.resources.gpus * wallSec) / 3600 },
      logs: [logFile],
      error: { type: err.name === 'Error' ? 'RunnerError' : err.name, message: err.message, logExcerpt: tailFile(logFile, 1500) ?? '' },
    };
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal.removeEventListener('abort', onAbort);
  }
  // The journal is the durable record of a trial; the manifest beside the job is for people and tools.
  writeFileAtomic(jobResultPath(spec), JSON.stringify(manifest, null, 2), { durable: false });
  return manifest;
}
