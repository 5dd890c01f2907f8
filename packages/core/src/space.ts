import { createHash } from 'node:crypto';
import type { Action, ActionBinding } from './action-type.js';
import { choose, permutations, rankCombination, rankPermutation, unrankCombination, unrankPermutation } from './combinatorics.js';
import { canonicalJson, type JsonValue } from './json.js';
import type { PoolObject } from './objects.js';
import type { ObjectPool } from './pool.js';

/**
 * A factor of a binding's candidate count: one free position, an unordered group of distinct
 * positions (combinations), or an ordered group of distinct positions (permutations).
 */
interface Factor {
  positions: number[];
  kind: string;
  ordered: boolean;
}

function factorsOf(binding: ActionBinding): Factor[] {
  const grouped = new Map<number, { positions: number[]; ordered: boolean }>();
  for (const g of binding.unordered) for (const p of g) grouped.set(p, { positions: g, ordered: false });
  for (const w of binding.weighted ?? []) for (const p of w.positions) grouped.set(p, { positions: w.positions, ordered: true });
  const seen = new Set<number>();
  const out: Factor[] = [];
  for (let p = 0; p < binding.kinds.length; p++) {
    if (seen.has(p)) continue;
    const group = grouped.get(p) ?? { positions: [p], ordered: false };
    for (const q of group.positions) seen.add(q);
    out.push({ positions: [...group.positions].sort((a, b) => a - b), kind: binding.kinds[p] as string, ordered: group.ordered });
  }
  return out;
}

const factorSize = (f: Factor, n: number): number => (f.ordered ? permutations(n, f.positions.length) : choose(n, f.positions.length));

/** Digest order (then id): the canonical order of interchangeable inputs. */
const byDigest = (x: PoolObject, y: PoolObject): number => (x.digest < y.digest ? -1 : x.digest > y.digest ? 1 : x.id < y.id ? -1 : 1);

/** True when a per-position value list gives every position the same value (or is not a list). */
export function samePerPosition(value: JsonValue): boolean {
  if (!Array.isArray(value)) return true;
  const first = canonicalJson(value[0] ?? null);
  return value.every((v) => canonicalJson(v) === first);
}

/** Content address of an action: type, runner version, input digests (canonical order) and parameters. */
export function actionKey(binding: ActionBinding, runnerVersion: string, inputs: readonly PoolObject[]): string {
  const doc: JsonValue = {
    type: binding.definition.type,
    runner: binding.runner,
    runnerVersion,
    inputs: inputs.map((o, i) => [binding.slotNames[i] as string, o.digest]),
    params: binding.params,
    ...(binding.runnerParams && Object.keys(binding.runnerParams).length ? { runnerParams: binding.runnerParams } : {}),
  };
  return createHash('sha256').update(canonicalJson(doc)).digest('hex').slice(0, 32);
}

/**
 * Every action currently possible, counted and indexed lazily: nothing is materialised, so a pool of
 * 1,000 models (about 500,000 merge pairs) costs no memory. Reads the live pool.
 */
export class ActionSpace {
  readonly bindings: readonly ActionBinding[];
  readonly #pool: ObjectPool;
  readonly #factors: Factor[][];
  readonly #runnerVersion: (binding: ActionBinding) => string;

  constructor(pool: ObjectPool, bindings: readonly ActionBinding[], runnerVersion: (binding: ActionBinding) => string) {
    this.#pool = pool;
    this.bindings = bindings;
    this.#factors = bindings.map(factorsOf);
    this.#runnerVersion = runnerVersion;
  }

  /** Candidate objects for one position of a binding. */
  candidates(binding: number, position: number): readonly PoolObject[] {
    const b = this.#binding(binding);
    const kind = b.kinds[position];
    if (kind === undefined) throw new RangeError(`action ${b.name} has no position ${position}`);
    return this.#pool.ofKind(kind);
  }

  countFor(binding: number): number {
    let n = 1;
    for (const f of this.#factors[binding] ?? []) n *= factorSize(f, this.#pool.ofKind(f.kind).length);
    return n;
  }

  count(): number {
    let n = 0;
    for (let b = 0; b < this.bindings.length; b++) n += this.countFor(b);
    return n;
  }

  /** The `index`-th action over all bindings (binding order, then the binding's own order). */
  at(index: number): Action {
    let rest = index;
    for (let b = 0; b < this.bindings.length; b++) {
      const c = this.countFor(b);
      if (rest < c) return this.atFor(b, rest);
      rest -= c;
    }
    throw new RangeError(`action index ${index} out of range (${this.count()} actions)`);
  }

  /**
   * The `local`-th action of one binding (mixed radix over its factors; combinations and ordered
   * picks unranked). An ordered group whose per-position values are all equal is canonicalised, so
   * two indices may then name the same action (same key).
   */
  atFor(binding: number, local: number): Action {
    const b = this.#binding(binding);
    const count = this.countFor(binding);
    if (!Number.isInteger(local) || local < 0 || local >= count) {
      throw new RangeError(`action index ${local} out of range for ${b.name} (${count} actions)`);
    }
    const chosen: PoolObject[] = new Array<PoolObject>(b.kinds.length);
    let rest = local;
    const factors = this.#factors[binding] as Factor[];
    for (let i = factors.length - 1; i >= 0; i--) {
      const f = factors[i] as Factor;
      const list = this.#pool.ofKind(f.kind);
      const size = factorSize(f, list.length);
      const r = rest % size;
      rest = Math.floor(rest / size);
      const picks =
        f.positions.length === 1
          ? [r]
          : f.ordered
            ? unrankPermutation(list.length, f.positions.length, r)
            : unrankCombination(list.length, f.positions.length, r);
      f.positions.forEach((p, j) => (chosen[p] = list[picks[j] as number] as PoolObject));
    }
    return this.#finish(b, chosen);
  }

  /** Local index of an action within its binding (inverse of `atFor`). */
  indexOf(binding: number, inputs: readonly PoolObject[]): number {
    const factors = this.#factors[binding] as Factor[];
    let idx = 0;
    for (const f of factors) {
      const list = this.#pool.ofKind(f.kind);
      const positions = f.positions.map((p) => list.findIndex((o) => o.id === inputs[p]?.id));
      const size = factorSize(f, list.length);
      const r =
        f.positions.length === 1
          ? (positions[0] as number)
          : f.ordered
            ? rankPermutation(list.length, positions)
            : rankCombination(
                list.length,
                [...positions].sort((a, c) => a - c),
              );
      idx = idx * size + r;
    }
    return idx;
  }

  /**
   * Build an action from one object per position (what an LLM policy picked). Throws a RangeError
   * naming the problem when an object is not a candidate there or an unordered group repeats one.
   */
  make(binding: number, inputs: readonly PoolObject[]): Action {
    const b = this.#binding(binding);
    if (inputs.length !== b.kinds.length) {
      throw new RangeError(`action ${b.name} takes ${b.kinds.length} objects, got ${inputs.length}`);
    }
    inputs.forEach((o, p) => {
      if (o.kind !== b.kinds[p] || this.#pool.get(o.id) !== o) {
        throw new RangeError(`object ${o.name} is not a candidate for ${b.name}'s ${b.slotNames[p]} (needs ${b.kinds[p]})`);
      }
    });
    for (const g of [...b.unordered, ...(b.weighted ?? []).map((w) => w.positions)]) {
      const ids = g.map((p) => inputs[p]?.id);
      if (new Set(ids).size !== ids.length) throw new RangeError(`action ${b.name} needs distinct objects for ${g.map((p) => b.slotNames[p]).join(', ')}`);
    }
    return this.#finish(b, [...inputs]);
  }

  #binding(i: number): ActionBinding {
    const b = this.bindings[i];
    if (!b) throw new RangeError(`no action binding ${i}`);
    return b;
  }

  #finish(b: ActionBinding, inputs: PoolObject[]): Action {
    // Canonical order inside unordered groups: merging A with B is merging B with A. A weighted
    // group keeps the order chosen (the first weight belongs to the first model) unless every
    // position has the same weight.
    const canonical = [...b.unordered, ...(b.weighted ?? []).filter((w) => samePerPosition((inputs[w.paramsAt] as PoolObject).value)).map((w) => w.positions)];
    for (const g of canonical) {
      const objs = g.map((p) => inputs[p] as PoolObject).sort(byDigest);
      g.forEach((p, j) => (inputs[p] = objs[j] as PoolObject));
    }
    return {
      name: b.name,
      type: b.definition.type,
      inputs,
      params: b.params,
      key: actionKey(b, this.#runnerVersion(b), inputs),
    };
  }
}
