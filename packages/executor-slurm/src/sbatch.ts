import path from 'node:path';
import type { JobSpec } from '@lamdagent/core';
import { BASE_ENV, type SlurmOptions } from './options.js';
import { formatTimeLimit } from './parse.js';

/** Files the executor keeps in a job's folder (the job spec's `jobDir`, on the shared file system). */
export const JOB_FILES = {
  spec: 'spec.json',
  script: 'lamdagent-job.sh',
  /** How the batch script's command ended (written by the script): survives Slurm forgetting the job. */
  status: 'slurm-status.json',
  /** Which Slurm job runs this job spec (written at submission; checked on re-attach). */
  submission: 'slurm-job.json',
  /** stdout and stderr of the batch job (`%j` is the Slurm job id). */
  out: 'slurm-%j.out',
  err: 'slurm-%j.err',
} as const;

export function slurmLogPaths(jobDir: string, slurmJobId: string): { out: string; err: string } {
  return { out: path.join(jobDir, JOB_FILES.out.replace('%j', slurmJobId)), err: path.join(jobDir, JOB_FILES.err.replace('%j', slurmJobId)) };
}

/**
 * The batch script: the same text for every job. It holds no data; paths and the command arrive as
 * arguments (`sbatch ... SCRIPT STATUS_FILE PROGRAM ARGS...`), which sbatch passes to it verbatim, and
 * `"$@"` runs them without word splitting or evaluation. It records how the command ended in
 * STATUS_FILE, so the outcome is known even after slurmctld has forgotten the job.
 */
export const BATCH_SCRIPT = `#!/bin/sh
# Written by @lamdagent/executor-slurm. The same text for every job: no data is interpolated here.
# Usage: sbatch [options] lamdagent-job.sh STATUS_FILE PROGRAM [ARGS...]
status_file=$1
shift
terminated=
trap 'terminated=TERM' TERM
trap 'terminated=INT' INT
"$@"
code=$?
if [ -n "$terminated" ]; then state=terminated; else state=exited; fi
tmp="$status_file.tmp.$$"
printf '{"state":"%s","exitCode":%d,"signal":"%s"}\\n' "$state" "$code" "$terminated" > "$tmp" && mv -f "$tmp" "$status_file"
exit "$code"
`;

/** Slurm job name for a job spec: prefix, job id and action, restricted to a safe alphabet. */
export function slurmJobName(spec: JobSpec, prefix: string): string {
  const raw = [prefix, spec.jobId, spec.action].filter((s) => s !== '').join('-');
  return raw.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100);
}

/** Names of the environment variables a job receives (`--export=` list), or ALL. */
export function exportList(o: SlurmOptions, env: Readonly<Record<string, string | undefined>>): string {
  if (o.exportAll) return 'ALL';
  const names = [...new Set([...BASE_ENV, ...o.env])].filter((n) => env[n] !== undefined);
  return names.length ? names.join(',') : 'NONE';
}

export interface SbatchCommand {
  /** Paths of the node binary, its arguments and the lamdagent-runner script. */
  node: string;
  nodeArgs: readonly string[];
  runnerBin: string;
  specFile: string;
  scriptFile: string;
  statusFile: string;
}

/**
 * The sbatch arguments for one job (argv elements, never a shell string): resources from the job
 * spec, cluster options, logs and working directory in the job folder, then the script and its arguments.
 */
export function sbatchArgs(spec: JobSpec, o: SlurmOptions, cmd: SbatchCommand, env: Readonly<Record<string, string | undefined>>): string[] {
  const r = spec.resources;
  const args: string[] = [
    `--job-name=${slurmJobName(spec, o.jobNamePrefix)}`,
    `--chdir=${spec.jobDir}`,
    `--output=${JOB_FILES.out}`,
    `--error=${JOB_FILES.err}`,
    `--export=${exportList(o, env)}`,
    '--nodes=1',
    '--ntasks=1',
    `--cpus-per-task=${r.cpus}`,
  ];
  if (o.partition) args.push(`--partition=${o.partition}`);
  if (o.account) args.push(`--account=${o.account}`);
  if (o.qos) args.push(`--qos=${o.qos}`);
  if (r.gpus > 0) args.push(`--gres=gpu:${o.gpuType ? `${o.gpuType}:` : ''}${r.gpus}`);
  if (r.memoryMb) args.push(`--mem=${r.memoryMb}M`);
  const limit = r.timeLimitSec ?? o.defaultTimeLimitSec;
  if (limit) args.push(`--time=${formatTimeLimit(limit)}`);
  args.push(...o.extraDirectives);
  args.push(cmd.scriptFile, cmd.statusFile, cmd.node, ...cmd.nodeArgs, cmd.runnerBin, cmd.specFile);
  return args;
}
