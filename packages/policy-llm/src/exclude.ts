import type { ActionSpace } from '@lamdagent/core';

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
