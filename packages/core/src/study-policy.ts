import type { Action } from './action-type.js';
import { typesWithCandidates } from './kit/candidates.js';
import { Rng } from './kit/rng.js';
import type { PolicyContext, Selection } from './policy.js';
import type { ObjectPool } from './pool.js';
import type { ActionSpace } from './space.js';
import type { StudyServices } from './study-services.js';
import { writeTranscript } from './trial-record.js';
import { describeReturned, rejectReason } from './policy-check.js';
import type { InitialScore, PolicyNote, TrialRecord, Usage } from './trial.js';

/** A random action of the space, preferring one that is not running right now. */
function randomAction(space: ActionSpace, rng: Rng, pending: readonly Action[]): Action {
  const types = typesWithCandidates(space);
  if (types.length === 0) throw new RangeError('no possible action');
  let a: Action | undefined;
  for (let tries = 0; tries < 32; tries++) {
    const b = rng.pick(types);
    a = space.atFor(b, rng.int(space.countFor(b)));
    if (!pending.some((p) => p.key === a!.key)) return a;
  }
  return a!;
}

export interface PolicyStepsDeps {
  dir: string;
  seed: number;
  space: ActionSpace;
  pool: ObjectPool;
  services: StudyServices;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  history(): readonly TrialRecord[];
  pending(): readonly Action[];
  initial(): readonly InitialScore[];
}

/**
 * The study's two policy steps, select and observe, one at a time (concurrent trials share one
 * policy), each with an rng seeded from the study seed and the trial index, transcripts kept beside
 * the trial's job with secrets redacted.
 */
export class PolicySteps {
  readonly #d: PolicyStepsDeps;
  #lock: Promise<unknown> = Promise.resolve();

  constructor(deps: PolicyStepsDeps) {
    this.#d = deps;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  #ctx(iteration: number, rng: Rng): PolicyContext {
    const d = this.#d;
    return { iteration, space: d.space, pool: d.pool.all(), history: d.history(), pending: d.pending(), initial: d.initial(), rng, signal: d.signal };
  }

  /** Step select: the policy chooses; a policy that cannot choose falls back to a random action and says why. */
  async select(index: number): Promise<{ sel: Selection; note: PolicyNote }> {
    const { space, services, dir, env } = this.#d;
    const { policy, logger } = services;
    const rng = new Rng(this.#d.seed, index);
    let sel: Selection;
    try {
      sel = await this.#serial(() => policy.select(this.#ctx(index, rng)));
    } catch (e) {
      // Stopped while the policy was choosing (SIGINT during an agent's call): not a policy error, and no
      // random action in its place; the study stops before this trial starts.
      if (this.#d.signal.aborted) throw e;
      const types = typesWithCandidates(space);
      if (types.length === 0) throw e;
      const b = rng.pick(types);
      sel = { action: space.atFor(b, rng.int(space.countFor(b))), fallback: `policy error: ${(e as Error).message}` };
      logger.warn(`trial ${index}: ${sel.fallback}; chose a random action`);
    }
    // Core checks what the policy returned before anything runs: in the space, not running already.
    let rejected: PolicyNote['rejected'];
    const reason = sel.fallback ? undefined : rejectReason(sel.action, space, this.#d.pool, this.#d.pending());
    if (reason) {
      rejected = { reason, returned: describeReturned(sel.action) };
      sel = { ...sel, action: randomAction(space, rng, this.#d.pending()), fallback: `policy returned an action core rejected: ${reason}` };
      logger.warn(`trial ${index}: ${sel.fallback}; chose a random action`);
    }
    const note: PolicyNote = {
      policy: policy.name,
      usage: sel.usage ?? [],
      ...(sel.fallback ? { fallback: sel.fallback } : {}),
      ...(rejected ? { rejected } : {}),
      ...(sel.answers?.length ? { answers: sel.answers } : {}),
    };
    if (sel.transcript?.length) note.transcript = writeTranscript(dir, index, 'select', sel.transcript, env);
    return { sel, note };
  }

  /** Step observe: the policy updates its memory from the trial; what it keeps is journaled for resume. Returns its usage. */
  async observe(index: number, record: TrialRecord): Promise<Usage[]> {
    const { services, dir, env } = this.#d;
    const { policy, store, logger } = services;
    const observe = policy.observe?.bind(policy);
    if (!observe) return [];
    try {
      const obs = await this.#serial(() => observe(record, this.#ctx(index, new Rng(this.#d.seed, index, 1))));
      if (!obs) return [];
      const usage = obs.usage ?? [];
      store.append({
        kind: 'observe',
        index,
        usage,
        ...(obs.state !== undefined ? { state: obs.state } : {}),
        ...(obs.transcript?.length ? { transcript: writeTranscript(dir, index, 'observe', obs.transcript, env) } : {}),
      });
      return usage;
    } catch (e) {
      logger.warn(`trial ${index}: the policy could not observe it: ${(e as Error).message}`);
      store.append({
        kind: 'observe',
        index,
        usage: [],
        transcript: writeTranscript(dir, index, 'observe', [{ step: 'memory', role: 'error', content: (e as Error).message }], env),
      });
      return [];
    }
  }
}
