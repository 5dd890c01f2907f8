/**
 * Submission: the job folder made ready (the spec and the fixed batch script written, stale files of
 * an earlier attempt removed, an earlier Slurm job of the same folder that still runs cancelled),
 * `sbatch`, and the record of which Slurm job runs the spec (read back on re-attach). A job that was
 * never submitted gets its manifest here too.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { JobSpec, ResultManifest } from '@lamdagent/core';
import { failedManifest, jobResultPath, runnerBinPath, writeFileAtomic } from '@lamdagent/core/kit';
import { z } from 'zod';
import type { SlurmOptions } from './options.js';
import { isTerminal } from './parse.js';
import { BATCH_SCRIPT, JOB_FILES, sbatchArgs, slurmJobName } from './sbatch.js';
import type { SlurmCli } from './slurm-cli.js';

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

/** Whether two paths name the same folder (a Slurm job's working directory and a job folder). */
export const sameDir = (a: string, b: string): boolean => path.resolve(a) === path.resolve(b);

/** Submits `spec` as a batch job (environment passed through from `env`); returns its Slurm job id. */
export async function submitBatchJob(spec: JobSpec, options: SlurmOptions, cli: SlurmCli, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  mkdirSync(spec.jobDir, { recursive: true });
  mkdirSync(spec.outputDir, { recursive: true });
  const specFile = path.join(spec.jobDir, JOB_FILES.spec);
  const scriptFile = path.join(spec.jobDir, JOB_FILES.script);
  const statusFile = path.join(spec.jobDir, JOB_FILES.status);
  await cancelEarlierAttempt(spec, cli);
  // Stale files of an earlier attempt would be mistaken for this one's outcome.
  for (const f of [statusFile, jobResultPath(spec), path.join(spec.jobDir, JOB_FILES.submission)]) rmSync(f, { force: true });
  writeFileAtomic(specFile, JSON.stringify(spec, null, 2));
  writeFileAtomic(scriptFile, BATCH_SCRIPT);
  chmodSync(scriptFile, 0o755);
  const node = options.nodePath ?? process.execPath;
  const runnerBin = options.lamdagentRunner ?? runnerBinPath();
  const args = sbatchArgs(spec, options, { node, nodeArgs: options.nodeArgs, runnerBin, specFile, scriptFile, statusFile }, env);
  const processEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) processEnv[k] = v;
  const id = await cli.submit(args, { cwd: spec.jobDir, env: processEnv });
  const sub: Submission = {
    slurmJobId: id,
    jobId: spec.jobId,
    jobName: slurmJobName(spec, options.jobNamePrefix),
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
async function cancelEarlierAttempt(spec: JobSpec, cli: SlurmCli): Promise<void> {
  const old = readSubmission(spec.jobDir);
  if (!old) return;
  try {
    const info = await cli.show(old.slurmJobId);
    if (info && !isTerminal(info.state) && (!info.workDir || sameDir(info.workDir, spec.jobDir))) await cli.cancel(old.slurmJobId);
  } catch {
    /* best effort: Slurm may not answer; the new job is submitted either way */
  }
}

/** The manifest of a job that never reached Slurm (cancelled while waiting for a slot, or refused by sbatch), written if possible. */
export function notSubmitted(spec: JobSpec, status: 'cancelled' | 'failed', type: string, message: string): ResultManifest {
  const m = failedManifest(spec, { status, resources: { wallSec: 0, gpus: spec.resources.gpus, gpuHours: 0 }, logs: [], error: { type, message } });
  try {
    mkdirSync(spec.jobDir, { recursive: true });
    writeFileAtomic(jobResultPath(spec), JSON.stringify(m, null, 2), { durable: false });
  } catch {
    /* the manifest is returned either way */
  }
  return m;
}
