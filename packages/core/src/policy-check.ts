import type { Action } from './action-type.js';
import { canonicalJson } from './json.js';
import type { PoolObject } from './objects.js';
import type { ObjectPool } from './pool.js';
import type { ActionSpace } from './space.js';

/** What a policy returned, as journaled when core rejects it. */
export interface ReturnedAction {
  name: string;
  type: string;
  inputs: { id: string; name: string }[];
  key: string;
}

export function describeReturned(a: Action): ReturnedAction {
  const inputs = Array.isArray(a?.inputs) ? a.inputs : [];
  return {
    name: String(a?.name),
    type: String(a?.type),
    inputs: inputs.map((o: PoolObject) => ({ id: String(o?.id), name: String(o?.name) })),
    key: String(a?.key),
  };
}

/**
 * Why core refuses a policy's action before executing it, or undefined when it may run: it must be an
 * action of the current space (a configured action, one candidate object per slot, the content address
 * the space gives it, the configured params) and must not repeat an action running right now.
 */
export function rejectReason(a: Action, space: ActionSpace, pool: ObjectPool, pending: readonly Action[]): string | undefined {
  if (typeof a !== 'object' || a === null || !Array.isArray(a.inputs)) return 'not an action';
  const bi = space.bindings.findIndex((b) => b.name === a.name);
  if (bi < 0) return `no action "${String(a.name)}" in the space (have: ${space.bindings.map((b) => b.name).join(', ')})`;
  const objs: PoolObject[] = [];
  for (const o of a.inputs) {
    const known = typeof o?.id === 'string' ? pool.get(o.id) : undefined;
    if (!known) return `object ${JSON.stringify(o?.id)} is not in the pool`;
    objs.push(known);
  }
  let canonical: Action;
  try {
    canonical = space.make(bi, objs);
  } catch (e) {
    return (e as Error).message;
  }
  if (a.type !== canonical.type) return `type ${String(a.type)} is not ${a.name}'s type ${canonical.type}`;
  if (canonicalJson(a.params ?? null) !== canonicalJson(canonical.params)) return `params differ from the configured ones of ${a.name}`;
  if (a.key !== canonical.key) return `key ${String(a.key)} is not the content address of these inputs (${canonical.key})`;
  if (pending.some((p) => p.key === a.key)) return 'repeats an action that is running right now';
  return undefined;
}
