import type { Action, PoolObject, PolicyContext } from '@lamdagent/core';
import { typesWithCandidates } from '@lamdagent/core/kit';
import type { Lineage } from './lineage.js';

/** The action built from one object per position, or undefined when the space refuses it (e.g. a merge repeating a model). */
export function tryMake(ctx: PolicyContext, binding: number, inputs: PoolObject[]): Action | undefined {
  try {
    return ctx.space.make(binding, inputs);
  } catch {
    return undefined;
  }
}

/**
 * An action of `binding` with `parent` at a model position (chosen at random among those that take
 * it), `partner` (if given) at another model position, every other position random.
 */
export function childOf(ctx: PolicyContext, binding: number, parent: PoolObject, partner?: PoolObject): Action | undefined {
  const { space, rng } = ctx;
  const kinds = space.bindings[binding]!.kinds;
  const at = kinds.map((_, p) => p).filter((p) => space.candidates(binding, p).some((o) => o.id === parent.id));
  if (at.length === 0) return undefined;
  const pos = rng.pick(at);
  const partnerAt = partner ? kinds.map((_, p) => p).filter((p) => p !== pos && space.candidates(binding, p).some((o) => o.id === partner.id)) : [];
  const ppos = partnerAt.length ? rng.pick(partnerAt) : -1;
  const inputs = kinds.map((_, p) => (p === pos ? parent : p === ppos ? (partner as PoolObject) : rng.pick(space.candidates(binding, p))));
  return tryMake(ctx, binding, inputs);
}

/** One untaken action: a type uniformly among those with candidates, then an action of it (`tries` draws), else undefined. */
export function randomUntaken(ctx: PolicyContext, lineage: Lineage, tries = 64): Action | undefined {
  const types = typesWithCandidates(ctx.space);
  for (let i = 0; i < tries && types.length; i++) {
    const b = ctx.rng.pick(types);
    const a = ctx.space.atFor(b, ctx.rng.int(ctx.space.countFor(b)));
    if (!lineage.taken.has(a.key)) return a;
  }
  return undefined;
}

/**
 * The candidates a model-based policy scores: every untaken action when the space has at most `limit`,
 * else `limit` draws balanced over action types plus children of the `parents` best models (each
 * action type that takes them, the other slots random). Deduplicated by key, in a seeded order.
 */
export function enumerateCandidates(ctx: PolicyContext, lineage: Lineage, limit: number, parents: number): Action[] {
  const { space, rng } = ctx;
  const out = new Map<string, Action>();
  const add = (a: Action | undefined): void => {
    if (a && !lineage.taken.has(a.key) && !out.has(a.key)) out.set(a.key, a);
  };
  const types = typesWithCandidates(space);
  if (space.count() <= limit) {
    for (const b of types) for (let i = 0; i < space.countFor(b); i++) add(space.atFor(b, i));
    return rng.shuffle([...out.values()]);
  }
  const perType = Math.max(1, Math.floor(limit / Math.max(1, types.length)));
  for (const b of types) {
    const n = space.countFor(b);
    if (n <= perType) for (let i = 0; i < n; i++) add(space.atFor(b, i));
    else for (let i = 0; i < perType; i++) add(space.atFor(b, rng.int(n)));
  }
  const byId = new Map(ctx.pool.map((o) => [o.id, o]));
  const top = lineage
    .ranked()
    .slice(0, parents)
    .map((r) => byId.get(r.id))
    .filter((o): o is PoolObject => o !== undefined);
  for (const p of top) for (const b of types) for (let i = 0; i < 8; i++) add(childOf(ctx, b, p));
  return rng.shuffle([...out.values()]);
}

/** The action that produced `model`, with the object at one random position replaced by another candidate there (undefined for initial models). */
export function siblingOf(ctx: PolicyContext, model: PoolObject): Action | undefined {
  const prov = model.provenance;
  if (!prov) return undefined;
  const { space, rng } = ctx;
  const b = space.bindings.findIndex((x) => x.name === prov.action);
  if (b < 0) return undefined;
  const byId = new Map(ctx.pool.map((o) => [o.id, o]));
  const inputs = prov.inputs.map((id) => byId.get(id));
  if (inputs.some((o) => o === undefined) || inputs.length !== space.bindings[b]!.kinds.length) return undefined;
  const p = rng.int(inputs.length);
  const others = space.candidates(b, p).filter((o) => o.id !== inputs[p]!.id);
  if (others.length === 0) return undefined;
  inputs[p] = rng.pick(others);
  return tryMake(ctx, b, inputs as PoolObject[]);
}
