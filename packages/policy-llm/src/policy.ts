import type { Action, AnswerNote, JsonValue, Observation, Policy, PolicyContext, Selection, TranscriptEntry, TrialRecord, Usage } from '@lamdagent/core';
import { cleanMemory, memoryBlock, memoryReplyProblem, memoryWordLimit, parseMemoryState, toJson, type MemoryState } from './memory.js';
import type { LlmPolicyOptions, Prices } from './options.js';
import { type AnswerSpec, jsonAnswerText } from './answer.js';
import { excludedTuples } from './exclude.js';
import { positions, ShownOrder } from './order.js';
import { parseObjectsAnswer, parseTypeAnswer } from './parse.js';
import { type ChatMessage, type ChatProvider, type ChatReply, ProviderError } from './providers/types.js';
import type { Redactor } from '@lamdagent/core/kit';
import { withRetries } from './retry.js';
import type { PromptTemplates, Step } from './templates.js';
import { costUsd, countChatTokens, countTokens } from './usage.js';
import {
  actionTypesText,
  availableBindings,
  failuresText,
  formatAction,
  historyText,
  makeView,
  newResultText,
  num,
  objectListsText,
  pendingText,
  summaryText,
  type StudyView,
} from './views.js';

export interface LlmPolicyDeps {
  provider: ChatProvider;
  templates: PromptTemplates;
  redact: Redactor;
  prices: Prices;
  /** The study seed: with `candidateOrder: seeded` the candidates' shown order is drawn from it and the trial index. */
  seed: number;
}

/** Transcript and usage of one selection or one memory update. */
interface Record_ {
  transcript: TranscriptEntry[];
  usage: Usage[];
  answers: AnswerNote[];
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };
type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

const NO_MEMORY = 'No reflections yet: no trial has been analysed so far.';
/** What the prompts show in place of the memory when the agent keeps none (`memory: false`). */
const MEMORY_OFF = 'None: this agent keeps no memory. Judge from the results listed here.';

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

  async select(ctx: PolicyContext): Promise<Selection> {
    ctx.signal.throwIfAborted();
    const rec: Record_ = { transcript: [], usage: [], answers: [] };
    const view = makeView(ctx, this.#o.history, this.#d.redact);
    const possible = availableBindings(ctx.space);
    if (!possible.length) throw new RangeError('no action is possible: every action type lacks candidates in the pool');
    // Offer only the types that still hold an action neither running nor (with avoidRepeats) tried,
    // while any type does: a type whose every action is taken can only yield a repeat.
    const open = possible.filter((b) => this.#hasFresh(ctx, b, this.#o.avoidRepeats));
    const notRunning = open.length ? open : possible.filter((b) => this.#hasFresh(ctx, b, false));
    const available = notRunning.length ? notRunning : possible;
    const common = this.#commonVars(ctx.iteration, view);
    const order = new ShownOrder(this.#o.candidateOrder, this.#d.seed, ctx.iteration);

    let binding: number;
    if (available.length === 1) {
      binding = available[0] as number;
      rec.transcript.push({ step: 'type', role: 'system', content: `only ${ctx.space.bindings[binding]?.name} is possible now: no type to choose` });
    } else {
      // The answer's number is a position in the shown list: shown[k] is the binding listed as k.
      const shown = order.types(available);
      const prompt = this.#d.templates.type.render({
        ...common,
        action_types: actionTypesText(view, shown),
        type_count: String(available.length),
        max_type_index: String(available.length - 1),
      });
      const reminder = `the number of one listed action type (0 to ${available.length - 1}) in double brackets, e.g. [[0]]`;
      const spec: AnswerSpec = { step: 'type', slots: [{ name: 'action_type', size: available.length }] };
      const r = await this.#converse(
        'type',
        prompt,
        reminder,
        () => spec,
        ctx,
        rec,
        (reply): Checked<number> => {
          const p = parseTypeAnswer(jsonAnswerText(reply, spec) ?? reply, shown.length);
          return p.ok ? { ok: true, value: shown[p.indices[0] as number] as number } : p;
        },
      );
      if (!r.ok) return this.#fallback(ctx, rec, undefined, r.reason);
      binding = r.value;
      rec.transcript.push({
        step: 'type',
        role: 'system',
        content: `chose ${shown.indexOf(binding)}: ${ctx.space.bindings[binding]?.name} (${this.#orderNote()})`,
      });
    }

    const b = ctx.space.bindings[binding];
    if (!b) throw new RangeError(`no action binding ${binding}`);
    const lists = objectListsText(view, binding, (kind, size) => order.list(kind, size));
    const prompt = this.#d.templates.objects.render({
      ...common,
      pending: pendingText(view),
      action_type: b.name,
      action_description: b.definition.description,
      arity: String(b.kinds.length),
      positions: lists.positions,
      object_lists: lists.lists,
      answer_example: lists.example,
    });
    const slots = b.slotNames.map((name, p) => ({ name, list: lists.labels[p] as string, size: lists.sizes[p] as number }));
    const avoid = this.#avoid(ctx, binding);
    const reminder = `exactly ${slots.length} indices in double brackets, one per input (${b.slotNames.join(', ')}), e.g. ${lists.example}`;
    // The grammar excludes what the answer must not pick (tried and running actions), and each answer
    // rejected here, so a retry cannot repeat it.
    const avoided = [
      ...ctx.history.filter((t) => t.action.name === b.name && avoid.has(t.action.key)).map((t) => t.action),
      ...ctx.pending.filter((a) => a.name === b.name),
    ];
    // Excluded tuples in shown positions, as the answer gives them.
    const at = lists.shown.map(positions);
    const exclude = excludedTuples(ctx.space, binding, avoided).map((t) => t.map((c, p) => at[p]?.get(c) as number));
    // Positions that must hold different models (a merge's inputs): one shown list, so different indices.
    const distinct = [...b.unordered, ...(b.weighted ?? []).map((w) => w.positions)].filter((g) => g.length > 1);
    const spec = (): AnswerSpec => ({
      step: 'objects',
      slots,
      ...(exclude.length ? { exclude: [...exclude] } : {}),
      ...(distinct.length ? { distinct } : {}),
    });
    let answered: readonly number[] = [];
    const r = await this.#converse('objects', prompt, reminder, spec, ctx, rec, (reply): Checked<Action> => {
      const p = parseObjectsAnswer(jsonAnswerText(reply, spec()) ?? reply, slots);
      if (!p.ok) return p;
      exclude.push(p.indices);
      const objects = p.indices.map((k, pos) => ctx.space.candidates(binding, pos)[lists.shown[pos]?.[k] ?? -1]);
      let action: Action;
      try {
        action = ctx.space.make(
          binding,
          objects.filter((o) => o !== undefined),
        );
      } catch (e) {
        if (e instanceof RangeError) return { ok: false, error: e.message };
        throw e;
      }
      const clash = avoid.get(action.key);
      if (clash) return { ok: false, error: `${formatAction(action)}: ${clash}` };
      answered = p.indices;
      return { ok: true, value: action };
    });
    if (!r.ok) return this.#fallback(ctx, rec, binding, r.reason);
    rec.transcript.push({ step: 'objects', role: 'system', content: `chose [[${answered.join(', ')}]]: ${formatAction(r.value)} (${this.#orderNote()})` });
    return { action: r.value, transcript: rec.transcript, usage: rec.usage, answers: rec.answers };
  }

  /** How the candidates were listed, for the transcript next to each choice. */
  #orderNote(): string {
    return this.#o.candidateOrder === 'seeded'
      ? `positions in the shown order, seeded by study seed ${this.#d.seed} and the trial index`
      : 'positions in the action space order';
  }

  /** Frees the provider's resources (the llama-cpp provider's loaded model). */
  async close(): Promise<void> {
    await this.#queue;
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
    const rec: Record_ = { transcript: [], usage: [], answers: [] };
    const history = [...ctx.history.filter((t) => t.index !== trial.index), trial];
    const view = makeView({ ...ctx, history }, this.#o.history, this.#d.redact);
    const previous = this.#state.memory;
    const prompt = this.#d.templates.memory.render({
      ...this.#commonVars(ctx.iteration, view),
      history: historyText(view, trial.index),
      trial: String(trial.index),
      previous_results: historyText(view, trial.index),
      previous_memory: previous ? memoryBlock(previous) : 'Empty: this is the first memory.',
      new_result: newResultText(trial, view),
      memory_limit_words: String(memoryWordLimit(this.#o.memoryMaxChars)),
    });
    const messages: ChatMessage[] = [{ role: 'user', content: this.#d.redact(prompt) }];
    rec.transcript.push({ step: 'memory', role: 'user', content: messages[0]?.content ?? '' });
    let reply: string;
    try {
      reply = (await this.#call('memory', messages, ctx, rec)).text;
    } catch (e) {
      ctx.signal.throwIfAborted();
      rec.transcript.push({ step: 'memory', role: 'error', content: this.#d.redact(`provider error: ${describe(e)}; memory unchanged`) });
      return { state: toJson(this.#state), transcript: rec.transcript, usage: rec.usage };
    }
    rec.transcript.push({ step: 'memory', role: 'assistant', content: this.#d.redact(reply) });
    const next = cleanMemory(reply, this.#o.memoryMaxChars);
    const problem = memoryReplyProblem(reply, next, this.#o.memoryMaxChars);
    if (problem) rec.transcript.push({ step: 'memory', role: 'error', content: `${problem}; memory unchanged` });
    else this.#state = { version: 1, memory: next, updates: this.#state.updates + 1 };
    return { state: toJson(this.#state), transcript: rec.transcript, usage: rec.usage };
  }

  #commonVars(iteration: number, view: StudyView): Record<string, string> {
    return {
      iteration: String(iteration),
      memory: !this.#o.memory ? MEMORY_OFF : this.#state.memory ? memoryBlock(this.#state.memory) : NO_MEMORY,
      summary: summaryText(view),
      history: historyText(view),
      failures: failuresText(view),
      pending: pendingText(view),
    };
  }

  /** Keys the answer must not pick, with the reason told to the agent. */
  #avoid(ctx: PolicyContext, binding: number): Map<string, string> {
    const out = new Map<string, string>();
    const name = ctx.space.bindings[binding]?.name;
    if (this.#o.avoidRepeats) {
      const runs = ctx.history.filter((t) => t.action.name === name && t.state !== 'running');
      // Only while something untried remains: otherwise repeating is the only option.
      if (this.#hasFresh(ctx, binding, true)) {
        for (const t of runs) {
          if (out.has(t.action.key)) continue;
          const what =
            t.state === 'failed'
              ? `failed in trial #${t.index} (${t.error?.type ?? 'error'})`
              : `already ran in trial #${t.index}${typeof t.reward === 'number' ? ` (reward ${num(t.reward)})` : ''}; running it again only returns the cached result`;
          out.set(t.action.key, `this exact action ${what}. Choose a combination that has not been tried`);
        }
      }
    }
    for (const a of ctx.pending) out.set(a.key, 'this exact action is running right now. Choose a different combination');
    return out;
  }

  /** Whether the type has an action that is not running and, with `untried`, not tried either. */
  #hasFresh(ctx: PolicyContext, binding: number, untried: boolean): boolean {
    const name = ctx.space.bindings[binding]?.name;
    const taken = new Set(ctx.pending.filter((a) => a.name === name).map((a) => a.key));
    if (untried) for (const t of ctx.history) if (t.action.name === name && t.state !== 'running') taken.add(t.action.key);
    return taken.size < ctx.space.countFor(binding);
  }

  async #converse<T>(
    step: Step,
    prompt: string,
    reminder: string,
    spec: () => AnswerSpec,
    ctx: PolicyContext,
    rec: Record_,
    check: (reply: string) => Checked<T>,
  ): Promise<Outcome<T>> {
    const messages: ChatMessage[] = [{ role: 'user', content: this.#d.redact(prompt) }];
    rec.transcript.push({ step, role: 'user', content: messages[0]?.content ?? '' });
    let last = '';
    const replies = this.#o.parseRetries + 1;
    const note: AnswerNote = { step, outcome: 'fallback', replies: 0, constrained: false };
    rec.answers.push(note);
    for (let attempt = 0; attempt < replies; attempt++) {
      let reply: ChatReply;
      try {
        reply = await this.#call(step, messages, ctx, rec, this.#o.constrain ? spec() : undefined);
      } catch (e) {
        ctx.signal.throwIfAborted();
        const why = this.#d.redact(`provider error: ${describe(e)}`);
        rec.transcript.push({ step, role: 'error', content: why });
        return { ok: false, reason: `${step} step: ${why}` };
      }
      note.replies++;
      note.constrained = reply.constrained === true;
      if (reply.refused !== undefined) {
        note.refused = this.#d.redact(reply.refused);
        rec.transcript.push({
          step,
          role: 'error',
          content: `the server refused structured output (${note.refused}); answers are free text ([[k]]) from now on`,
        });
      }
      rec.transcript.push({ step, role: 'assistant', content: this.#d.redact(reply.text) });
      const c = check(reply.text);
      if (c.ok) {
        note.outcome = attempt === 0 ? 'first' : 'retried';
        return c;
      }
      last = this.#d.redact(c.error);
      rec.transcript.push({ step, role: 'error', content: `answer rejected: ${last}` });
      if (attempt + 1 < replies) {
        const feedback = `Your answer cannot be used: ${last}. Reply again and finish with ${reminder}.`;
        messages.push({ role: 'assistant', content: reply.text }, { role: 'user', content: feedback });
        rec.transcript.push({ step, role: 'user', content: feedback });
      }
    }
    return { ok: false, reason: `${step} step: no usable answer in ${replies} ${replies === 1 ? 'reply' : 'replies'} (last problem: ${last})` };
  }

  /** One provider call with retries; records its usage (server counts, else o200k counts). */
  async #call(step: Step, messages: readonly ChatMessage[], ctx: PolicyContext, rec: Record_, answer?: AnswerSpec): Promise<ChatReply> {
    const o = this.#o;
    // A short-lived signal per call: client libraries that never remove their abort listeners attach
    // them here, not to the study's long-lived signal.
    const call = new AbortController();
    const onAbort = (): void => call.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let reply: ChatReply;
    try {
      reply = await withRetries(
        () => this.#d.provider.chat({ messages, signal: call.signal, ...(answer ? { answer } : {}) }),
        { maxRetries: o.maxRetries, baseMs: o.retryBaseMs, maxMs: o.retryMaxMs },
        ctx.signal,
        (n) =>
          rec.transcript.push({
            step,
            role: 'error',
            content: this.#d.redact(`provider: ${n.error.message}; retry ${n.attempt} of ${n.maxRetries} in ${(n.delayMs / 1000).toFixed(1)} s`),
          }),
      );
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    const inputTokens = reply.usage?.inputTokens ?? (await countChatTokens(messages));
    const outputTokens = reply.usage?.outputTokens ?? (await countTokens(reply.text));
    rec.usage.push({ step, inputTokens, outputTokens, costUsd: costUsd(this.#d.prices, inputTokens, outputTokens) });
    return reply;
  }

  /** A seeded random action (of the chosen type when there is one), avoiding running and, if possible, tried ones. */
  #fallback(ctx: PolicyContext, rec: Record_, binding: number | undefined, reason: string): Selection {
    const avoid = binding === undefined ? new Set(ctx.pending.map((a) => a.key)) : new Set(this.#avoid(ctx, binding).keys());
    if (binding === undefined && this.#o.avoidRepeats) for (const t of ctx.history) avoid.add(t.action.key);
    const draw = (): Action => {
      if (binding !== undefined) return ctx.space.atFor(binding, ctx.rng.int(ctx.space.countFor(binding)));
      return ctx.space.at(ctx.rng.int(ctx.space.count()));
    };
    let action = draw();
    for (let i = 0; i < 64 && avoid.has(action.key); i++) action = draw();
    // Random draws can miss the few actions left in a large space: then walk it from a seeded start.
    if (avoid.has(action.key)) {
      const count = binding === undefined ? ctx.space.count() : ctx.space.countFor(binding);
      const at = (i: number): Action => (binding === undefined ? ctx.space.at(i) : ctx.space.atFor(binding, i));
      const start = ctx.rng.int(count);
      for (let i = 0; i < Math.min(count, 100_000); i++) {
        const a = at((start + i) % count);
        if (!avoid.has(a.key)) {
          action = a;
          break;
        }
      }
    }
    const scope = binding === undefined ? 'action' : `${ctx.space.bindings[binding]?.name} action`;
    const fallback = this.#d.redact(`${reason}; fell back to a random ${scope}`);
    rec.transcript.push({ step: 'fallback', role: 'error', content: `${fallback}: ${formatAction(action)}` });
    return { action, fallback, transcript: rec.transcript, usage: rec.usage, ...(rec.answers.length ? { answers: rec.answers } : {}) };
  }
}

function describe(e: unknown): string {
  if (e instanceof ProviderError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
