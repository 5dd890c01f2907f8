import type { Action } from './action-type.js';
import type { Assembly } from './assemble.js';
import { UsageError } from './errors.js';
import type { JournalRecordOf } from './journal-records.js';
import { valueDigest } from './kit/digest.js';
import type { JsonValue } from './json.js';
import type { PoolObject } from './objects.js';
import { initialCostUsd, stopReason } from './study-budget.js';
import { initialScoresOf, scoreInitialModels } from './study-initial.js';
import { PolicySteps } from './study-policy.js';
import type { StudyDeps } from './study-deps.js';
import type { StudyEvent, StudyServices } from './study-services.js';
import { announceRecovery, reopening, unfinishedOf, type Unfinished } from './study-recovery.js';
import { TrialBook } from './study-book.js';
import { executeInStudy } from './study-execute.js';
import { JOURNAL_VERSION } from './weight-order.js';
import { actionRef, outcomeRecord, reuseRecord, trialModel, trialModelObject, type Trial, type TrialOutcome } from './trial-record.js';
import type { PolicyNote, TrialRecord } from './trial.js';

export type { StudyEvent } from './study-services.js';
export type { StudyDeps } from './study-deps.js';

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
  readonly #book: TrialBook;
  readonly #unfinished: Unfinished;
  readonly #resumed: boolean;
  readonly #policy: PolicySteps;
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
    this.#book = new TrialBook(TrialBook.costOf(st));
    for (const t of st.trials.values()) this.#finish(t, trialModel(t, this.#kindOf(t.action.name)));
    if (st.lastObserve?.state !== undefined) policy.restore?.(st.lastObserve.state);
    this.#unfinished = unfinishedOf(st, policy);
    this.#next = Math.max(-1, ...st.trials.keys(), ...st.running.keys()) + 1;
    this.#started = clock.monotonicMs();
    this.#policy = new PolicySteps({
      dir: deps.dir,
      seed: this.#seed,
      space: deps.space,
      pool: deps.pool,
      services: deps.services,
      env: deps.assembly.factoryContext.env,
      signal: deps.signal,
      history: () => this.#book.history,
      pending: () => this.#book.pending(),
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
    return this.#book.history;
  }

  /** The best complete trial by validation reward so far. */
  best(): TrialRecord | undefined {
    return this.#book.best();
  }

  /** Choose the next trial: the policy selects an action, the cache lookup finds whether it ran already. */
  async ask(): Promise<Trial> {
    await this.scoreInitial();
    const index = this.#next++;
    const t0 = this.services.clock.monotonicMs();
    const { sel, note } = await this.#policy.select(index);
    this.#book.spend(note.usage);
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

  /** Run a trial's action here (the study's executor and evaluators); see study-execute.ts and trial-execute.ts. */
  execute(trial: Trial): Promise<TrialOutcome> {
    const onProgress = (u: { message?: string; fraction?: number }): void => this.#emit({ type: 'trial-progress', index: trial.index, ...u });
    return executeInStudy({ ...this.#d, services: this.services }, trial, this.#book.history, onProgress);
  }

  /** Record a trial's outcome (or, for a trial that reuses another, its reuse): journal, pool, policy memory. */
  async tell(trial: Trial, outcome?: TrialOutcome): Promise<TrialRecord> {
    const { store, clock, aggregator } = this.services;
    let record: TrialRecord;
    if (outcome) record = outcomeRecord(trial, outcome, clock.now(), (r) => aggregator.aggregate(r, this.#d.assembly.tasks));
    else if (trial.reuses) record = reuseRecord(trial, await trial.reuses.record, clock.now(), trial.reuses.running);
    else throw new UsageError(`trial ${trial.index} runs its action: tell its outcome`);
    store.append({ kind: 'trial-end', trial: record });
    this.#book.spend(record.evaluationUsage);
    const produced =
      record.state === 'complete' && outcome?.artifact
        ? trialModelObject(trial.index, this.#kindOf(trial.action.name), outcome.artifact, trial.action)
        : undefined;
    this.#finish(record, produced);
    this.#book.close(trial, record);
    const best = this.best();
    this.#emit({ type: 'trial-end', trial: record, ...(best ? { best } : {}) });
    this.#book.spend(await this.#policy.observe(trial.index, record));
    return record;
  }

  /** The loop: re-run trials a crash interrupted, then ask, execute and tell until a stopping criterion is met. */
  async optimize(): Promise<string> {
    const d = this.#d;
    const budget = d.assembly.loaded.config.budget.iterations;
    this.#emit({ type: 'start', dir: d.dir, resumed: this.#resumed, done: this.#book.history.length, budget, poolSize: d.pool.size, actions: d.space.count() });
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
    announceRecovery(this.services, this.#unfinished);
    for (const t of this.#unfinished.unobserved.splice(0)) this.#book.spend(await this.#policy.observe(t.index, t));
    for (const r of this.#unfinished.interrupted.splice(0)) {
      const t = this.#reopen(r);
      if (t) launch(t);
      while (inflight.size >= concurrency) await Promise.race(inflight.values());
    }
    let reason: string | undefined;
    for (;;) {
      while (inflight.size < concurrency && !(reason = this.#stopReason(this.#book.history.length + inflight.size))) {
        // An interruption while the policy chooses ends the loop (no trial was opened); other errors propagate.
        const t = await this.ask().catch((e: unknown) => {
          if (d.signal.aborted) return undefined;
          throw e;
        });
        if (!t) break;
        launch(t);
      }
      if (inflight.size === 0) break;
      await Promise.race(inflight.values());
    }
    reason ??= this.#stopReason(this.#book.history.length) ?? 'done';
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
    this.#book.close(t);
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
    this.#book.finish(t);
    if (produced) this.#d.pool.add(produced);
  }

  #open(index: number, action: Action, note: PolicyNote, extra: { selectSec?: number; reattach?: Trial['reattach'] }): Trial {
    const { store, clock } = this.services;
    // Step cache lookup: the one place an action is matched against executed ones (complete, failed, running).
    const reuses = extra.reattach ? undefined : this.#book.lookup(action);
    const trial: Trial = { index, action, ref: actionRef(action), note, startedAt: clock.now(), ...extra, ...(reuses ? { reuses } : {}) };
    this.#book.open(index, action, !reuses);
    this.#emit({ type: 'trial-start', index, budget: this.#d.assembly.loaded.config.budget.iterations, action: trial.ref });
    if (!reuses) store.append({ kind: 'trial-start', index, action: trial.ref, startedAt: trial.startedAt, policy: note });
    return trial;
  }

  /** A trial a crash interrupted, opened again (re-attached to its job when journaled); failed when its inputs are gone. */
  #reopen(r: JournalRecordOf<'trial-start'>): Trial | undefined {
    const how = reopening(r, { ...this.#d, services: this.services });
    if ('action' in how) return this.#open(r.index, how.action, how.note, how.reattach ? { reattach: how.reattach } : {});
    this.services.store.append({ kind: 'trial-end', trial: how.failed });
    this.#finish(how.failed);
    return undefined;
  }

  #stopReason(launched: number): string | undefined {
    const d = this.#d;
    return stopReason(d.assembly.loaded.config.budget, {
      aborted: d.signal.aborted,
      launched,
      elapsedSec: (this.services.clock.monotonicMs() - this.#started) / 1000,
      costUsd: this.#book.costUsd + initialCostUsd(this.services.store.state.initial.values()),
      best: this.best(),
    });
  }
}
