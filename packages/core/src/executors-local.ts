import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { executeInProcess } from './execute.js';
import type { Executor, ExecutorContext, JobHandle } from './executor.js';
import { isJobProcess, jobEnv, killGroup, trackGroup, untrackGroup, waitForExit } from './subprocess-jobs.js';
import { tailFile, writeFileAtomic } from './kit/fs.js';
import { failedManifest, jobLogPath, jobResultPath, readResultManifest } from './kit/job-result.js';
import type { JobSpec, ResultManifest } from './jobs.js';
import type { Factory } from './policy.js';

/** Runs jobs inside the study process (for TypeScript runners such as the tiny trainer). */
export class InProcessExecutor implements Executor {
  readonly name = 'inprocess';
  submit(spec: JobSpec, ctx: ExecutorContext, onStarted?: (h: JobHandle) => void): Promise<ResultManifest> {
    onStarted?.({ jobId: spec.jobId });
    return executeInProcess(spec, ctx.runner(spec.runner), {
      signal: ctx.signal,
      ...(ctx.onLog ? { onLog: ctx.onLog } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    });
  }
}

/** Folder of the installed @lamdagent/core package. */
function corePackageDir(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(d, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === '@lamdagent/core') return d;
    const parent = path.dirname(d);
    if (parent === d) throw new Error('cannot locate the @lamdagent/core package folder');
    d = parent;
  }
}

/** Path of the `lamdagent-runner` entry that runs one job spec in a fresh process. */
export function runnerBinPath(): string {
  const p = path.join(corePackageDir(), 'dist', 'runner-bin.js');
  if (!existsSync(p)) throw new Error(`${p} is missing: build @lamdagent/core (npm run build) first`);
  return p;
}

export const SubprocessOptionsSchema = z
  .object({
    /** Extra arguments for node (e.g. --max-old-space-size=4096). */
    nodeArgs: z.array(z.string()).default([]),
    /** Grace period between SIGTERM and SIGKILL on timeout or cancellation. */
    killGraceMs: z.number().int().min(0).default(5000),
    /**
     * Environment variables passed to jobs besides the allowlist (PATH, HOME, locale, CUDA_*, HF_*,
     * PYTHON*, LAMDAGENT_*, ...). API keys and tokens reach a job only when named here.
     */
    passEnv: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type SubprocessOptions = z.infer<typeof SubprocessOptionsSchema>;

/**
 * Runs each job as `node lamdagent-runner spec.json` in its own process (argv array, no shell):
 * time limit, cancellation, captured logs, exit code and signal classified.
 */
export class SubprocessExecutor implements Executor {
  readonly name = 'subprocess';
  readonly #opts: SubprocessOptions;
  constructor(opts: Partial<SubprocessOptions> = {}) {
    this.#opts = SubprocessOptionsSchema.parse(opts);
  }

  submit(spec: JobSpec, ctx: ExecutorContext, onStarted?: (h: JobHandle) => void): Promise<ResultManifest> {
    mkdirSync(spec.jobDir, { recursive: true });
    mkdirSync(spec.outputDir, { recursive: true });
    const specFile = path.join(spec.jobDir, 'spec.json');
    writeFileAtomic(specFile, JSON.stringify(spec, null, 2));
    const logFile = jobLogPath(spec);
    const logFd = openSync(logFile, 'a');
    const started = performance.now();
    // Its own process group (detached): a terminal's Ctrl-C reaches the study, which cancels the job;
    // cancelling kills the whole group. The environment is the allowlist plus passEnv (no API keys).
    const child = spawn(process.execPath, [...this.#opts.nodeArgs, runnerBinPath(), specFile], {
      stdio: ['ignore', logFd, logFd],
      env: jobEnv(process.env, this.#opts.passEnv),
      detached: true,
    });
    closeSync(logFd);
    if (child.pid) trackGroup(child.pid);
    onStarted?.({ jobId: spec.jobId, ...(child.pid ? { externalId: String(child.pid) } : {}) });
    let why: 'timeout' | 'cancelled' | undefined;
    const kill = (reason: 'timeout' | 'cancelled'): void => {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      why ??= reason;
      const pid = child.pid;
      killGroup(pid, 'SIGTERM');
      setTimeout(() => child.exitCode === null && child.signalCode === null && killGroup(pid, 'SIGKILL'), this.#opts.killGraceMs).unref();
    };
    const onAbort = (): void => kill('cancelled');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const limit = spec.resources.timeLimitSec;
    const timer = limit ? setTimeout(() => kill('timeout'), limit * 1000) : undefined;
    return new Promise<ResultManifest>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
        if (timer) clearTimeout(timer);
        if (child.pid) {
          // The runner is gone; anything it left in its group goes with it.
          killGroup(child.pid, 'SIGKILL');
          untrackGroup(child.pid);
        }
        ctx.signal.removeEventListener('abort', onAbort);
        const wallSec = (performance.now() - started) / 1000;
        const resources = { wallSec, gpus: spec.resources.gpus, gpuHours: (spec.resources.gpus * wallSec) / 3600 };
        const excerpt = tailFile(logFile, 1500) ?? '';
        const failed: FailedFn = (status, type, message, extra = {}) =>
          failedManifest(spec, { status, resources, logs: [logFile], error: { type, message, logExcerpt: excerpt, ...extra } });
        let manifest: ResultManifest;
        if (spawnError) manifest = failed('failed', 'SpawnError', spawnError.message);
        else if (why === 'timeout') manifest = failed('timeout', 'Timeout', `exceeded its time limit of ${limit} s and was killed`, signal ? { signal } : {});
        else if (why === 'cancelled') manifest = failed('cancelled', 'Cancelled', 'cancelled', signal ? { signal } : {});
        else if (signal) manifest = failed('failed', 'Signal', `runner process killed by ${signal}`, { signal });
        else manifest = readResult(spec, code ?? -1, failed);
        manifest = { ...manifest, resources: { ...manifest.resources, wallSec, gpus: spec.resources.gpus, gpuHours: resources.gpuHours } };
        writeFileAtomic(jobResultPath(spec), JSON.stringify(manifest, null, 2), { durable: false });
        resolve(manifest);
      };
      child.once('error', (e) => finish(null, null, e));
      child.once('exit', (code, signal) => finish(code, signal));
    });
  }

  /**
   * Re-attach to a job an earlier study process started (after kill -9 or a second Ctrl-C): while its
   * runner still runs, wait for it (never start the job beside it); then use the result it wrote. A
   * job that was cancelled, or left no result, is run again (undefined).
   */
  async reattach(spec: JobSpec, handle: JobHandle, ctx: ExecutorContext): Promise<ResultManifest | undefined> {
    const specFile = path.join(spec.jobDir, 'spec.json');
    // The journaled pid, else the one the runner wrote when it started (the study died before journaling it).
    const pidFile = path.join(spec.jobDir, 'runner.pid');
    const pid = Number(handle.externalId ?? (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : NaN));
    if (Number.isInteger(pid) && pid > 0 && isJobProcess(pid, specFile)) {
      if ((await waitForExit(pid, specFile, ctx.signal)) === 'aborted') {
        killGroup(pid, 'SIGTERM');
        setTimeout(() => killGroup(pid, 'SIGKILL'), this.#opts.killGraceMs).unref();
        return failedManifest(spec, {
          status: 'cancelled',
          resources: { wallSec: 0, gpus: 0, gpuHours: 0 },
          logs: [],
          error: { type: 'Cancelled', message: 'cancelled' },
        });
      }
    }
    const r = readResultManifest(spec);
    if (!r.ok || r.manifest.status === 'cancelled') return undefined;
    if (r.manifest.status === 'completed' && !existsSync(spec.outputDir)) return undefined;
    return r.manifest;
  }
}

type FailedFn = (status: 'failed' | 'cancelled' | 'timeout', type: string, message: string, extra?: { exitCode?: number; signal?: string }) => ResultManifest;

/** Classify the result manifest a runner process wrote against its exit code; a missing or malformed one fails. */
function readResult(spec: JobSpec, exitCode: number, failed: FailedFn): ResultManifest {
  const r = readResultManifest(spec);
  if (!r.ok && r.missing) {
    return exitCode === 0
      ? failed('failed', 'BadResult', `runner exited 0 but wrote no ${jobResultPath(spec)}`)
      : failed('failed', 'ExitCode', `runner exited with code ${exitCode} without a result`, { exitCode });
  }
  if (!r.ok) return failed('failed', 'BadResult', r.message, { exitCode });
  if (exitCode !== 0 && r.manifest.status === 'completed') return failed('failed', 'ExitCode', `runner exited with code ${exitCode}`, { exitCode });
  return r.manifest;
}

export const executorFactories: Factory<Executor, unknown>[] = [
  { name: 'inprocess', description: 'runs jobs inside the study process', create: () => new InProcessExecutor() },
  {
    name: 'subprocess',
    description: 'runs each job as a local child process (lamdagent-runner)',
    optionsSchema: SubprocessOptionsSchema,
    create: (o) => new SubprocessExecutor(o as Partial<SubprocessOptions>),
  },
];
