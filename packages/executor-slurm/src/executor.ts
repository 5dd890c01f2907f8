import { type Executor, type ExecutorContext, type JobHandle, type JobSpec, type ResultManifest } from '@lamdagent/core';
import { readBatchStatus, readRunnerResult } from './classify.js';
import { JobSlots } from './job-slots.js';
import { parseSlurmOptions, type SlurmOptions, type SlurmOptionsInput } from './options.js';
import { isTerminal, type SlurmJobInfo } from './parse.js';
import { finishJob, SlurmPoller } from './poller.js';
import { slurmJobName } from './sbatch.js';
import { CommandSlurmCli, type SlurmCli } from './slurm-cli.js';
import { notSubmitted, readSubmission, sameDir, submitBatchJob } from './submission.js';

export { SubmissionSchema, readSubmission, type Submission } from './submission.js';

export interface SlurmExecutorDeps {
  /** The Slurm commands (default: the real ones, with argv arrays). */
  cli?: SlurmCli;
  /** Environment jobs take their passed-through variables from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs each job spec as a Slurm batch job: `sbatch` a fixed script that runs `node lamdagent-runner
 * spec.json` in the job folder (shared file system assumed; submission.ts), follow it with one `squeue`
 * per poll for all jobs, details from `scontrol` (and `sacct` when enabled), `scancel` on abort or past
 * the time limit, classify the end into the result manifest (poller.ts), and re-attach to jobs a
 * previous process started.
 */
export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  readonly maxConcurrency?: number;
  readonly options: SlurmOptions;
  readonly #cli: SlurmCli;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #slots: JobSlots;
  readonly #poller: SlurmPoller;

  constructor(options: SlurmOptionsInput | SlurmOptions = {}, deps: SlurmExecutorDeps = {}) {
    this.options = parseSlurmOptions(options);
    if (this.options.maxConcurrency !== undefined) this.maxConcurrency = this.options.maxConcurrency;
    this.#cli = deps.cli ?? new CommandSlurmCli({ ...(this.options.binDir ? { binDir: this.options.binDir } : {}), sacct: this.options.sacct });
    this.#env = deps.env ?? process.env;
    this.#slots = new JobSlots(this.maxConcurrency ?? Infinity);
    this.#poller = new SlurmPoller(this.#cli, this.options);
  }

  async submit(spec: JobSpec, ctx: ExecutorContext, onStarted?: (h: JobHandle) => void): Promise<ResultManifest> {
    const release = await this.#slots.acquire(ctx.signal);
    if (!release) return notSubmitted(spec, 'cancelled', 'Cancelled', 'cancelled before it was submitted');
    let id: string;
    try {
      id = await submitBatchJob(spec, this.options, this.#cli, this.#env);
    } catch (e) {
      release();
      return notSubmitted(spec, 'failed', 'SubmitError', (e as Error).message);
    }
    onStarted?.({ jobId: spec.jobId, externalId: id });
    ctx.onLog?.(`submitted Slurm job ${id} (${slurmJobName(spec, this.options.jobNamePrefix)})`);
    return this.#poller.follow(id, spec, ctx).finally(release);
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
      return again(await this.#poller.follow(id, spec, ctx));
    }
    if (info?.workDir && !sameDir(info.workDir, spec.jobDir)) return undefined; // the id now names another job
    if (!info) {
      // Forgotten by Slurm: the job's own files tell how it ended, if it ended with this submission.
      if (!sub || (!readBatchStatus(spec.jobDir) && !readRunnerResult(spec).ok)) return undefined;
      return again(finishJob(spec, id, undefined, undefined));
    }
    ctx.onLog?.(`re-attached to Slurm job ${id} (${info.state})`);
    if (isTerminal(info.state)) return again(finishJob(spec, id, info, undefined));
    return again(await this.#poller.follow(id, spec, ctx));
  }

  /** Stop watching. Jobs keep running in Slurm; a later process can re-attach to them. */
  async close(): Promise<void> {
    this.#poller.close();
  }
}
