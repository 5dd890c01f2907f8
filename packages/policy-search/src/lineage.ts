import type { Action, PoolObject, PolicyContext } from '@lamdagent/core';

/**
 * What the history says about each model of the pool: its validation reward (initial models once
 * scored, produced models from their trial), its depth in the pipeline tree, and which non-model
 * objects (datasets, hyperparameter values) its lineage already used. Rebuilt from the context at each
 * selection, so a resumed study sees exactly what an uninterrupted one would.
 */
export class Lineage {
  readonly #byId = new Map<string, PoolObject>();
  readonly #reward = new Map<string, number>();
  readonly #depth = new Map<string, number>();
  readonly #used = new Map<string, Map<string, number>>();
  /** Action keys chosen before (complete, cached, failed) or running now: never chosen on purpose. */
  readonly taken = new Set<string>();
  /** Rewards of the initial models (scored) and of the complete trials. */
  readonly rewards: number[] = [];
  readonly best: number;

  constructor(ctx: PolicyContext) {
    for (const o of ctx.pool) this.#byId.set(o.id, o);
    for (const s of ctx.initial ?? []) {
      this.#reward.set(s.id, s.reward);
      this.rewards.push(s.reward);
    }
    for (const t of ctx.history) {
      this.taken.add(t.action.key);
      if (t.state === 'complete' && t.produced && t.reward !== undefined) {
        this.#reward.set(t.produced.id, t.reward);
        this.rewards.push(t.reward);
      }
    }
    for (const a of ctx.pending) this.taken.add(a.key);
    this.best = this.rewards.length ? Math.max(...this.rewards) : Number.NEGATIVE_INFINITY;
  }

  isModel(o: PoolObject): boolean {
    return o.type === 'model';
  }

  /** The reward of a model, or undefined when it was never scored. */
  reward(id: string): number | undefined {
    return this.#reward.get(id);
  }

  /** Models with a reward, best first (ties by id, so the order is deterministic). */
  ranked(): { id: string; reward: number }[] {
    return [...this.#reward.entries()].map(([id, reward]) => ({ id, reward })).sort((a, b) => b.reward - a.reward || (a.id < b.id ? -1 : 1));
  }

  /** Steps from an initial model (0 for initial models). */
  depth(id: string): number {
    const known = this.#depth.get(id);
    if (known !== undefined) return known;
    const o = this.#byId.get(id);
    const parents = (o?.provenance?.inputs ?? []).filter((p) => this.#byId.get(p)?.type === 'model');
    const d = parents.length ? 1 + Math.max(...parents.map((p) => this.depth(p))) : 0;
    this.#depth.set(id, d);
    return d;
  }

  /** How often each non-model object was an input somewhere in the lineage of a model. */
  used(id: string): ReadonlyMap<string, number> {
    const known = this.#used.get(id);
    if (known) return known;
    const out = new Map<string, number>();
    this.#used.set(id, out);
    for (const p of this.#byId.get(id)?.provenance?.inputs ?? []) {
      const o = this.#byId.get(p);
      if (!o) continue;
      if (o.type === 'model') for (const [k, n] of this.used(p)) out.set(k, (out.get(k) ?? 0) + n);
      else out.set(p, (out.get(p) ?? 0) + 1);
    }
    return out;
  }

  /** The model inputs of an action. */
  parents(a: Action): PoolObject[] {
    return a.inputs.filter((o) => o.type === 'model');
  }
}
