import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Action } from './action-type.js';
import type { TaskResult } from './evaluator.js';
import type { JobError } from './jobs.js';
import type { PoolObject } from './objects.js';
import type { ObjectPool } from './pool.js';
import type { ActionSpace } from './space.js';
import type { JournalRecordOf } from './journal-records.js';
import type { TranscriptEntry } from './policy.js';
import type { ActionRef, EvaluationUsage, PartialEvaluation, PolicyNote, TrialRecord } from './trial.js';
import { redactSecrets } from './kit/redact.js';
import { writeFileAtomic } from './kit/fs.js';
import { STUDY_FILES } from './study-folder.js';
import { trialJobId } from './trial-job.js';

/** A trial handed out by `Study.ask()`: run its action (or let `optimize` do it), then `tell` the outcome. */
export interface Trial {
  readonly index: number;
  readonly action: Action;
  readonly ref: ActionRef;
  readonly note: PolicyNote;
  readonly startedAt: string;
  /** Seconds the policy took to choose. */
  readonly selectSec?: number;
  /**
   * Set when the action needs no run: the trial that already executed it (its record) or is executing it
   * now (its record when it ends). `tell(trial)` without an outcome records the reuse.
   */
  readonly reuses?: { from: number; record: Promise<TrialRecord>; running: boolean };
  /** A job an earlier process started for this trial (resume after a crash). */
  readonly reattach?: { jobId: string; externalId?: string };
}

/** What running a trial's action gave: the outcome `tell` records. */
export interface TrialOutcome {
  state: 'complete' | 'failed';
  /** Folder of the produced model (complete trials). */
  artifact?: string;
  /** Validation scores per task (complete trials); the reward is aggregated from them unless given. */
  results?: TaskResult[];
  reward?: number;
  error?: JobError;
  /** Seconds per stage (smoke, execute, evaluate). */
  durations?: Record<string, number>;
  metrics?: Record<string, number>;
  resources?: { gpuHours: number; wallSec: number };
  /** Served by the shared action cache: its key and the study and trial that ran the action. */
  cache?: { key: string; study: string; trial: number };
  /** Early stopping was configured but cannot be sound for the aggregator: scored in full, and why. */
  earlyStopFallback?: string;
}

export function actionRef(a: Action): ActionRef {
  return { name: a.name, type: a.type, key: a.key, inputs: a.inputs.map((o) => ({ id: o.id, name: o.name, kind: o.kind })), params: a.params };
}

/** The pool object of a model an action produced (trial `index` in a study, or a job's output folder). */
export function producedModel(o: {
  id: string;
  name: string;
  kind: string;
  path: string;
  action: { key: string; name: string; inputs: readonly { id: string }[] };
  trial?: number;
}): PoolObject {
  return {
    id: o.id,
    kind: o.kind,
    type: 'model',
    name: o.name,
    value: o.path,
    digest: `a:${o.action.key}`,
    ...(o.trial !== undefined
      ? { provenance: { trial: o.trial, actionKey: o.action.key, action: o.action.name, inputs: o.action.inputs.map((i) => i.id) } }
      : {}),
  };
}

/** Id and name of the model trial `index` produces: `t<index>`, and `0--<index>--0` as in the paper. */
const modelIdName = (index: number): { id: string; name: string } => ({ id: `t${index}`, name: `0--${index}--0` });

/** The model trial `index` produced at `path`, as evaluators see it and as it joins the pool. */
export function trialModelObject(index: number, kind: string, path: string, action: ActionRef | Action): PoolObject {
  return producedModel({ ...modelIdName(index), kind, path, action, trial: index });
}

/** The model a finished trial produced, as it joins the pool (undefined unless complete). */
export function trialModel(t: TrialRecord, kind: string): PoolObject | undefined {
  if (t.state !== 'complete' || !t.produced) return undefined;
  return producedModel({ id: t.produced.id, name: t.produced.name, kind, path: t.produced.path, action: t.action, trial: t.index });
}

type Base = Omit<TrialRecord, 'state'>;

function base(t: Trial): Base {
  return { index: t.index, action: t.ref, startedAt: t.startedAt, policy: t.note, scores: {}, durations: {}, metrics: {} };
}

/** The record of a trial that repeats an executed action: cached (its model and scores) or failed again. */
export function reuseRecord(t: Trial, hit: TrialRecord, endedAt: string, running: boolean): TrialRecord {
  if (hit.state === 'complete' || hit.state === 'cached') {
    return {
      ...base(t),
      state: 'cached',
      endedAt,
      cachedFrom: hit.cachedFrom ?? hit.index,
      scores: hit.scores,
      ...(hit.intervals ? { intervals: hit.intervals } : {}),
      ...(hit.partial ? { partial: hit.partial } : {}),
      ...(hit.produced ? { produced: hit.produced } : {}),
      ...(hit.reward !== undefined ? { reward: hit.reward } : {}),
    };
  }
  const from = hit.cachedFrom ?? hit.index;
  const error = hit.error && (running ? hit.error : { ...hit.error, message: `same action failed in trial ${from}: ${hit.error.message}` });
  return { ...base(t), state: 'failed', endedAt, cachedFrom: from, ...(error ? { error } : {}) };
}

/** What a trial-end or initial record keeps of task results besides the scores: intervals, the judge's tokens, a partial evaluation. */
export function evaluationFacts(results: readonly TaskResult[]): {
  intervals?: Record<string, { lo: number; hi: number }>;
  evaluationUsage?: EvaluationUsage[];
  partial?: PartialEvaluation;
} {
  const p = results.find((r) => r.partial)?.partial;
  const partial: PartialEvaluation | undefined = p && {
    ...p,
    items: Object.fromEntries(results.map((r) => [r.task, { n: r.n ?? 0, total: r.total ?? r.n ?? 0 }])),
  };
  const intervals = results.filter((r) => r.interval).map((r) => [r.task, { lo: r.interval!.lo, hi: r.interval!.hi }] as const);
  const usage: EvaluationUsage[] = results.flatMap((r) =>
    r.usage
      ? [
          {
            task: r.task,
            ...(r.usage.model !== undefined ? { model: r.usage.model } : {}),
            inputTokens: r.usage.inputTokens,
            outputTokens: r.usage.outputTokens,
            ...(r.usage.requests !== undefined ? { requests: r.usage.requests } : {}),
            costUsd: r.usage.costUsd ?? 0,
          },
        ]
      : [],
  );
  return {
    ...(intervals.length > 0 ? { intervals: Object.fromEntries(intervals) } : {}),
    ...(usage.length > 0 ? { evaluationUsage: usage } : {}),
    ...(partial ? { partial } : {}),
  };
}

/** The record of a trial from its outcome; `reward` folds the scores when the outcome has none. */
export function outcomeRecord(t: Trial, o: TrialOutcome, endedAt: string, reward: (r: TaskResult[]) => number): TrialRecord {
  const durations = { ...(t.selectSec !== undefined ? { select: t.selectSec } : {}), ...o.durations };
  const common = { ...base(t), endedAt, durations, metrics: o.metrics ?? {} };
  if (o.state === 'failed') return { ...common, state: 'failed', error: o.error ?? { type: 'Failed', message: 'the trial failed' } };
  if (!o.artifact || !o.results) throw new Error(`trial ${t.index}: a complete outcome needs artifact and results`);
  const { intervals, evaluationUsage: usage, partial } = evaluationFacts(o.results);
  return {
    ...common,
    state: 'complete',
    produced: { ...modelIdName(t.index), path: o.artifact },
    scores: Object.fromEntries(o.results.map((r) => [r.task, r.score])),
    ...(intervals ? { intervals } : {}),
    ...(usage ? { evaluationUsage: usage } : {}),
    ...(partial ? { partial } : {}),
    reward: o.reward ?? reward(o.results),
    ...(o.resources ? { resources: o.resources } : {}),
    ...(o.cache ? { cache: o.cache } : {}),
    ...(o.earlyStopFallback ? { earlyStop: { fallback: o.earlyStopFallback } } : {}),
  };
}

/** Write a policy transcript beside the trial's job (secrets redacted); returns its path in the study. */
export function writeTranscript(
  dir: string,
  index: number,
  step: string,
  entries: TranscriptEntry[],
  env: Readonly<Record<string, string | undefined>>,
): string {
  const jobDir = path.join(dir, STUDY_FILES.jobs, trialJobId(index));
  mkdirSync(jobDir, { recursive: true });
  const file = path.join(jobDir, `transcript-${step}.json`);
  writeFileAtomic(file, redactSecrets(JSON.stringify(entries, null, 2), env));
  return path.relative(dir, file);
}

/** The action a journaled trial ran, rebuilt from the pool (undefined when its binding or an input is gone). */
export function rebuildAction(space: ActionSpace, pool: ObjectPool, ref: ActionRef): Action | undefined {
  const b = space.bindings.findIndex((x) => x.name === ref.name);
  const inputs = ref.inputs.map((i) => pool.get(i.id));
  if (b < 0 || inputs.some((o) => o === undefined)) return undefined;
  try {
    return space.make(b, inputs as PoolObject[]);
  } catch {
    return undefined;
  }
}

/** A trial a crash interrupted whose action cannot run again (its inputs left the pool). */
export function interruptedRecord(r: JournalRecordOf<'trial-start'>, note: PolicyNote, endedAt: string): TrialRecord {
  const error = { type: 'Interrupted', message: 'the study stopped while this trial ran, and its inputs are no longer in the pool' };
  return { index: r.index, state: 'failed', action: r.action, startedAt: r.startedAt, endedAt, scores: {}, durations: {}, metrics: {}, error, policy: note };
}
