import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Action } from './action-type.js';
import type { Assembly } from './assemble.js';
import { UsageError } from './errors.js';
import type { JournalRecordOf } from './journal-records.js';
import { valueDigest } from './kit/digest.js';
import type { JsonValue } from './json.js';
import type { PoolObject } from './objects.js';
import type { ObjectPool } from './pool.js';
import type { Registry } from './registry.js';
import type { ActionSpace } from './space.js';
import { stopReason } from './study-budget.js';
import { initialScoresOf, scoreInitialModels } from './study-initial.js';
import { PolicySteps } from './study-policy.js';
import type { StudyEvent, StudyServices } from './study-services.js';
import type { ActionCache } from './action-cache.js';
import type { EarlyStopSpec } from './jobs.js';
import { earlyStopSpec } from './job-evaluate.js';
import { executeTrial } from './trial-execute.js';
import { trialJobId } from './trial-job.js';
import { STUDY_FILES } from './study-folder.js';
import { executeViaSharedCache } from './trial-shared-cache.js';
import { JOURNAL_VERSION } from './weight-order.js';
import {
  actionRef,
  interruptedRecord,
  outcomeRecord,
  rebuildAction,
  reuseRecord,
  trialModel,
  trialModelObject,
  type Trial,
  type TrialOutcome,
} from './trial-record.js';
import type { PolicyNote, TrialRecord } from './trial.js';

export type { StudyEvent } from './study-services.js';

export interface StudyDeps {
  dir: string;
  assembly: Assembly;
  registry: Registry;
  pool: ObjectPool;
  space: ActionSpace;
  services: StudyServices;
  /** Plugin entry files a job in another process loads. */
  pluginEntries: string[];
  onEvent?: (e: StudyEvent) => void;
  signal: AbortSignal;
  /** Shared action cache (config `cache:`): an action any study ran is reused, not run again. */
  cache?: ActionCache;
  /** Releases what the study holds (lock, journal, executor); called by `close()`. */
  close?: () => Promise<void>;
}

const secs = (ms: number): number => Math.round(ms / 10) / 100;

/**
 * One study, after Optuna's ask-and-tell: `ask()` chooses the next trial (policy selection, cache
 * lookup, trial number), `execute(trial)` runs its action (trial-execute.ts: smoke, run, commit,
 * evaluate, reward), `tell(trial, outcome)` records it (journal, pool, policy observe). `optimize()` is
 * the loop: resume, budget, concurrency. The journal is replayed when the study is opened.
 */
export class Study {
  readonly dir: string;
  readonly services: StudyServices;
  readonly #d: StudyDeps;
  readonly #history: TrialRecord[] = [];
  readonly #completed = new Map<string, TrialRecord>();
  readonly #failed = new Map<string, TrialRecord>();
  readonly #running = new Map<string, { index: number; record: Promise<TrialRecord>; settle(r: TrialRecord): void }>();
  readonly #pending = new Map<number, Action>();
  readonly #interrupted: JournalRecordOf<'trial-start'>[];
  readonly #unobserved: TrialRecord[];
  readonly #resumed: boolean;
  readonly #policy: PolicySteps;
  #costUsd = 0;
  #initial?: Promise<void>;
  #next: number;
  #started: number;

  constructor(deps: StudyDeps) {
    this.#d = deps;
    this.dir = deps.dir;
    this.services = deps.services;
    const { store, policy, clock } = deps.services;
    const st = store.state;
    this.#resumed = st.header !== undefined;
    if (!st.header)
      store.append({
        kind: 'study',
        version: JOURNAL_VERSION,
        createdAt: clock.now(),
        seed: this.#seed,
        configDigest: valueDigest(deps.assembly.loaded.config as unknown as JsonValue),
      });
    for (const t of st.trials.values()) this.#finish(t, trialModel(t, this.#kindOf(t.action.name)));
    if (st.lastObserve?.state !== undefined) policy.restore?.(st.lastObserve.state);
    for (const n of [...st.trials.values(), ...st.running.values()]) for (const u of n.policy?.usage ?? []) this.#costUsd += u.costUsd;
    for (const o of st.observes) for (const u of o.usage) this.#costUsd += u.costUsd;
    for (const t of st.trials.values()) for (const u of t.evaluationUsage ?? []) this.#costUsd += u.costUsd;
    // The judge's tokens for scores on another split (`evaluate` records, e.g. `lamdagent table --evaluate`) count too.
    for (const e of st.evaluations) for (const u of e.evaluationUsage ?? []) this.#costUsd += u.costUsd;
    this.#interrupted = [...st.running.values()].sort((a, b) => a.index - b.index);
    // A policy that keeps state (restore) saw every finished trial unless the process died between the
    // trial's end and its observe record: those updates (an agent's memory) are redone on resume.
    const observed = new Set(st.observes.map((o) => o.index));
    this.#unobserved = policy.observe && policy.restore ? [...st.trials.values()].filter((t) => !observed.has(t.index)) : [];
    this.#next = Math.max(-1, ...st.trials.keys(), ...st.running.keys()) + 1;
    this.#started = clock.monotonicMs();
    const pol = {
      dir: deps.dir,
      seed: this.#seed,
      space: deps.space,
      pool: deps.pool,
      services: deps.services,
      env: deps.assembly.factoryContext.env,
      signal: deps.signal,
    };
    this.#policy = new PolicySteps({
      ...pol,
      history: () => this.#history,
      pending: () => [...this.#pending.values()],
      initial: () => initialScoresOf(store.state.initial, deps.pool),
    });
  }

  get #seed(): number {
    return this.#d.assembly.loaded.config.seed;
  }

  /** The study's config (after command-line overrides). */
  get config(): Assembly['loaded']['config'] {
    return this.#d.assembly.loaded.config;
  }

  /** Finished trials in completion order. */
  history(): readonly TrialRecord[] {
    return this.#history;
  }

  /** The best complete trial by validation reward so far. */
  best(): TrialRecord | undefined {
    let best: TrialRecord | undefined;
    for (const t of this.#history) if (t.state === 'complete' && t.reward !== undefined && (!best || t.reward > (best.reward as number))) best = t;
    return best;
  }

  /** Choose the next trial: the policy selects an action, the cache lookup finds whether it ran already. */
  async ask(): Promise<Trial> {
    await this.scoreInitial();
    const index = this.#next++;
    const t0 = this.services.clock.monotonicMs();
    const { sel, note } = await this.#policy.select(index);
    for (const u of note.usage) this.#costUsd += u.costUsd;
    return this.#open(index, sel.action, note, { selectSec: secs(this.services.clock.monotonicMs() - t0) });
  }

  /**
   * Score the initial models once (config `scoreInitialModels`, default on): journaled as `initial`
   * records, through the shared action cache, never counted as trials. `ask()` does it first.
   */
  scoreInitial(): Promise<void> {
    if (!this.config.scoreInitialModels) return Promise.resolve();
    const d = this.#d;
    this.#initial ??= scoreInitialModels({
      dir: d.dir,
      assembly: d.assembly,
      services: this.services,
      pool: d.pool,
      signal: d.signal,
      ...(d.cache ? { cache: d.cache } : {}),
    });
    return this.#initial;
  }

  /** Run a trial's action here (the study's executor and evaluators); see trial-execute.ts. */
  execute(trial: Trial): Promise<TrialOutcome> {
    const d = this.#d;
    const onProgress = (u: { message?: string; fraction?: number }): void => this.#emit({ type: 'trial-progress', index: trial.index, ...u });
    const earlyStop = this.#earlyStop();
    const ctx = {
      dir: d.dir,
      assembly: d.assembly,
      registry: d.registry,
      pluginEntries: d.pluginEntries,
      services: this.services,
      signal: d.signal,
      onProgress,
      ...(earlyStop ? { earlyStop } : {}),
    };
    return d.cache && !trial.reattach ? executeViaSharedCache(d.cache, ctx, trial) : executeTrial(ctx, trial);
  }

  /**
   * Config `earlyStop` with its threshold now: the topK-th best reward of the complete trials so far (none before
   * there are topK of them), and how the reward is bounded (`earlyStopSpec`: linear, monotone, or a fallback to full
   * scoring for an aggregator early stopping cannot bound).
   */
  #earlyStop(): EarlyStopSpec | undefined {
    return earlyStopSpec(
      this.config.earlyStop,
      this.#history,
      this.config.topK,
      this.services.aggregator,
      this.#d.assembly.tasks,
      this.#d.assembly.aggregation,
    );
  }

  /** Record a trial's outcome (or, for a trial that reuses another, its reuse): journal, pool, policy memory. */
  async tell(trial: Trial, outcome?: TrialOutcome): Promise<TrialRecord> {
    const { store, clock, aggregator } = this.services;
    let record: TrialRecord;
    if (outcome) record = outcomeRecord(trial, outcome, clock.now(), (r) => aggregator.aggregate(r, this.#d.assembly.tasks));
    else if (trial.reuses) record = reuseRecord(trial, await trial.reuses.record, clock.now(), trial.reuses.running);
    else throw new UsageError(`trial ${trial.index} runs its action: tell its outcome`);
    const run = this.#running.get(trial.action.key);
    if (run?.index === trial.index) this.#running.delete(trial.action.key);
    store.append({ kind: 'trial-end', trial: record });
    for (const u of record.evaluationUsage ?? []) this.#costUsd += u.costUsd;
    const produced =
      record.state === 'complete' && outcome?.artifact
        ? trialModelObject(trial.index, this.#kindOf(trial.action.name), outcome.artifact, trial.action)
        : undefined;
    this.#finish(record, produced);
    this.#pending.delete(trial.index);
    if (run?.index === trial.index) run.settle(record);
    const best = this.best();
    this.#emit({ type: 'trial-end', trial: record, ...(best ? { best } : {}) });
    for (const u of await this.#policy.observe(trial.index, record)) this.#costUsd += u.costUsd;
    return record;
  }

  /** The loop: re-run trials a crash interrupted, then ask, execute and tell until a stopping criterion is met. */
  async optimize(): Promise<string> {
    const d = this.#d;
    const budget = d.assembly.loaded.config.budget.iterations;
    this.#emit({ type: 'start', dir: d.dir, resumed: this.#resumed, done: this.#history.length, budget, poolSize: d.pool.size, actions: d.space.count() });
    const concurrency = Math.max(1, Math.min(d.assembly.loaded.config.concurrency, this.services.executor.maxConcurrency ?? Infinity));
    const inflight = new Map<number, Promise<unknown>>();
    const launch = (t: Trial): void =>
      void inflight.set(
        t.index,
        (t.reuses
          ? this.tell(t)
          : this.execute(t).then((o): unknown => (o.state === 'failed' && d.signal.aborted ? this.#cancel(t, o) : this.tell(t, o)))
        ).finally(() => inflight.delete(t.index)),
      );
    if (this.#unobserved.length)
      this.services.logger.info(`redoing the policy's update for trials ${this.#unobserved.map((t) => t.index).join(', ')} (interrupted)`);
    for (const t of this.#unobserved.splice(0)) for (const u of await this.#policy.observe(t.index, t)) this.#costUsd += u.costUsd;
    if (this.#interrupted.length) {
      this.services.store.append({ kind: 'resume', at: this.services.clock.now(), rerun: this.#interrupted.map((r) => r.index) });
      this.services.logger.info(`re-running trials ${this.#interrupted.map((r) => r.index).join(', ')} that the last run left unfinished`);
    }
    for (const r of this.#interrupted.splice(0)) {
      const t = await this.#reopen(r);
      if (t) launch(t);
      while (inflight.size >= concurrency) await Promise.race(inflight.values());
    }
    let reason: string | undefined;
    for (;;) {
      while (inflight.size < concurrency && !(reason = this.#stopReason(this.#history.length + inflight.size))) launch(await this.ask());
      if (inflight.size === 0) break;
      await Promise.race(inflight.values());
    }
    reason ??= this.#stopReason(this.#history.length) ?? 'done';
    this.#emit({ type: 'stop', reason });
    return reason;
  }

  /**
   * A trial the study's interruption stopped: journaled as cancelled, left unfinished (no trial-end),
   * so a resume runs it again; never counted as a failure of its action.
   */
  #cancel(t: Trial, o: TrialOutcome): void {
    const { store, clock } = this.services;
    store.append({ kind: 'cancel', index: t.index, at: clock.now(), reason: `interrupted: ${o.error?.type ?? 'failed'}: ${o.error?.message ?? ''}` });
    const run = this.#running.get(t.action.key);
    if (run?.index === t.index) this.#running.delete(t.action.key);
    this.#pending.delete(t.index);
    this.#emit({ type: 'notice', message: `trial ${t.index} cancelled by the interruption; \`lamdagent resume\` runs it again` });
  }

  /** Release the study folder (lock, journal) and the executor. */
  async close(): Promise<void> {
    await this.#d.close?.();
  }

  #emit(e: StudyEvent): void {
    this.#d.onEvent?.(e);
  }

  #kindOf(actionName: string): string {
    return this.#d.assembly.bindings.find((b) => b.name === actionName)?.produces ?? 'models';
  }

  #finish(t: TrialRecord, produced?: PoolObject): void {
    this.#history.push(t);
    if (t.state === 'complete') this.#completed.set(t.action.key, t);
    if (t.state === 'failed' && t.cachedFrom === undefined) this.#failed.set(t.action.key, t);
    if (produced) this.#d.pool.add(produced);
  }

  /** Step cache lookup: the one place an action is matched against executed ones (complete, failed, running). */
  #lookupCache(action: Action): Trial['reuses'] {
    const hit = this.#completed.get(action.key) ?? this.#failed.get(action.key);
    if (hit) return { from: hit.index, record: Promise.resolve(hit), running: false };
    const run = this.#running.get(action.key);
    return run ? { from: run.index, record: run.record, running: true } : undefined;
  }

  #open(index: number, action: Action, note: PolicyNote, extra: { selectSec?: number; reattach?: Trial['reattach'] }): Trial {
    const { store, clock } = this.services;
    const reuses = extra.reattach ? undefined : this.#lookupCache(action);
    const trial: Trial = { index, action, ref: actionRef(action), note, startedAt: clock.now(), ...extra, ...(reuses ? { reuses } : {}) };
    this.#pending.set(index, action);
    this.#emit({ type: 'trial-start', index, budget: this.#d.assembly.loaded.config.budget.iterations, action: trial.ref });
    if (!reuses) {
      store.append({ kind: 'trial-start', index, action: trial.ref, startedAt: trial.startedAt, policy: note });
      let settle: (r: TrialRecord) => void = () => undefined;
      const record = new Promise<TrialRecord>((resolve) => (settle = resolve));
      this.#running.set(action.key, { index, record, settle });
    }
    return trial;
  }

  /** A trial a crash interrupted, opened again (re-attached to its job when journaled); failed when its inputs are gone. */
  async #reopen(r: JournalRecordOf<'trial-start'>): Promise<Trial | undefined> {
    const { store, policy, clock } = this.services;
    const note: PolicyNote = r.policy ?? { policy: policy.name, usage: [] };
    const action = rebuildAction(this.#d.space, this.#d.pool, r.action);
    if (action) {
      const job = store.state.jobs.get(r.index);
      if (job) return this.#open(r.index, action, note, { reattach: { jobId: job.jobId, ...(job.externalId ? { externalId: job.externalId } : {}) } });
      // Killed between starting a job process and journaling it: the runner left its pid beside its spec.
      const jobId = trialJobId(r.index);
      const started = existsSync(path.join(this.#d.dir, STUDY_FILES.jobs, jobId, 'runner.pid'));
      return this.#open(r.index, action, note, started ? { reattach: { jobId } } : {});
    }
    const t = interruptedRecord(r, note, clock.now());
    store.append({ kind: 'trial-end', trial: t });
    this.#finish(t);
    return undefined;
  }

  #stopReason(launched: number): string | undefined {
    const d = this.#d;
    return stopReason(d.assembly.loaded.config.budget, {
      aborted: d.signal.aborted,
      launched,
      elapsedSec: (this.services.clock.monotonicMs() - this.#started) / 1000,
      // The judge's tokens for the initial models' scores count too (they are journaled in the initial records).
      costUsd:
        this.#costUsd + [...this.services.store.state.initial.values()].reduce((c, r) => c + (r.evaluationUsage ?? []).reduce((a, u) => a + u.costUsd, 0), 0),
      best: this.best(),
    });
  }
}
