import type { Action, PoolObject, PolicyContext } from '@lamdagent/core';
import { typesWithCandidates } from '@lamdagent/core/kit';
import { tryMake } from './candidates.js';
import type { Lineage } from './lineage.js';

/** One value of a non-model slot (a dataset, a learning rate, a weights list) of one action type that no trial has used yet. */
interface Uncovered {
  binding: number;
  /** -1 (with no value) for an action type never tried that has no open non-model value. */
  position: number;
  value?: PoolObject;
}

/**
 * The covering initial design of a model-based policy: before the surrogate is fitted, every action
 * type and every value of its non-model slots (each dataset, each hyperparameter value) is tried once,
 * so the model never has to rate a category it has never seen (a forest cannot credit an unseen
 * dataset: one-hot features that never varied are never split on). Each covering action is applied to
 * the best-scored model that the slot takes (initial models count once scored); the other positions
 * are drawn at random. Values already used by any trial (complete, failed, cached, running) are covered.
 *
 * Returns undefined when everything is covered, or when no untaken action can cover what is left.
 */
export function coveringAction(ctx: PolicyContext, lineage: Lineage): Action | undefined {
  const used = new Map<string, Set<string>>();
  const note = (name: string, ids: readonly string[]): void => {
    let s = used.get(name);
    if (!s) used.set(name, (s = new Set()));
    for (const id of ids) s.add(id);
  };
  for (const t of ctx.history)
    note(
      t.action.name,
      t.action.inputs.map((i) => i.id),
    );
  for (const a of ctx.pending)
    note(
      a.name,
      a.inputs.map((i) => i.id),
    );
  const { space, rng } = ctx;
  const open: Uncovered[] = [];
  for (const b of typesWithCandidates(space)) {
    const binding = space.bindings[b]!;
    const seen = used.get(binding.name);
    let any = false;
    binding.kinds.forEach((_, p) => {
      const cands = space.candidates(b, p);
      if (cands.length === 0 || cands.some((o) => o.type === 'model')) return;
      for (const value of cands) {
        if (seen?.has(value.id)) continue;
        open.push({ binding: b, position: p, value });
        any = true;
      }
    });
    // An action type with no non-model slot (or all its values used) still needs one trial of its own.
    if (!seen && !any) open.push({ binding: b, position: -1 });
  }
  const byId = new Map(ctx.pool.map((o) => [o.id, o]));
  const ranked = lineage
    .ranked()
    .map((r) => byId.get(r.id))
    .filter((o): o is PoolObject => o !== undefined);
  for (const u of rng.shuffle(open)) {
    const a = cover(ctx, lineage, u, ranked);
    if (a) return a;
  }
  return undefined;
}

/** An untaken action of `u.binding` with `u.value` at its position and the best model the type takes at one model position. */
function cover(ctx: PolicyContext, lineage: Lineage, u: Uncovered, ranked: readonly PoolObject[]): Action | undefined {
  const { space, rng } = ctx;
  const kinds = space.bindings[u.binding]!.kinds;
  const modelAt = kinds.map((_, p) => p).filter((p) => p !== u.position && space.candidates(u.binding, p).some((o) => o.type === 'model'));
  for (let attempt = 0; attempt < 32; attempt++) {
    const inputs = kinds.map((_, p) => (p === u.position && u.value ? u.value : rng.pick(space.candidates(u.binding, p))));
    // First attempts: the best-scored model the slot takes, at a random model position.
    if (attempt < 16 && modelAt.length) {
      const pos = rng.pick(modelAt);
      const best = ranked.find((o) => space.candidates(u.binding, pos).some((c) => c.id === o.id));
      if (best) inputs[pos] = best;
    }
    const a = tryMake(ctx, u.binding, inputs);
    if (a && !lineage.taken.has(a.key)) return a;
  }
  return undefined;
}
