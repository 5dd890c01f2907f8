/**
 * The selection's first step: which action types are offered, and the agent's choice among them, by
 * the number of a type in the shown order. A single offered type is taken without asking.
 */
import type { PolicyContext } from '@lamdagent/core';
import { type AnswerSpec, jsonAnswerText } from './answer.js';
import { type Checked, converse, type Outcome } from './converse.js';
import { hasFresh } from './exclude.js';
import { orderNote, type ShownOrder } from './order.js';
import { parseTypeAnswer } from './parse.js';
import type { StepScope } from './step.js';
import { actionTypesText, availableBindings, type StudyView } from './views.js';

/**
 * The types to offer: those that still hold an action neither running nor (with avoidRepeats) tried,
 * while any type does (a type whose every action is taken can only yield a repeat); else those with
 * an action not running; else every type with candidates. Throws when no type has candidates.
 */
export function offeredTypes(ctx: PolicyContext, avoidRepeats: boolean): number[] {
  const possible = availableBindings(ctx.space);
  if (!possible.length) throw new RangeError('no action is possible: every action type lacks candidates in the pool');
  const open = possible.filter((b) => hasFresh(ctx, b, avoidRepeats));
  const notRunning = open.length ? open : possible.filter((b) => hasFresh(ctx, b, false));
  return notRunning.length ? notRunning : possible;
}

/** The binding of the chosen type among `available`, or why the agent gave no usable answer. */
export async function chooseType(
  s: StepScope,
  view: StudyView,
  common: Record<string, string>,
  order: ShownOrder,
  available: readonly number[],
): Promise<Outcome<number>> {
  const { ctx, rec } = s;
  if (available.length === 1) {
    const binding = available[0] as number;
    rec.transcript.push({ step: 'type', role: 'system', content: `only ${ctx.space.bindings[binding]?.name} is possible now: no type to choose` });
    return { ok: true, value: binding };
  }
  // The answer's number is a position in the shown list: shown[k] is the binding listed as k.
  const shown = order.types(available);
  const prompt = s.d.templates.type.render({
    ...common,
    action_types: actionTypesText(view, shown),
    type_count: String(available.length),
    max_type_index: String(available.length - 1),
  });
  const reminder = `the number of one listed action type (0 to ${available.length - 1}) in double brackets, e.g. [[0]]`;
  const spec: AnswerSpec = { step: 'type', slots: [{ name: 'action_type', size: available.length }] };
  const r = await converse(
    s,
    'type',
    prompt,
    reminder,
    () => spec,
    (reply): Checked<number> => {
      const p = parseTypeAnswer(jsonAnswerText(reply, spec) ?? reply, shown.length);
      return p.ok ? { ok: true, value: shown[p.indices[0] as number] as number } : p;
    },
  );
  if (!r.ok) return r;
  rec.transcript.push({
    step: 'type',
    role: 'system',
    content: `chose ${shown.indexOf(r.value)}: ${ctx.space.bindings[r.value]?.name} (${orderNote(s.o.candidateOrder, s.d.seed)})`,
  });
  return r;
}
