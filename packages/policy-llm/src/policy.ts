import type { Action, JsonValue, Observation, Policy, PolicyContext, Selection, TrialRecord } from '@lamdagent/core';
import { chooseProposal } from './choose-shortlist.js';
import { chooseObjects } from './choose-objects.js';
import { chooseType, offeredTypes } from './choose-type.js';
import { fallbackSelection } from './fallback.js';
import { memoryVar, parseMemoryState, toJson, type MemoryState } from './memory.js';
import { updateMemory } from './memory-update.js';
import type { LlmPolicyOptions } from './options.js';
import { ShownOrder } from './order.js';
import { newScope, type LlmPolicyDeps } from './step.js';
import { failuresText, formatAction, historyText, makeView, pendingText, summaryText, type StudyView } from './views.js';

export type { LlmPolicyDeps } from './step.js';

/**
 * The paper's agent: chooses an action type, then all of its objects at once, from a memory it
 * rewrites after every finished trial. Replies are parsed defensively and validated against the
 * action space; when the agent cannot produce a usable answer the choice falls back to a seeded
 * random action and the selection says why.
 */
export class LlmPolicy implements Policy {
  readonly name = 'llm';
  readonly #o: LlmPolicyOptions;
  readonly #d: LlmPolicyDeps;
  #state: MemoryState = { version: 1, memory: '', updates: 0 };
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LlmPolicyOptions, deps: LlmPolicyDeps) {
    this.#o = options;
    this.#d = deps;
  }

  /** The current memory text (empty before the first update). */
  get memory(): string {
    return this.#state.memory;
  }

  restore(state: JsonValue): void {
    this.#state = parseMemoryState(state);
  }

  /**
   * Step one chooses the action type (choose-type.ts), step two its objects (choose-objects.ts); either
   * may fall back. With a shortlist, one step chooses among the ranker's proposals (choose-shortlist.ts)
   * once it makes any.
   */
  async select(ctx: PolicyContext): Promise<Selection> {
    ctx.signal.throwIfAborted();
    const s = newScope(this.#o, this.#d, ctx);
    const view = makeView(ctx, this.#o.history, this.#d.redact);
    const common = this.#commonVars(ctx.iteration, view);
    const ranker = this.#d.ranker;
    if (ranker && this.#o.shortlist) {
      const proposals = await ranker.propose(ctx, this.#o.shortlist.size);
      const done = (action: Action, fallback?: string): Selection => ({
        action,
        ...(fallback !== undefined ? { fallback } : {}),
        transcript: s.rec.transcript,
        usage: s.rec.usage,
        ...(s.rec.answers.length ? { answers: s.rec.answers } : {}),
      });
      const first = proposals[0];
      if (proposals.length === 1 && first) {
        s.rec.transcript.push({ step: 'shortlist', role: 'system', content: `${ranker.name} proposed one action: ${formatAction(first.action)}; taken` });
        return done(first.action);
      }
      if (first) {
        const chosen = await chooseProposal(s, common, ranker.name, proposals);
        if (chosen.ok) return done(chosen.value.action);
        const why = s.d.redact(`${chosen.reason}; took ${ranker.name}'s first proposal`);
        s.rec.transcript.push({ step: 'fallback', role: 'error', content: `${why}: ${formatAction(first.action)}` });
        return done(first.action, why);
      }
      s.rec.transcript.push({ step: 'shortlist', role: 'system', content: `${ranker.name} has no model yet (no proposals): choosing type, then objects` });
    }
    const available = offeredTypes(ctx, this.#o.avoidRepeats);
    const order = new ShownOrder(this.#o.candidateOrder, this.#d.seed, ctx.iteration);
    const type = await chooseType(s, view, common, order, available);
    if (!type.ok) return fallbackSelection(s, undefined, type.reason);
    const objects = await chooseObjects(s, view, common, order, type.value);
    if (!objects.ok) return fallbackSelection(s, type.value, objects.reason);
    return { action: objects.value, transcript: s.rec.transcript, usage: s.rec.usage, answers: s.rec.answers };
  }

  /** Frees the provider's resources (the llama-cpp provider's loaded model). */
  async close(): Promise<void> {
    await this.#queue;
    await this.#d.ranker?.close?.();
    await this.#d.provider.close?.();
  }

  /** One memory update per finished trial (complete, cached or failed); updates run one at a time. */
  observe(trial: TrialRecord, ctx: PolicyContext): Promise<Observation> {
    const run = this.#queue.then(() => this.#observe(trial, ctx));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #observe(trial: TrialRecord, ctx: PolicyContext): Promise<Observation> {
    if (trial.state === 'running' || !this.#o.memory) return { state: toJson(this.#state) };
    const s = newScope(this.#o, this.#d, ctx);
    const history = [...ctx.history.filter((t) => t.index !== trial.index), trial];
    const view = makeView({ ...ctx, history }, this.#o.history, this.#d.redact);
    const next = await updateMemory(s, trial, view, this.#commonVars(ctx.iteration, view), this.#state.memory);
    if (next !== undefined) this.#state = { version: 1, memory: next, updates: this.#state.updates + 1 };
    return { state: toJson(this.#state), transcript: s.rec.transcript, usage: s.rec.usage };
  }

  /** Prompt variables every step shares: the trial, the memory and the study's views. */
  #commonVars(iteration: number, view: StudyView): Record<string, string> {
    return {
      iteration: String(iteration),
      memory: memoryVar(this.#o.memory, this.#state.memory),
      summary: summaryText(view),
      history: historyText(view),
      failures: failuresText(view),
      pending: pendingText(view),
    };
  }
}
