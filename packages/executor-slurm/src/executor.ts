import { chmodSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Executor, type ExecutorContext, type JobHandle, type JobSpec, type ResultManifest } from '@lamdagent/core';
import { jobLogPath, jobResultPath, runnerBinPath, writeFileAtomic } from '@lamdagent/core/kit';
import { z } from 'zod';
import { classifyEnd, jobLogs, logExcerpt, readBatchStatus, readRunnerResult, type CancelReason } from './classify.js';
import { parseSlurmOptions, type SlurmOptions, type SlurmOptionsInput } from './options.js';
import { isTerminal, type SlurmJobInfo } from './parse.js';
import { BATCH_SCRIPT, JOB_FILES, sbatchArgs, slurmJobName } from './sbatch.js';
import { CommandSlurmCli, type SlurmCli } from './slurm-cli.js';

/** Written beside the job spec at submission: which Slurm job runs it. */
export const SubmissionSchema = z.object({ slurmJobId: z.string().regex(/^\d+$/), jobId: z.string(), jobName: z.string(), submittedAt: z.string() });
export type Submission = z.infer<typeof SubmissionSchema>;

export function readSubmission(jobDir: string): Submission | undefined {
  const file = path.join(jobDir, JOB_FILES.submission);
  if (!existsSync(file)) return undefined;
  try {
    const r = SubmissionSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

interface Tracked {
  id: string;
  spec: JobSpec;
  ctx: ExecutorContext;
  resolve(m: ResultManifest): void;
  cancelledBy?: CancelReason;
  cancelSent: boolean;
  lastState?: string;
  firstRunningAt?: number;
  logOffset: number;
  finalizing: boolean;
  detach(): void;
}

export interface SlurmExecutorDeps {
  /** The Slurm commands (default: the real ones, with argv arrays). */
  cli?: SlurmCli;
  /** Environment jobs take their passed-through variables from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

const sameDir = (a: string, b: string): boolean => path.resolve(a) === path.resolve(b);

/**
 * Runs each job spec as a Slurm batch job: `sbatch` a fixed script that runs `node lamdagent-runner
 * spec.json` in the job folder (shared file system assumed), follow it with one `squeue` per poll for
 * all jobs, details from `scontrol` (and `sacct` when enabled), `scancel` on abort or past the time
 * limit, classify the end into the result manifest, and re-attach to jobs a previous process started.
 */
export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  readonly maxConcurrency?: number;
  readonly options: SlurmOptions;
  readonly #cli: SlurmCli;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #tracked = new Map<string, Tracked>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #closed = false;
  #unreachableSince: number | undefined;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: SlurmOptionsInput | SlurmOptions = {}, deps: SlurmExecutorDeps = {}) {
    this.options = parseSlurmOptions(options);
    if (this.options.maxConcurrency !== undefined) this.maxConcurrency = this.options.maxConcurrency;
    this.#cli = deps.cli ?? new CommandSlurmCli({ ...(this.options.binDir ? { binDir: this.options.binDir } : {}), sacct: this.options.sacct });
    this.#env = deps.env ?? process.env;
  }

  async submit(spec: JobSpec, ctx: ExecutorContext, onStarted?: (h: JobHandle) => void): Promise<ResultManifest> {
    const release = await this.#acquire(ctx.signal);
    if (!release) return this.#notRun(spec, 'cancelled', 'Cancelled', 'cancelled before it was submitted');
    let id: string;
    try {
      id = await this.#sbatch(spec);
    } catch (e) {
      release();
      return this.#notRun(spec, 'failed', 'SubmitError', (e as Error).message);
    }
    onStarted?.({ jobId: spec.jobId, externalId: id });
    ctx.onLog?.(`submitted Slurm job ${id} (${slurmJobName(spec, this.options.jobNamePrefix)})`);
    return this.#follow(id, spec, ctx).finally(release);
  }

  /**
   * Follow a job an earlier study process submitted (after kill -9, a second Ctrl-C, a lost node): while
   * Slurm runs it, wait for it (never submit it beside it); once ended, classify how. A job that ended
   * cancelled (scancel'ed by the study's interruption, or ended by a signal while no study watched) is
   * run again (undefined), as with the other executors, unless this study is being interrupted too.
   */
  async reattach(spec: JobSpec, handle: JobHandle, ctx: ExecutorContext): Promise<ResultManifest | undefined> {
    const again = (m: ResultManifest): ResultManifest | undefined => (m.status === 'cancelled' && !ctx.signal.aborted ? undefined : m);
    const id = handle.externalId;
    if (!id || !/^\d+$/.test(id)) return undefined;
    const sub = readSubmission(spec.jobDir);
    if (sub && sub.slurmJobId !== id) return undefined;
    let info: SlurmJobInfo | undefined;
    try {
      info = (await this.#cli.show(id)) ?? (await this.#cli.accounting(id));
    } catch (e) {
      // Slurm does not answer right now: follow the job anyway; the poller gives up after unreachableTimeoutSec.
      ctx.onLog?.(`re-attach to Slurm job ${id}: ${(e as Error).message}; following it`);
      return again(await this.#follow(id, spec, ctx));
    }
    if (info?.workDir && !sameDir(info.workDir, spec.jobDir)) return undefined; // the id now names another job
    if (!info) {
      // Forgotten by Slurm: the job's own files tell how it ended, if it ended with this submission.
      if (!sub || (!readBatchStatus(spec.jobDir) && !readRunnerResult(spec).ok)) return undefined;
      return again(this.#finish(spec, id, undefined, undefined));
    }
    ctx.onLog?.(`re-attached to Slurm job ${id} (${info.state})`);
    if (isTerminal(info.state)) return again(this.#finish(spec, id, info, undefined));
    return again(await this.#follow(id, spec, ctx));
  }

  /** Stop watching. Jobs keep running in Slurm; a later process can re-attach to them. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const t of this.#tracked.values()) t.detach();
    this.#tracked.clear();
  }

  #acquire(signal: AbortSignal): Promise<(() => void) | undefined> {
    const release = (): void => {
      this.#active--;
      this.#waiting.shift()?.();
    };
    const max = this.maxConcurrency ?? Infinity;
    if (this.#active < max) {
      this.#active++;
      return Promise.resolve(release);
    }
    return new Promise((resolve) => {
      const go = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.#active++;
        resolve(release);
      };
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(go);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(undefined);
      };
      if (signal.aborted) return resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(go);
    });
  }

  async #sbatch(spec: JobSpec): Promise<string> {
    mkdirSync(spec.jobDir, { recursive: true });
    mkdirSync(spec.outputDir, { recursive: true });
    const specFile = path.join(spec.jobDir, JOB_FILES.spec);
    const scriptFile = path.join(spec.jobDir, JOB_FILES.script);
    const statusFile = path.join(spec.jobDir, JOB_FILES.status);
    await this.#cancelEarlierAttempt(spec);
    // Stale files of an earlier attempt would be mistaken for this one's outcome.
    for (const f of [statusFile, jobResultPath(spec), path.join(spec.jobDir, JOB_FILES.submission)]) rmSync(f, { force: true });
    writeFileAtomic(specFile, JSON.stringify(spec, null, 2));
    writeFileAtomic(scriptFile, BATCH_SCRIPT);
    chmodSync(scriptFile, 0o755);
    const node = this.options.nodePath ?? process.execPath;
    const runnerBin = this.options.lamdagentRunner ?? runnerBinPath();
    const args = sbatchArgs(spec, this.options, { node, nodeArgs: this.options.nodeArgs, runnerBin, specFile, scriptFile, statusFile }, this.#env);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(this.#env)) if (v !== undefined) env[k] = v;
    const id = await this.#cli.submit(args, { cwd: spec.jobDir, env });
    const sub: Submission = {
      slurmJobId: id,
      jobId: spec.jobId,
      jobName: slurmJobName(spec, this.options.jobNamePrefix),
      submittedAt: new Date().toISOString(),
    };
    writeFileAtomic(path.join(spec.jobDir, JOB_FILES.submission), JSON.stringify(sub, null, 2));
    return id;
  }

  /**
   * A job folder whose earlier Slurm job is still queued or running (a crash before the journal recorded
   * it, or a smoke run, which is not journaled) gets that job cancelled first: two jobs must never write
   * the same output folder.
   */
  async #cancelEarlierAttempt(spec: JobSpec): Promise<void> {
    const old = readSubmission(spec.jobDir);
    if (!old) return;
    try {
      const info = await this.#cli.show(old.slurmJobId);
      if (info && !isTerminal(info.state) && (!info.workDir || sameDir(info.workDir, spec.jobDir))) await this.#cli.cancel(old.slurmJobId);
    } catch {
      /* best effort: Slurm may not answer; the new job is submitted either way */
    }
  }

  #notRun(spec: JobSpec, status: ResultManifest['status'], type: string, message: string): ResultManifest {
    const m: ResultManifest = {
      schemaVersion: 1,
      jobId: spec.jobId,
      status,
      metrics: {},
      resources: { wallSec: 0, gpus: spec.resources.gpus, gpuHours: 0 },
      logs: [],
      error: { type, message },
    };
    try {
      mkdirSync(spec.jobDir, { recursive: true });
      writeFileAtomic(jobResultPath(spec), JSON.stringify(m, null, 2), { durable: false });
    } catch {
      /* the manifest is returned either way */
    }
    return m;
  }

  #follow(id: string, spec: JobSpec, ctx: ExecutorContext): Promise<ResultManifest> {
    return new Promise<ResultManifest>((resolve) => {
      const onAbort = (): void => {
        const t = this.#tracked.get(id);
        if (t) this.#cancel(t, 'cancelled');
      };
      const t: Tracked = {
        id,
        spec,
        ctx,
        resolve,
        cancelSent: false,
        logOffset: fileSize(jobLogPath(spec)),
        finalizing: false,
        detach: () => ctx.signal.removeEventListener('abort', onAbort),
      };
      this.#tracked.set(id, t);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      if (ctx.signal.aborted) onAbort();
      this.#schedule(0);
    });
  }

  #cancel(t: Tracked, why: CancelReason): void {
    t.cancelledBy ??= why;
    if (t.cancelSent) return;
    t.cancelSent = true;
    t.ctx.onLog?.(`scancel ${t.id} (${why === 'timeout' ? `time limit of ${t.spec.resources.timeLimitSec} s` : 'the study was interrupted'})`);
    this.#cli.cancel(t.id).then(
      () => this.#schedule(300),
      (e: unknown) => {
        t.cancelSent = false; // try again on the next poll
        t.ctx.onLog?.(`scancel ${t.id} failed: ${(e as Error).message}`);
      },
    );
  }

  #schedule(ms: number): void {
    if (this.#closed || this.#tracked.size === 0) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#tick();
    }, ms);
  }

  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#poll();
    } finally {
      this.#ticking = false;
      this.#schedule(this.options.pollIntervalMs);
    }
  }

  async #poll(): Promise<void> {
    const jobs = [...this.#tracked.values()].filter((t) => !t.finalizing);
    if (jobs.length === 0) return;
    let queue: Map<string, SlurmJobInfo>;
    try {
      queue = await this.#cli.queue(jobs.map((t) => t.id));
      this.#unreachableSince = undefined;
    } catch (e) {
      const now = Date.now();
      this.#unreachableSince ??= now;
      const downSec = (now - this.#unreachableSince) / 1000;
      for (const t of jobs) t.ctx.onLog?.(`squeue: ${(e as Error).message} (no answer for ${Math.round(downSec)} s)`);
      if (downSec >= this.options.unreachableTimeoutSec) {
        for (const t of jobs) {
          const m: ResultManifest = {
            schemaVersion: 1,
            jobId: t.spec.jobId,
            status: 'failed',
            metrics: {},
            resources: { wallSec: 0, gpus: t.spec.resources.gpus, gpuHours: 0 },
            logs: jobLogs(t.spec, t.id),
            error: {
              type: 'SlurmUnreachable',
              message: `Slurm did not answer about job ${t.id} for ${Math.round(downSec)} s (it may still run): ${(e as Error).message}`,
              logExcerpt: logExcerpt(t.spec, t.id),
            },
          };
          writeFileAtomic(jobResultPath(t.spec), JSON.stringify(m, null, 2), { durable: false });
          this.#resolve(t, m);
        }
      }
      return;
    }
    for (const t of jobs) {
      const info = queue.get(t.id);
      this.#pumpLog(t);
      if (info && !isTerminal(info.state)) {
        this.#observe(t, info);
        continue;
      }
      t.finalizing = true;
      void this.#finalize(t);
    }
  }

  #observe(t: Tracked, info: SlurmJobInfo): void {
    if (t.cancelledBy && !t.cancelSent) this.#cancel(t, t.cancelledBy); // an scancel that failed: again
    if (info.state !== t.lastState) {
      t.lastState = info.state;
      t.ctx.onProgress?.({ message: `Slurm job ${t.id} ${info.state}${info.reason ? ` (${info.reason})` : ''}` });
    }
    if (info.state === 'RUNNING') t.firstRunningAt ??= performance.now();
    const limit = t.spec.resources.timeLimitSec;
    if (this.options.enforceTimeLimit && limit !== undefined && info.elapsedSec !== undefined && info.elapsedSec >= limit + this.options.timeLimitGraceSec) {
      this.#cancel(t, 'timeout');
    }
  }

  async #finalize(t: Tracked): Promise<void> {
    let info: SlurmJobInfo | undefined;
    try {
      info = (await this.#cli.show(t.id)) ?? (await this.#cli.accounting(t.id));
    } catch (e) {
      t.ctx.onLog?.(`scontrol show job ${t.id}: ${(e as Error).message}`);
      t.finalizing = false; // ask again on the next poll
      return;
    }
    if (info && !isTerminal(info.state)) {
      // squeue and scontrol disagree for a moment (e.g. COMPLETING): ask again later.
      t.finalizing = false;
      return;
    }
    this.#pumpLog(t);
    const measured = t.firstRunningAt !== undefined ? (performance.now() - t.firstRunningAt) / 1000 : undefined;
    this.#resolve(t, this.#finish(t.spec, t.id, info, t.cancelledBy, measured));
  }

  #finish(spec: JobSpec, id: string, info: SlurmJobInfo | undefined, cancelledBy: CancelReason | undefined, measuredSec?: number): ResultManifest {
    const m = classifyEnd({
      spec,
      slurmJobId: id,
      ...(info ? { info } : {}),
      ...(cancelledBy ? { cancelledBy } : {}),
      ...(measuredSec !== undefined ? { measuredSec } : {}),
    });
    writeFileAtomic(jobResultPath(spec), JSON.stringify(m, null, 2), { durable: false });
    return m;
  }

  #resolve(t: Tracked, m: ResultManifest): void {
    if (!this.#tracked.has(t.id)) return;
    this.#tracked.delete(t.id);
    t.detach();
    t.resolve(m);
  }

  /**
   * Forward the lines the runner appended to the job's runner.log (on the shared file system) since
   * this submission or re-attach began to the context's log. The batch job's stdout (slurm-ID.out)
   * holds only what the runner process printed itself and stays among the result's logs.
   */
  #pumpLog(t: Tracked): void {
    if (!t.ctx.onLog) return;
    const file = jobLogPath(t.spec);
    if (!existsSync(file)) return;
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
      const size = fstatSync(fd).size;
      if (size <= t.logOffset) return;
      const buf = Buffer.alloc(Math.min(size - t.logOffset, 1 << 20));
      const n = readSync(fd, buf, 0, buf.length, t.logOffset);
      const text = buf.subarray(0, n).toString('utf8');
      const end = text.lastIndexOf('\n');
      if (end < 0) return;
      t.logOffset += Buffer.byteLength(text.slice(0, end + 1));
      for (const line of text.slice(0, end).split('\n')) t.ctx.onLog(line);
    } catch {
      /* logs are best effort */
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

const fileSize = (file: string): number => (existsSync(file) ? statSync(file).size : 0);
