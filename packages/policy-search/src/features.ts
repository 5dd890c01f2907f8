import type { PoolObject, PolicyContext } from '@lamdagent/core';
import type { Lineage } from './lineage.js';

/** What an action is, for the surrogate: its binding name and one object per position. */
export interface ActionShape {
  name: string;
  inputs: readonly PoolObject[];
}

/**
 * Feature vectors of actions over pipelines, so a model learns "model X plus one SFT step on dataset
 * D": the action (one-hot over the bound actions), each non-model input (one-hot over the datasets and
 * hyperparameter values of the pool), the model inputs' rewards (max, mean, min, and the share never
 * scored), their depth, how often the lineage already used this action's datasets and values, the
 * action that produced the best parent, and the initial models its lineage starts from. The target is
 * the change of reward over the best parent, so what one step adds transfers between lineages.
 */
export class Featurizer {
  readonly names: string[] = [];
  readonly #binding = new Map<string, number>();
  readonly #object = new Map<string, number>();
  readonly #root = new Map<string, number>();
  readonly #producedBy: number;
  readonly #numeric: number;
  readonly #lineage: Lineage;
  readonly #byId: Map<string, PoolObject>;
  readonly #prior: number;

  constructor(ctx: PolicyContext, lineage: Lineage) {
    this.#lineage = lineage;
    this.#byId = new Map(ctx.pool.map((o) => [o.id, o]));
    const rewards = lineage.rewards;
    this.#prior = rewards.length ? rewards.reduce((a, b) => a + b, 0) / rewards.length : 0;
    for (const b of ctx.space.bindings) this.#add(this.#binding, b.name, `action=${b.name}`);
    for (const o of ctx.pool) if (o.type !== 'model') this.#add(this.#object, o.id, `uses=${o.name}`);
    for (const o of ctx.pool) if (o.type === 'model' && !o.provenance) this.#add(this.#root, o.digest, `root=${o.name}`);
    this.#producedBy = this.names.length;
    for (const b of ctx.space.bindings) this.names.push(`parentBy=${b.name}`);
    this.#numeric = this.names.length;
    this.names.push('parents', 'parentMax', 'parentMean', 'parentMin', 'parentUnscored', 'depth', 'repeats');
  }

  #add(map: Map<string, number>, key: string, name: string): void {
    if (map.has(key)) return;
    map.set(key, this.names.length);
    this.names.push(name);
  }

  get size(): number {
    return this.names.length;
  }

  /** The best parent's reward (the base the target is measured from); the mean reward when there is none. */
  base(a: ActionShape): number {
    const r = this.#parentRewards(a);
    return r.known.length ? Math.max(...r.known) : this.#prior;
  }

  #parentRewards(a: ActionShape): { known: number[]; unknown: number } {
    const known: number[] = [];
    let unknown = 0;
    for (const o of a.inputs) {
      if (o.type !== 'model') continue;
      const r = this.#lineage.reward(o.id);
      if (r === undefined) unknown++;
      else known.push(r);
    }
    return { known, unknown };
  }

  vector(a: ActionShape): number[] {
    const v = new Array<number>(this.size).fill(0);
    const b = this.#binding.get(a.name);
    if (b !== undefined) v[b] = 1;
    const parents = a.inputs.filter((o) => o.type === 'model');
    let repeats = 0;
    for (const o of a.inputs) {
      if (o.type === 'model') continue;
      const i = this.#object.get(o.id);
      if (i !== undefined) v[i] = (v[i] ?? 0) + 1;
      repeats += Math.max(0, ...parents.map((p) => this.#lineage.used(p.id).get(o.id) ?? 0));
    }
    for (const p of parents) for (const root of this.#roots(p)) v[this.#root.get(root) as number] = 1;
    const { known, unknown } = this.#parentRewards(a);
    const best = parents
      .filter((p) => this.#lineage.reward(p.id) !== undefined)
      .sort((x, y) => (this.#lineage.reward(y.id) as number) - (this.#lineage.reward(x.id) as number))[0];
    const by = best?.provenance?.action;
    if (by !== undefined) {
      const i = this.#binding.get(by);
      if (i !== undefined) v[this.#producedBy + i] = 1;
    }
    const k = this.#numeric;
    const list = known.length ? known : [this.#prior];
    v[k] = parents.length;
    v[k + 1] = Math.max(...list);
    v[k + 2] = list.reduce((s, x) => s + x, 0) / list.length;
    v[k + 3] = Math.min(...list);
    v[k + 4] = parents.length ? unknown / parents.length : 0;
    v[k + 5] = parents.length ? Math.max(...parents.map((p) => this.#lineage.depth(p.id))) : 0;
    v[k + 6] = repeats;
    return v;
  }

  /** Digests of the initial models a model's lineage starts from. */
  #roots(o: PoolObject, seen = new Set<string>()): string[] {
    if (seen.has(o.id)) return [];
    seen.add(o.id);
    if (!o.provenance) return this.#root.has(o.digest) ? [o.digest] : [];
    return o.provenance.inputs.flatMap((id) => {
      const p = this.#byId.get(id);
      return p && p.type === 'model' ? this.#roots(p, seen) : [];
    });
  }
}
