/**
 * The selection's second step: all inputs of the chosen action type at once, one index per input
 * into its shown candidate list. Tried and running actions are excluded (told to the agent, and
 * ruled out by the answer grammar with every answer rejected before), as is a merge of a model
 * with itself.
 */
import type { Action } from '@lamdagent/core';
import { type AnswerSpec, jsonAnswerText } from './answer.js';
import { type Checked, converse, type Outcome } from './converse.js';
import { avoidedKeys, excludedTuples } from './exclude.js';
import { orderNote, positions, type ShownOrder } from './order.js';
import { parseObjectsAnswer } from './parse.js';
import type { StepScope } from './step.js';
import { formatAction, objectListsText, pendingText, type StudyView } from './views.js';

/** The action of type `binding` the agent chose, or why it gave no usable answer. */
export async function chooseObjects(
  s: StepScope,
  view: StudyView,
  common: Record<string, string>,
  order: ShownOrder,
  binding: number,
): Promise<Outcome<Action>> {
  const { ctx, rec } = s;
  const b = ctx.space.bindings[binding];
  if (!b) throw new RangeError(`no action binding ${binding}`);
  const lists = objectListsText(view, binding, (kind, size) => order.list(kind, size));
  const prompt = s.d.templates.objects.render({
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
  const avoid = avoidedKeys(ctx, binding, s.o.avoidRepeats);
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
  const r = await converse(s, 'objects', prompt, reminder, spec, (reply): Checked<Action> => {
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
  if (r.ok) {
    rec.transcript.push({
      step: 'objects',
      role: 'system',
      content: `chose [[${answered.join(', ')}]]: ${formatAction(r.value)} (${orderNote(s.o.candidateOrder, s.d.seed)})`,
    });
  }
  return r;
}
