/**
 * What a selection must not pick: actions running right now and, with `avoidRepeats`, actions already
 * tried (while the type still has an untried one), with the reason told to the agent; and the same
 * actions as index tuples for the answer grammar.
 */
import type { ActionSpace, PolicyContext } from '@lamdagent/core';
import { num } from './views.js';

/** Keys the answer must not pick, with the reason told to the agent. */
export function avoidedKeys(ctx: PolicyContext, binding: number, avoidRepeats: boolean): Map<string, string> {
  const out = new Map<string, string>();
  const name = ctx.space.bindings[binding]?.name;
  if (avoidRepeats) {
    const runs = ctx.history.filter((t) => t.action.name === name && t.state !== 'running');
    // Only while something untried remains: otherwise repeating is the only option.
    if (hasFresh(ctx, binding, true)) {
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
export function hasFresh(ctx: PolicyContext, binding: number, untried: boolean): boolean {
  const name = ctx.space.bindings[binding]?.name;
  const taken = new Set(ctx.pending.filter((a) => a.name === name).map((a) => a.key));
  if (untried) for (const t of ctx.history) if (t.action.name === name && t.state !== 'running') taken.add(t.action.key);
  return taken.size < ctx.space.countFor(binding);
}

/**
 * Index tuples (one candidate index per input) of actions the agent must not pick, for the answer
 * grammar: every ordering of inputs that the action type treats as unordered (merged models) names the
 * same action, so each is excluded.
 */
export function excludedTuples(space: ActionSpace, binding: number, actions: readonly { inputs: readonly { id: string }[] }[]): number[][] {
  const b = space.bindings[binding];
  if (!b) return [];
  const index = b.kinds.map((_, p) => new Map(space.candidates(binding, p).map((o, i) => [o.id, i])));
  const out = new Map<string, number[]>();
  for (const a of actions) {
    if (a.inputs.length !== b.kinds.length) continue;
    const t = a.inputs.map((o, p) => index[p]?.get(o.id) ?? -1);
    if (t.some((i) => i < 0)) continue;
    for (const v of orderings(t, b.unordered)) out.set(v.join(','), v);
  }
  return [...out.values()];
}

/** The tuple with the values of each unordered group of positions permuted in every way. */
function orderings(t: readonly number[], groups: readonly (readonly number[])[]): number[][] {
  let acc: number[][] = [[...t]];
  for (const g of groups) {
    const next: number[][] = [];
    for (const base of acc) {
      for (const perm of permutations(g.map((p) => base[p] as number))) {
        const v = [...base];
        g.forEach((p, i) => {
          v[p] = perm[i] as number;
        });
        next.push(v);
      }
    }
    acc = next;
  }
  return acc;
}

function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}
