/**
 * Following jobs in Slurm: one `squeue` per poll for all followed jobs, progress on each state change,
 * `scancel` on abort or past the time limit (sent again when it failed), the final record from
 * `scontrol` (or `sacct`) once a job leaves the queue, and its end classified into the result
 * manifest. A Slurm that does not answer for `unreachableTimeoutSec` fails the jobs it holds.
 */
import type { ExecutorContext, JobSpec, ResultManifest } from '@lamdagent/core';
import { failedManifest, jobResultPath, writeFileAtomic } from '@lamdagent/core/kit';
import { classifyEnd, jobLogs, logExcerpt, type CancelReason } from './classify.js';
import type { SlurmOptions } from './options.js';
import { isTerminal, type SlurmJobInfo } from './parse.js';
import { forwardRunnerLog, runnerLogSize } from './runner-log.js';
import type { SlurmCli } from './slurm-cli.js';

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

/** Classify how the job ended and write its result manifest. */
export function finishJob(
  spec: JobSpec,
  id: string,
  info: SlurmJobInfo | undefined,
  cancelledBy: CancelReason | undefined,
  measuredSec?: number,
): ResultManifest {
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

/** The poller of one executor: the jobs it follows, one timer for all of them. */
export class SlurmPoller {
  readonly #cli: SlurmCli;
  readonly #options: SlurmOptions;
  readonly #tracked = new Map<string, Tracked>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #closed = false;
  #unreachableSince: number | undefined;

  constructor(cli: SlurmCli, options: SlurmOptions) {
    this.#cli = cli;
    this.#options = options;
  }

  /** Follow Slurm job `id` running `spec` until it ends; resolves with its result manifest. */
  follow(id: string, spec: JobSpec, ctx: ExecutorContext): Promise<ResultManifest> {
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
        logOffset: runnerLogSize(spec),
        finalizing: false,
        detach: () => ctx.signal.removeEventListener('abort', onAbort),
      };
      this.#tracked.set(id, t);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      if (ctx.signal.aborted) onAbort();
      this.#schedule(0);
    });
  }

  /** Stop polling and forget the jobs (they keep running in Slurm). */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const t of this.#tracked.values()) t.detach();
    this.#tracked.clear();
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
      this.#schedule(this.#options.pollIntervalMs);
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
      if (downSec >= this.#options.unreachableTimeoutSec) {
        for (const t of jobs) {
          const m = failedManifest(t.spec, {
            status: 'failed',
            resources: { wallSec: 0, gpus: t.spec.resources.gpus, gpuHours: 0 },
            logs: jobLogs(t.spec, t.id),
            error: {
              type: 'SlurmUnreachable',
              message: `Slurm did not answer about job ${t.id} for ${Math.round(downSec)} s (it may still run): ${(e as Error).message}`,
              logExcerpt: logExcerpt(t.spec, t.id),
            },
          });
          writeFileAtomic(jobResultPath(t.spec), JSON.stringify(m, null, 2), { durable: false });
          this.#resolve(t, m);
        }
      }
      return;
    }
    for (const t of jobs) {
      const info = queue.get(t.id);
      forwardRunnerLog(t);
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
    const o = this.#options;
    if (o.enforceTimeLimit && limit !== undefined && info.elapsedSec !== undefined && info.elapsedSec >= limit + o.timeLimitGraceSec) {
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
    forwardRunnerLog(t);
    const measured = t.firstRunningAt !== undefined ? (performance.now() - t.firstRunningAt) / 1000 : undefined;
    this.#resolve(t, finishJob(t.spec, t.id, info, t.cancelledBy, measured));
  }

  #resolve(t: Tracked, m: ResultManifest): void {
    if (!this.#tracked.has(t.id)) return;
    this.#tracked.delete(t.id);
    t.detach();
    t.resolve(m);
  }
}
