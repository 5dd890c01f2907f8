import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Action } from './action-type.js';
import type { Aggregator } from './aggregator.js';
import type { Assembly } from './assemble.js';
import type { Evaluator, TaskResult, TaskSpec } from './evaluator.js';
import type { Executor, ExecutorContext } from './executor.js';
import { fsyncDir, writeFileAtomic } from './fsutil.js';
import type { JobError, JobSpec, ResultManifest } from './jobs.js';
import { buildJobSpec, trialJobId } from './trial-job.js';
import type { JournalState, JournalWriter } from './journal.js';
import type { PoolObject } from './objects.js';
import type { Policy, PolicyContext, Selection, TranscriptEntry } from './policy.js';
import type { ObjectPool } from './pool.js';
import { redactSecrets } from './redact.js';
import type { Registry } from './registry.js';
import { Rng } from './rng.js';
import type { ActionSpace } from './space.js';
import { STUDY_FILES } from './study-folder.js';
import type { ActionRef, PolicyNote, TrialRecord, Usage } from './trial.js';

/** What a running study reports (the CLI prints it as progress). */
export type StudyEvent =
  | { type: 'start'; dir: string; resumed: boolean; done: number; budget: number; poolSize: number; actions: number }
  | { type: 'trial-start'; index: number; budget: number; action: ActionRef }
  | { type: 'trial-progress'; index: number; message?: string; fraction?: number }
  | { type: 'trial-end'; trial: TrialRecord; best?: TrialRecord }
  | { type: 'stop'; reason: string };

export interface TrialRunnerDeps {
  dir: string;
  assembly: Assembly;
  registry: Registry;
  pool: ObjectPool;
  space: ActionSpace;
  journal: JournalWriter;
  policy: Policy;
  executor: Executor;
  aggregator: Aggregator;
  evaluators: Map<string, Evaluator>;
  pluginEntries: string[];
  onEvent?: (e: StudyEvent) => void;
  signal: AbortSignal;
}

const now = (): string => new Date().toISOString();
const secs = (t0: number): number => Math.round((performance.now() - t0) / 10) / 100;

function actionRef(a: Action): ActionRef {
  return { name: a.name, type: a.type, key: a.key, inputs: a.inputs.map((o) => ({ id: o.id, name: o.name, kind: o.kind })), params: a.params };
}

/** The job's own validation scores, when it evaluated every task in the job (`evaluateIn: job`). */
function jobResults(manifest: ResultManifest, tasks: readonly TaskSpec[]): TaskResult[] | undefined {
  const ev = manifest.evaluations;
  if (!ev) return undefined;
  const out: TaskResult[] = [];
  for (const t of tasks) {
    const r = ev.find((x) => x.task === t.name && x.split === 'validation');
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}

/** The study loop: select, execute, evaluate, journal, observe; several trials at once up to the concurrency. */
export class TrialRunner {
  readonly #d: TrialRunnerDeps;
  readonly #history: TrialRecord[] = [];
  readonly #completed = new Map<string, TrialRecord>();
  readonly #failed = new Map<string, TrialRecord>();
  readonly #running = new Map<string, Promise<TrialRecord>>();
  readonly #pendingActions = new Map<number, Action>();
  #policyLock: Promise<unknown> = Promise.resolve();
  #costUsd = 0;
  #started = performance.now();

  constructor(deps: TrialRunnerDeps) {
    this.#d = deps;
  }

  history(): TrialRecord[] {
    return this.#history;
  }

  #emit(e: StudyEvent): void {
    this.#d.onEvent?.(e);
  }

  #withPolicy<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#policyLock.then(fn, fn);
    this.#policyLock = run.catch(() => undefined);
    return run;
  }

  #best(): TrialRecord | undefined {
    let best: TrialRecord | undefined;
    for (const t of this.#history) if (t.state === 'complete' && t.reward !== undefined && (!best || t.reward > (best.reward as number))) best = t;
    return best;
  }

  #addFinished(t: TrialRecord, produced?: PoolObject): void {
    this.#history.push(t);
    if (t.state === 'complete') this.#completed.set(t.action.key, t);
    if (t.state === 'failed' && t.cachedFrom === undefined) this.#failed.set(t.action.key, t);
    for (const u of t.policy?.usage ?? []) this.#costUsd += u.costUsd;
    if (produced) this.#d.pool.add(produced);
  }

  #producedObject(t: TrialRecord): PoolObject | undefined {
    if (t.state !== 'complete' || !t.produced) return undefined;
    const b = this.#d.assembly.bindings.find((x) => x.name === t.action.name);
    return {
      id: t.produced.id,
      kind: b?.produces ?? 'models',
      type: 'model',
      name: t.produced.name,
      value: t.produced.path,
      digest: `a:${t.action.key}`,
      provenance: { trial: t.index, actionKey: t.action.key, action: t.action.name, inputs: t.action.inputs.map((i) => i.id) },
    };
  }

  #ctx(iteration: number, rng: Rng): PolicyContext {
    return { iteration, space: this.#d.space, pool: this.#d.pool.all(), history: this.#history, pending: [...this.#pendingActions.values()], rng, signal: this.#d.signal };
  }

  #stopReason(launched: number): string | undefined {
    const b = this.#d.assembly.loaded.config.budget;
    if (this.#d.signal.aborted) return 'interrupted';
    if (launched >= b.iterations) return `iteration budget reached (${b.iterations})`;
    if (b.wallTimeSec !== undefined && (performance.now() - this.#started) / 1000 >= b.wallTimeSec) return `wall-time budget reached (${b.wallTimeSec} s)`;
    if (b.costUsd !== undefined && this.#costUsd >= b.costUsd) return `cost budget reached ($${b.costUsd})`;
    const best = this.#best();
    if (b.targetReward !== undefined && best && (best.reward as number) >= b.targetReward) return `target reward ${b.targetReward} reached`;
    return undefined;
  }

  /** Replay the journal, re-run trials a crash interrupted, then run until a stopping criterion is met. */
  async run(state: JournalState): Promise<string> {
    const d = this.#d;
    for (const t of state.trials.values()) this.#addFinished(t, this.#producedObject(t));
    if (state.lastObserve?.state !== undefined) d.policy.restore?.(state.lastObserve.state);
    for (const o of state.observes) for (const u of o.usage) this.#costUsd += u.costUsd;
    const interrupted = [...state.running.values()].sort((a, b) => a.index - b.index);
    if (interrupted.length) d.journal.append({ kind: 'resume', at: now(), rerun: interrupted.map((r) => r.index) });
    let next = Math.max(-1, ...state.trials.keys(), ...state.running.keys()) + 1;
    const budget = d.assembly.loaded.config.budget.iterations;
    this.#emit({ type: 'start', dir: d.dir, resumed: state.header !== undefined, done: state.trials.size, budget, poolSize: d.pool.size, actions: d.space.count() });
    const concurrency = Math.max(1, Math.min(d.assembly.loaded.config.concurrency, d.executor.maxConcurrency ?? Infinity));
    const inflight = new Map<number, Promise<void>>();
    const launch = (index: number, sel: Selection, note: PolicyNote, reattach?: { jobId: string; externalId?: string }): void => {
      this.#pendingActions.set(index, sel.action);
      const p = this.#trial(index, sel.action, note, reattach).finally(() => {
        inflight.delete(index);
        this.#pendingActions.delete(index);
      });
      inflight.set(index, p);
    };
    for (const r of interrupted) {
      const action = this.#rebuild(r.action);
      const note: PolicyNote = r.policy ?? { policy: d.policy.name, usage: [] };
      if (!action) {
        const t: TrialRecord = { index: r.index, state: 'failed', action: r.action, startedAt: r.startedAt, endedAt: now(), scores: {}, durations: {}, metrics: {}, error: { type: 'Interrupted', message: 'the study stopped while this trial ran, and its inputs are no longer in the pool' }, policy: note };
        d.journal.append({ kind: 'trial-end', trial: t });
        this.#addFinished(t);
        continue;
      }
      const job = state.jobs.get(r.index);
      launch(r.index, { action }, note, job ? { jobId: job.jobId, ...(job.externalId ? { externalId: job.externalId } : {}) } : undefined);
      while (inflight.size >= concurrency) await Promise.race(inflight.values());
    }
    let reason: string | undefined;
    for (;;) {
      while (inflight.size < concurrency && !(reason = this.#stopReason(this.#history.length + inflight.size))) {
        const index = next++;
        const t0 = performance.now();
        const { sel, note } = await this.#select(index);
        note.selectSec = secs(t0);
        launch(index, sel, note);
      }
      if (inflight.size === 0) break;
      await Promise.race(inflight.values());
    }
    reason ??= this.#stopReason(this.#history.length) ?? 'done';
    this.#emit({ type: 'stop', reason });
    return reason;
  }

  #rebuild(ref: ActionRef): Action | undefined {
    const b = this.#d.space.bindings.findIndex((x) => x.name === ref.name);
    const inputs = ref.inputs.map((i) => this.#d.pool.get(i.id));
    if (b < 0 || inputs.some((o) => o === undefined)) return undefined;
    try {
      return this.#d.space.make(b, inputs as PoolObject[]);
    } catch {
      return undefined;
    }
  }

  async #select(index: number): Promise<{ sel: Selection; note: PolicyNote & { selectSec?: number } }> {
    const d = this.#d;
    const rng = new Rng(d.assembly.loaded.config.seed, index);
    let sel: Selection;
    try {
      sel = await this.#withPolicy(() => d.policy.select(this.#ctx(index, rng)));
    } catch (e) {
      // A policy that cannot choose does not stop the study: fall back to a random choice and say why.
      const types = d.space.bindings.map((_, i) => i).filter((i) => d.space.countFor(i) > 0);
      if (types.length === 0) throw e;
      const b = rng.pick(types);
      sel = { action: d.space.atFor(b, rng.int(d.space.countFor(b))), fallback: `policy error: ${(e as Error).message}` };
    }
    const note: PolicyNote = { policy: d.policy.name, usage: sel.usage ?? [], ...(sel.fallback ? { fallback: sel.fallback } : {}), ...(sel.answers?.length ? { answers: sel.answers } : {}) };
    if (sel.transcript?.length) note.transcript = this.#writeTranscript(index, 'select', sel.transcript);
    for (const u of note.usage) this.#costUsd += u.costUsd;
    return { sel, note };
  }

  #writeTranscript(index: number, step: string, entries: TranscriptEntry[]): string {
    const dir = path.join(this.#d.dir, STUDY_FILES.jobs, trialJobId(index));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `transcript-${step}.json`);
    writeFileAtomic(file, redactSecrets(JSON.stringify(entries, null, 2), this.#d.assembly.factoryContext.env));
    return path.relative(this.#d.dir, file);
  }

  async #trial(index: number, action: Action, note: PolicyNote, reattach?: { jobId: string; externalId?: string }): Promise<void> {
    const d = this.#d;
    const ref = actionRef(action);
    const startedAt = now();
    const budget = d.assembly.loaded.config.budget.iterations;
    this.#emit({ type: 'trial-start', index, budget, action: ref });
    let record: TrialRecord;
    let produced: PoolObject | undefined;
    const base = { index, action: ref, startedAt, policy: note, scores: {}, durations: {}, metrics: {} };
    const hit = this.#completed.get(action.key);
    const failedBefore = this.#failed.get(action.key);
    const running = this.#running.get(action.key);
    if (!reattach && hit) {
      record = this.#cachedRecord(base, hit);
    } else if (!reattach && failedBefore) {
      record = { ...base, state: 'failed', endedAt: now(), cachedFrom: failedBefore.index, ...(failedBefore.error ? { error: { ...failedBefore.error, message: `same action failed in trial ${failedBefore.index}: ${failedBefore.error.message}` } } : {}) };
    } else if (!reattach && running) {
      const other = await running;
      record = other.state === 'complete' ? this.#cachedRecord(base, other) : { ...base, state: 'failed', endedAt: now(), cachedFrom: other.index, ...(other.error ? { error: other.error } : {}) };
    } else {
      d.journal.append({ kind: 'trial-start', index, action: ref, startedAt, policy: note });
      const work = this.#execute(index, action, base, reattach);
      this.#running.set(action.key, work.then((r) => r.record));
      try {
        ({ record, produced } = await work);
      } finally {
        this.#running.delete(action.key);
      }
    }
    d.journal.append({ kind: 'trial-end', trial: record });
    this.#addFinished(record, produced);
    const best = this.#best();
    this.#emit({ type: 'trial-end', trial: record, ...(best ? { best } : {}) });
    if (d.policy.observe) {
      const rng = new Rng(d.assembly.loaded.config.seed, index, 1);
      try {
        const obs = await this.#withPolicy(() => d.policy.observe!(record, this.#ctx(index, rng)));
        if (obs) {
          const usage: Usage[] = obs.usage ?? [];
          for (const u of usage) this.#costUsd += u.costUsd;
          d.journal.append({ kind: 'observe', index, usage, ...(obs.state !== undefined ? { state: obs.state } : {}), ...(obs.transcript?.length ? { transcript: this.#writeTranscript(index, 'observe', obs.transcript) } : {}) });
        }
      } catch (e) {
        d.journal.append({ kind: 'observe', index, usage: [], transcript: this.#writeTranscript(index, 'observe', [{ step: 'memory', role: 'error', content: (e as Error).message }]) });
      }
    }
  }

  #cachedRecord(base: Omit<TrialRecord, 'state'>, hit: TrialRecord): TrialRecord {
    return { ...base, state: 'cached', endedAt: now(), cachedFrom: hit.index, scores: hit.scores, ...(hit.produced ? { produced: hit.produced } : {}), ...(hit.reward !== undefined ? { reward: hit.reward } : {}) };
  }

  async #execute(index: number, action: Action, base: Omit<TrialRecord, 'state'>, reattach?: { jobId: string; externalId?: string }): Promise<{ record: TrialRecord; produced?: PoolObject }> {
    const d = this.#d;
    const durations: Record<string, number> = {};
    const selectSec = (base.policy as { selectSec?: number } | undefined)?.selectSec;
    if (selectSec !== undefined) durations['select'] = selectSec;
    const fail = (error: JobError, metrics: Record<string, number> = {}): { record: TrialRecord } => ({ record: { ...base, state: 'failed', endedAt: now(), durations, metrics, error } });
    const binding = d.assembly.bindings.find((b) => b.name === action.name)!;
    const spec = buildJobSpec(d.dir, d.assembly, d.registry, d.pluginEntries, index, action);
    const { jobId, jobDir, outputDir: tmpOut } = spec;
    const artifacts = path.dirname(tmpOut);
    const ectx: ExecutorContext = {
      signal: d.signal,
      runner: (n) => d.registry.runner(n),
      onProgress: (u) => this.#emit({ type: 'trial-progress', index, ...u }),
    };
    mkdirSync(jobDir, { recursive: true });
    let manifest: ResultManifest | undefined;
    if (reattach && d.executor.reattach) manifest = await d.executor.reattach(spec, reattach, ectx);
    if (!manifest) {
      rmSync(tmpOut, { recursive: true, force: true });
      const smoke = binding.definition.smoke;
      if (d.assembly.loaded.config.failFast && smoke) {
        const t0 = performance.now();
        const sspec: JobSpec = { ...spec, jobId: `${jobId}-smoke`, outputDir: `${tmpOut}-smoke`, jobDir: path.join(jobDir, 'smoke'), params: { ...spec.params, ...smoke.params }, smoke: true };
        const m = await d.executor.submit(sspec, ectx);
        rmSync(sspec.outputDir, { recursive: true, force: true });
        durations['smoke'] = secs(t0);
        if (m.status !== 'completed') {
          const e = m.error ?? { type: 'Unknown', message: m.status };
          return fail({ ...e, type: `SmokeFailed:${e.type}`, message: `smoke run failed in ${durations['smoke']} s: ${e.message}` });
        }
      }
      const t0 = performance.now();
      // Only jobs with an external id (a pid, a Slurm job) can be re-attached after a crash: journal those.
      manifest = await d.executor.submit(spec, ectx, (h) => h.externalId && d.journal.append({ kind: 'job', index, jobId: h.jobId, executor: d.executor.name, externalId: h.externalId }));
      durations['execute'] = secs(t0);
    }
    // Seconds the job spent evaluating are reported as the evaluate stage, not as execution.
    const inJob = manifest.stages?.['evaluate'];
    if (inJob !== undefined && durations['execute'] !== undefined) durations['execute'] = Math.max(0, Math.round((durations['execute'] - inJob) * 100) / 100);
    if (manifest.status !== 'completed') return fail(manifest.error ?? { type: manifest.status, message: `job ${manifest.status}` }, manifest.metrics);
    if (!existsSync(tmpOut)) return fail({ type: 'BadResult', message: `job completed but its output folder ${tmpOut} is missing` }, manifest.metrics);
    const final = path.join(artifacts, jobId);
    if (existsSync(final)) rmSync(final, { recursive: true, force: true });
    renameSync(tmpOut, final);
    fsyncDir(artifacts);
    const produced: PoolObject = {
      id: `t${index}`,
      kind: binding.produces,
      type: 'model',
      name: `0--${index}--0`,
      value: final,
      digest: `a:${action.key}`,
      provenance: { trial: index, actionKey: action.key, action: action.name, inputs: action.inputs.map((o) => o.id) },
    };
    const t1 = performance.now();
    const fromJob = jobResults(manifest, d.assembly.tasks);
    if (fromJob) {
      durations['evaluate'] = Math.round((manifest.stages?.['evaluate'] ?? 0) * 100) / 100;
      return this.#completeRecord(base, produced, fromJob, durations, manifest);
    }
    const results: TaskResult[] = [];
    try {
      for (const task of d.assembly.tasks) {
        const ev = d.evaluators.get(task.evaluator)!;
        results.push(await ev.evaluate(produced, task, { signal: d.signal, split: 'validation', outDir: path.join(jobDir, 'eval'), seed: spec.seed, log: () => undefined }));
      }
    } catch (e) {
      durations['evaluate'] = secs(t1);
      return fail({ type: 'EvaluationError', message: (e as Error).message }, manifest.metrics);
    }
    durations['evaluate'] = secs(t1);
    return this.#completeRecord(base, produced, results, durations, manifest);
  }

  #completeRecord(base: Omit<TrialRecord, 'state'>, produced: PoolObject, results: TaskResult[], durations: Record<string, number>, manifest: ResultManifest): { record: TrialRecord; produced: PoolObject } {
    const d = this.#d;
    const reward = d.aggregator.aggregate(results, d.assembly.tasks);
    const record: TrialRecord = {
      ...base,
      state: 'complete',
      endedAt: now(),
      produced: { id: produced.id, name: produced.name, path: String(produced.value) },
      scores: Object.fromEntries(results.map((r) => [r.task, r.score])),
      reward,
      durations,
      metrics: manifest.metrics,
      resources: { gpuHours: manifest.resources.gpuHours, wallSec: manifest.resources.wallSec },
    };
    return { record, produced };
  }
}
