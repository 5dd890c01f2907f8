import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Assembly } from './assemble.js';
import type { TaskResult, TaskSpec } from './evaluator.js';
import type { ExecutorContext } from './executor.js';
import type { EarlyStopSpec, JobError, JobSpec, ResultManifest } from './jobs.js';
import { scoreOnValidation } from './job-evaluate.js';
import { fsyncDir } from './kit/fs.js';
import type { Registry } from './registry.js';
import type { StudyServices } from './study-services.js';
import { buildJobSpec } from './trial-job.js';
import type { SmokeSpec } from './action-type.js';
import { trialModelObject, type Trial, type TrialOutcome } from './trial-record.js';

/** What the execute stage needs from its study. */
export interface ExecuteContext {
  dir: string;
  assembly: Assembly;
  registry: Registry;
  pluginEntries: string[];
  services: StudyServices;
  signal: AbortSignal;
  onProgress(update: { message?: string; fraction?: number }): void;
  /** The job's seed instead of the per-trial one (the shared action cache seeds by action key). */
  jobSeed?: number;
  /** Early stopping of the evaluation (config `earlyStop` with the threshold now), when the study has a top-k yet. */
  earlyStop?: EarlyStopSpec;
}

/**
 * The execute stage of one trial, as named steps: reattach (after a crash) or smoke, then run, commit,
 * evaluate, reward. Never throws for a failed job: a failure is an outcome with its cause.
 */
export async function executeTrial(x: ExecuteContext, trial: Trial): Promise<TrialOutcome> {
  const durations: Record<string, number> = {};
  const job = prepare(x, trial);
  let manifest = await reattach(x, job, trial);
  if (!manifest) {
    const smokeFailure = await smoke(x, job, durations);
    if (smokeFailure) return { state: 'failed', error: smokeFailure, durations };
    manifest = await run(x, job, trial, durations);
  }
  const fail = (error: JobError): TrialOutcome => ({ state: 'failed', error, durations, metrics: manifest.metrics });
  if (manifest.status !== 'completed') return fail(manifest.error ?? { type: manifest.status, message: `job ${manifest.status}` });
  const artifact = commit(job.spec);
  if (!artifact) return fail({ type: 'BadResult', message: `job completed but its output folder ${job.spec.outputDir} is missing` });
  let results: TaskResult[];
  try {
    results = await evaluate(x, job, manifest, artifact, durations);
  } catch (e) {
    return fail({ type: 'EvaluationError', message: (e as Error).message });
  }
  const resources = { gpuHours: manifest.resources.gpuHours, wallSec: manifest.resources.wallSec };
  return {
    state: 'complete',
    artifact,
    results,
    reward: reward(x, results),
    durations,
    metrics: manifest.metrics,
    resources,
    ...(x.earlyStop?.fallback ? { earlyStopFallback: x.earlyStop.fallback } : {}),
  };
}

interface Job {
  trial: Trial;
  spec: JobSpec;
  kind: string;
  ectx: ExecutorContext;
  smoke?: SmokeSpec;
}

const secs = (ms: number): number => Math.round(ms / 10) / 100;

/** The job spec of the trial and the executor context its job runs with. */
function prepare(x: ExecuteContext, trial: Trial): Job {
  const binding = x.assembly.bindings.find((b) => b.name === trial.action.name);
  if (!binding) throw new Error(`trial ${trial.index}: no action binding "${trial.action.name}"`);
  const spec = buildJobSpec(x.dir, x.assembly, x.registry, x.pluginEntries, trial.index, trial.action);
  if (x.jobSeed !== undefined) spec.seed = x.jobSeed;
  if (x.earlyStop && spec.evaluation) spec.evaluation.earlyStop = x.earlyStop;
  mkdirSync(spec.jobDir, { recursive: true });
  const ectx: ExecutorContext = { signal: x.signal, runner: (n) => x.registry.runner(n), onProgress: x.onProgress };
  return { trial, spec, kind: binding.produces, ectx, ...(binding.definition.smoke ? { smoke: binding.definition.smoke } : {}) };
}

/** Step reattach: a job an earlier process started for this trial, if its executor can still follow it. */
async function reattach(x: ExecuteContext, job: Job, trial: Trial): Promise<ResultManifest | undefined> {
  const { executor } = x.services;
  if (!trial.reattach || !executor.reattach) return undefined;
  // The earlier process may have committed the output (renamed to its final name) and died before the
  // trial's end was journaled: put it back, so the job's result is used instead of running it again.
  const final = path.join(path.dirname(job.spec.outputDir), job.spec.jobId);
  if (!existsSync(job.spec.outputDir) && existsSync(final)) renameSync(final, job.spec.outputDir);
  return executor.reattach(job.spec, trial.reattach, job.ectx);
}

/** Step smoke: with `failFast`, a short run of the action (its type's smoke params) before the full job. */
async function smoke(x: ExecuteContext, job: Job, durations: Record<string, number>): Promise<JobError | undefined> {
  rmSync(job.spec.outputDir, { recursive: true, force: true });
  if (!x.assembly.loaded.config.failFast || !job.smoke) return undefined;
  const { executor, clock } = x.services;
  const t0 = clock.monotonicMs();
  const s = job.spec;
  const sspec: JobSpec = {
    ...s,
    jobId: `${s.jobId}-smoke`,
    outputDir: `${s.outputDir}-smoke`,
    jobDir: path.join(s.jobDir, 'smoke'),
    params: { ...s.params, ...job.smoke.params },
    smoke: true,
  };
  const m = await executor.submit(sspec, job.ectx);
  rmSync(sspec.outputDir, { recursive: true, force: true });
  durations['smoke'] = secs(clock.monotonicMs() - t0);
  if (m.status === 'completed') return undefined;
  const e = m.error ?? { type: 'Unknown', message: m.status };
  return { ...e, type: `SmokeFailed:${e.type}`, message: `smoke run failed in ${durations['smoke']} s: ${e.message}` };
}

/** Step run: submit the job; a job with an external id (a pid, a Slurm job) is journaled so a resume can re-attach. */
async function run(x: ExecuteContext, job: Job, trial: Trial, durations: Record<string, number>): Promise<ResultManifest> {
  const { executor, store, clock } = x.services;
  const t0 = clock.monotonicMs();
  const m = await executor.submit(job.spec, job.ectx, (h) => {
    if (h.externalId) store.append({ kind: 'job', index: trial.index, jobId: h.jobId, executor: executor.name, externalId: h.externalId });
  });
  // Seconds the job spent evaluating are reported as the evaluate stage, not as execution.
  durations['execute'] = Math.max(0, secs(clock.monotonicMs() - t0 - (m.stages?.['evaluate'] ?? 0) * 1000));
  return m;
}

/** Step commit: move the job's output folder to its final artifact path (atomic rename, folder fsync'd). */
function commit(spec: JobSpec): string | undefined {
  if (!existsSync(spec.outputDir)) return undefined;
  const artifacts = path.dirname(spec.outputDir);
  const final = path.join(artifacts, spec.jobId);
  if (existsSync(final)) rmSync(final, { recursive: true, force: true });
  renameSync(spec.outputDir, final);
  fsyncDir(artifacts);
  return final;
}

/** Step evaluate: the job's own validation scores (`evaluateIn: job`), else every task's evaluator here. */
async function evaluate(x: ExecuteContext, job: Job, m: ResultManifest, artifact: string, durations: Record<string, number>): Promise<TaskResult[]> {
  const tasks = x.assembly.tasks;
  const inJob = jobResults(m, tasks);
  if (inJob) {
    durations['evaluate'] = Math.round((m.stages?.['evaluate'] ?? 0) * 100) / 100;
    return inJob;
  }
  const { evaluators, clock } = x.services;
  const t0 = clock.monotonicMs();
  const model = trialModelObject(job.trial.index, job.kind, artifact, job.trial.action);
  try {
    return await scoreOnValidation(evaluators, model, tasks, {
      signal: x.signal,
      jobDir: job.spec.jobDir,
      seed: job.spec.seed,
      log: () => undefined,
      ...(x.earlyStop ? { earlyStop: x.earlyStop } : {}),
      aggregator: x.services.aggregator,
    });
  } finally {
    durations['evaluate'] = secs(clock.monotonicMs() - t0);
  }
}

/** Step reward: fold the per-task scores into one number (the aggregator, e.g. the paper's eq. 3). */
function reward(x: ExecuteContext, results: TaskResult[]): number {
  return x.services.aggregator.aggregate(results, x.assembly.tasks);
}

/** The job's own validation scores, when it evaluated every task in the job (`evaluateIn: job`). */
function jobResults(manifest: ResultManifest, tasks: readonly TaskSpec[]): TaskResult[] | undefined {
  const ev = manifest.evaluations;
  if (!ev) return undefined;
  const out: TaskResult[] = [];
  for (const t of tasks) {
    const r = ev.find((e) => e.task === t.name && e.split === 'validation');
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}
