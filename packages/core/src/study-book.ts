import type { Action } from './action-type.js';
import type { StudyState } from './study-state.js';
import type { Trial } from './trial-record.js';
import type { TrialRecord, Usage } from './trial.js';

/** A trial running in this process: others asking for its action wait for its record. */
interface RunningTrial {
  index: number;
  record: Promise<TrialRecord>;
  settle(r: TrialRecord): void;
}

/**
 * The study's book of trials: finished ones in completion order, which action keys completed, failed or
 * are running now (the one place an action is matched against executed ones), the trials opened and not
 * yet told (pending, shown to the policy), and the dollars spent (agent, judge). Built from the journal's
 * replayed state when a study opens; `Study` keeps it current as trials open and end.
 */
export class TrialBook {
  readonly history: TrialRecord[] = [];
  readonly #completed = new Map<string, TrialRecord>();
  readonly #failed = new Map<string, TrialRecord>();
  readonly #running = new Map<string, RunningTrial>();
  readonly #pending = new Map<number, Action>();
  #costUsd = 0;

  /**
   * The dollars the journal already records: policy selections and updates, the judge's tokens of each
   * trial, and of scores on another split (`evaluate` records, e.g. `lamdagent table --evaluate`).
   */
  static costOf(st: StudyState): number {
    let usd = 0;
    for (const n of [...st.trials.values(), ...st.running.values()]) for (const u of n.policy?.usage ?? []) usd += u.costUsd;
    for (const o of st.observes) for (const u of o.usage) usd += u.costUsd;
    for (const t of st.trials.values()) for (const u of t.evaluationUsage ?? []) usd += u.costUsd;
    for (const e of st.evaluations) for (const u of e.evaluationUsage ?? []) usd += u.costUsd;
    return usd;
  }

  constructor(costUsd = 0) {
    this.#costUsd = costUsd;
  }

  get costUsd(): number {
    return this.#costUsd;
  }

  spend(usage: readonly Pick<Usage, 'costUsd'>[] | undefined): void {
    for (const u of usage ?? []) this.#costUsd += u.costUsd;
  }

  /** A finished trial (journaled or replayed): history, and the action's completed or failed entry. */
  finish(t: TrialRecord): void {
    this.history.push(t);
    if (t.state === 'complete') this.#completed.set(t.action.key, t);
    if (t.state === 'failed' && t.cachedFrom === undefined) this.#failed.set(t.action.key, t);
  }

  /** The best complete trial by validation reward so far. */
  best(): TrialRecord | undefined {
    let best: TrialRecord | undefined;
    for (const t of this.history) if (t.state === 'complete' && t.reward !== undefined && (!best || t.reward > (best.reward as number))) best = t;
    return best;
  }

  /** The executed trial an action reuses (complete, failed, or running now: its record when it ends), if any. */
  lookup(action: Action): Trial['reuses'] {
    const hit = this.#completed.get(action.key) ?? this.#failed.get(action.key);
    if (hit) return { from: hit.index, record: Promise.resolve(hit), running: false };
    const run = this.#running.get(action.key);
    return run ? { from: run.index, record: run.record, running: true } : undefined;
  }

  /** A trial opened: pending until told; `runs` when it runs its action (not a reuse), so later asks for the action wait for it. */
  open(index: number, action: Action, runs: boolean): void {
    this.#pending.set(index, action);
    if (!runs) return;
    let settle: (r: TrialRecord) => void = () => undefined;
    const record = new Promise<TrialRecord>((resolve) => (settle = resolve));
    this.#running.set(action.key, { index, record, settle });
  }

  /** A trial closed (told, or cancelled when `record` is undefined): no longer pending or running; waiters get its record. */
  close(trial: Pick<Trial, 'index' | 'action'>, record?: TrialRecord): void {
    const run = this.#running.get(trial.action.key);
    if (run?.index === trial.index) this.#running.delete(trial.action.key);
    this.#pending.delete(trial.index);
    if (record && run?.index === trial.index) run.settle(record);
  }

  /** Actions opened and not yet told (concurrent trials), for the policy. */
  pending(): Action[] {
    return [...this.#pending.values()];
  }
}
