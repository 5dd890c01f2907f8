import type { ActionSpace } from '../space.js';

/** Indexes of the action bindings that have at least one action now (every slot has a candidate). */
export function typesWithCandidates(space: ActionSpace): number[] {
  const out: number[] = [];
  for (let i = 0; i < space.bindings.length; i++) if (space.countFor(i) > 0) out.push(i);
  return out;
}
