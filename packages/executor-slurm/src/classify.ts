import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { JobError, JobSpec, ResultManifest } from '@lamdagent/core';
import { failedManifest, jobLogPath, jobResultPath, readResultManifest, tailFile } from '@lamdagent/core/kit';
import { z } from 'zod';
import { JOB_FILES, slurmLogPaths } from './sbatch.js';
import type { SlurmJobInfo } from './parse.js';

/** What the batch script writes when its command ends (see BATCH_SCRIPT). */
export const BatchStatusSchema = z.object({
  state: z.enum(['exited', 'terminated']),
  exitCode: z.number().int(),
  signal: z.string().default(''),
});
export type BatchStatus = z.infer<typeof BatchStatusSchema>;

/** The batch script's status file, when present and well-formed. */
export function readBatchStatus(jobDir: string): BatchStatus | undefined {
  const file = path.join(jobDir, JOB_FILES.status);
  if (!existsSync(file)) return undefined;
  try {
    const res = BatchStatusSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return res.success ? res.data : undefined;
  } catch {
    return undefined;
  }
}

/** Why the executor itself cancelled a job, if it did. */
export type CancelReason = 'cancelled' | 'timeout';

export interface EndFacts {
  spec: JobSpec;
  slurmJobId: string;
  /** Final Slurm record (scontrol or sacct); undefined when Slurm no longer knows the job. */
  info?: SlurmJobInfo;
  cancelledBy?: CancelReason;
  /** Seconds measured by the executor since it saw the job start (fallback for the wall time). */
  measuredSec?: number;
}

/** Log files of a job that exist: the runner's log, then the batch job's stdout and stderr. */
export function jobLogs(spec: JobSpec, slurmJobId: string): string[] {
  const { out, err } = slurmLogPaths(spec.jobDir, slurmJobId);
  return [jobLogPath(spec), out, err].filter((f) => existsSync(f));
}

/** The last lines of the job's logs: stderr of the batch job first (crashes), else its stdout, else the runner log. */
export function logExcerpt(spec: JobSpec, slurmJobId: string, max = 1500): string {
  const { out, err } = slurmLogPaths(spec.jobDir, slurmJobId);
  for (const f of [err, out, jobLogPath(spec)]) {
    const t = tailFile(f, max);
    if (t && t.trim() !== '') return t;
  }
  return '';
}

/** Read and validate the result manifest the runner wrote (`result.json` in the job folder). */
export const readRunnerResult = readResultManifest;

const signalName = (n: number): string => ({ 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM' })[n] ?? `signal ${n}`;

/**
 * Classify how a Slurm job ended into a result manifest: completed; failed with the runner's error or
 * the exit code; cancelled (by the study or from outside); timed out (Slurm's limit or the executor's);
 * node failure; out of memory; preempted; lost (Slurm forgot the job and it left no trace).
 */
export function classifyEnd(f: EndFacts): ResultManifest {
  const { spec, slurmJobId: id, info } = f;
  const status = readBatchStatus(spec.jobDir);
  const runner = readRunnerResult(spec);
  // Slurm's elapsed time has whole-second resolution (0 for a sub-second job); the runner measures its own.
  const known = [info?.elapsedSec, runner.ok ? runner.manifest.resources.wallSec : undefined].filter((x): x is number => x !== undefined);
  const wallSec = known.length ? Math.max(...known) : (f.measuredSec ?? 0);
  const resources = {
    wallSec,
    gpus: spec.resources.gpus,
    gpuHours: (spec.resources.gpus * wallSec) / 3600,
    ...(runner.ok && runner.manifest.resources.cpuSec !== undefined ? { cpuSec: runner.manifest.resources.cpuSec } : {}),
  };
  const logs = [...new Set([...(runner.ok ? runner.manifest.logs : []), ...jobLogs(spec, id)])];
  const failed = (status: 'failed' | 'cancelled' | 'timeout', type: string, message: string, extra: Partial<JobError> = {}): ResultManifest =>
    failedManifest(spec, {
      status,
      resources,
      logs,
      metrics: runner.ok ? runner.manifest.metrics : {},
      error: { type, message, logExcerpt: logExcerpt(spec, id), ...extra },
    });
  const where = `Slurm job ${id}${info?.nodes ? ` on ${info.nodes}` : ''}`;
  const limit = spec.resources.timeLimitSec;

  if (f.cancelledBy === 'cancelled') return failed('cancelled', 'Cancelled', `cancelled by the study (scancel ${id})`);
  if (f.cancelledBy === 'timeout')
    return failed('timeout', 'Timeout', `exceeded its time limit of ${limit} s; the executor cancelled ${where} after ${Math.round(wallSec)} s`);
  const state = info?.state;
  switch (state) {
    case 'TIMEOUT':
      return failed('timeout', 'Timeout', `${where} reached its Slurm time limit${limit ? ` (${limit} s requested, whole minutes in Slurm)` : ''}`);
    case 'DEADLINE':
      return failed('timeout', 'Timeout', `${where} reached its deadline`);
    case 'CANCELLED':
      return failed('cancelled', 'Cancelled', `${where} was cancelled outside the study (scancel by a person, an administrator or a policy)`);
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
      return failed('failed', 'NodeFail', `${where} ended with ${state}: its node failed`);
    case 'OUT_OF_MEMORY':
      return failed('failed', 'OutOfMemory', `${where} ran out of memory${spec.resources.memoryMb ? ` (--mem=${spec.resources.memoryMb}M)` : ''}`);
    case 'PREEMPTED':
      return failed('failed', 'Preempted', `${where} was preempted`);
    default:
      break;
  }
  // COMPLETED, FAILED, SPECIAL_EXIT, ... or unknown to Slurm: the exit code and the runner's result decide.
  const exitCode = info?.exitCode ?? status?.exitCode;
  const exitSignal = info?.exitSignal;
  if (!info && status?.state === 'terminated') {
    return failed(
      'cancelled',
      'Terminated',
      `${where} was terminated by ${status.signal || 'a signal'} (cancelled, timed out or preempted) while no study watched it, and Slurm no longer knows which`,
      { exitCode: status.exitCode },
    );
  }
  if (!info && !status) {
    if (runner.ok) return { ...runner.manifest, resources, logs };
    return failed('failed', 'Lost', `${where} is unknown to Slurm (squeue, scontrol, sacct) and left no exit status in ${spec.jobDir}: ${runner.message}`);
  }
  if (exitSignal !== undefined && !runner.ok)
    return failed('failed', 'Signal', `${where}: the batch script was killed by ${signalName(exitSignal)}`, { signal: signalName(exitSignal) });
  if (exitCode !== undefined && exitCode > 128 && exitCode < 160 && !runner.ok) {
    // The shell reports a command killed by signal n as exit status 128 + n.
    const sig = signalName(exitCode - 128);
    return failed('failed', 'Signal', `${where}: the runner process was killed by ${sig}${sig === 'SIGKILL' ? ' (out of memory?)' : ''} without a result`, {
      exitCode,
      signal: sig,
    });
  }
  if (!runner.ok) {
    if (runner.missing) {
      return exitCode === 0
        ? failed('failed', 'BadResult', `${where}: the runner exited 0 but wrote no ${jobResultPath(spec)}`, { exitCode: 0 })
        : failed(
            'failed',
            'ExitCode',
            `${where}: the runner exited with code ${exitCode ?? 'unknown'} without a result`,
            exitCode !== undefined ? { exitCode } : {},
          );
    }
    return failed('failed', 'BadResult', runner.message, exitCode !== undefined ? { exitCode } : {});
  }
  if (exitCode !== undefined && exitCode !== 0 && runner.manifest.status === 'completed') {
    return failed('failed', 'ExitCode', `${where}: the runner reported completion but exited with code ${exitCode}`, { exitCode });
  }
  if (state === 'COMPLETED' && runner.manifest.status !== 'completed' && !runner.manifest.error) {
    return failed('failed', 'BadResult', `${jobResultPath(spec)}: status ${runner.manifest.status} without an error`);
  }
  return { ...runner.manifest, resources, logs };
}
