import type { Factory, Policy, PolicyContext, PoolObject, Selection } from '@lamdagent/core';
import { typesWithCandidates } from '@lamdagent/core/kit';
import { childOf, randomUntaken, siblingOf } from './candidates.js';
import { Lineage } from './lineage.js';
import { EvolutionOptionsSchema, namedOptions, parsePolicyOptions, type EvolutionOptions } from './options.js';
import { repeat } from './surrogate.js';

export interface Member {
  obj: PoolObject;
  reward: number;
}

/**
 * The living population: the initial models (once scored; the one entry per model whose kind trials
 * produce into, when it is listed under several kinds) then the produced models in the order their
 * trials finished; only the last `size` live (aging, as in regularized evolution).
 */
export function population(ctx: PolicyContext, lineage: Lineage, size: number, keep: (o: PoolObject) => boolean = () => true): Member[] {
  const byId = new Map(ctx.pool.map((o) => [o.id, o]));
  const produces = new Set(ctx.space.bindings.map((b) => b.produces));
  const out: Member[] = [];
  const seenDigest = new Set<string>();
  const initial = [...(ctx.initial ?? [])].sort((a, b) => Number(produces.has(byId.get(b.id)?.kind ?? '')) - Number(produces.has(byId.get(a.id)?.kind ?? '')));
  for (const s of initial) {
    const o = byId.get(s.id);
    if (!o || seenDigest.has(s.digest) || !keep(o)) continue;
    seenDigest.add(s.digest);
    out.push({ obj: o, reward: s.reward });
  }
  const seenId = new Set<string>();
  for (const t of ctx.history) {
    if (t.state !== 'complete' || !t.produced || seenId.has(t.produced.id)) continue;
    const o = byId.get(t.produced.id);
    const r = lineage.reward(t.produced.id);
    if (!o || r === undefined || !keep(o)) continue;
    seenId.add(o.id);
    out.push({ obj: o, reward: r });
  }
  return out.slice(-size);
}

/**
 * Regularized evolution over lineages (Real et al., 2019): a tournament of `tournament` random
 * members of the living population picks a parent (the best of them), and the child is one more step
 * on it: an action of a random type that takes the parent as a model input, the other inputs random,
 * a merge's second model another tournament winner with chance `crossover`. The oldest members age
 * out, so a lucky early model cannot hold the search forever. A produced parent is, with chance
 * `vary`, varied instead: the action that made it with one input changed (another dataset, value
 * or parent model), a point mutation of the pipeline's last step. With chance `explore`, or before any
 * model is scored, a random-type action.
 *
 * Never picks an action already run, failed, cached or running on purpose; holds no state of its
 * own (the population is rebuilt from the journal's history at each choice), so a resumed study
 * chooses exactly what an uninterrupted one would. Fallback (journaled): no untried child or action
 * found in `maxTries` draws, then a random action is repeated (served by the study's cache).
 */
export class EvolutionPolicy implements Policy {
  readonly name = 'evolution';
  readonly #o: EvolutionOptions;

  constructor(options: unknown = {}) {
    this.#o = parsePolicyOptions('evolution', EvolutionOptionsSchema, options);
  }

  async select(ctx: PolicyContext): Promise<Selection> {
    const { rng } = ctx;
    const lineage = new Lineage(ctx);
    const pop = population(ctx, lineage, this.#o.population);
    const types = typesWithCandidates(ctx.space);
    if (types.length === 0) throw new Error('no action is possible: every action type lacks candidates for some slot');
    if (pop.length > 0 && rng.next() >= this.#o.explore) {
      const winner = (): Member => rng.sample(pop, Math.min(this.#o.tournament, pop.length)).reduce((a, b) => (b.reward > a.reward ? b : a));
      for (let i = 0; i < this.#o.maxTries; i++) {
        const parent = winner();
        if (parent.obj.provenance && rng.next() < this.#o.vary) {
          const sibling = siblingOf(ctx, parent.obj);
          if (sibling && !lineage.taken.has(sibling.key)) return { action: sibling };
          continue;
        }
        const partner = pop.length > 1 && rng.next() < this.#o.crossover ? winner() : undefined;
        const child = childOf(ctx, rng.pick(types), parent.obj, partner && partner.obj.id !== parent.obj.id ? partner.obj : undefined);
        if (child && !lineage.taken.has(child.key)) return { action: child };
      }
    }
    const a = randomUntaken(ctx, lineage, this.#o.maxTries);
    if (a) return { action: a };
    return repeat(ctx, lineage, `evolution: no untried action found in ${this.#o.maxTries} draws: repeating one (it will be cached)`);
  }
}

export const evolutionPolicyFactory: Factory<Policy, EvolutionOptions> = {
  name: 'evolution',
  description: 'regularized evolution over lineages: tournament-selected parents get one more step (mutation) or are merged (crossover); old models age out',
  optionsSchema: namedOptions('evolution', EvolutionOptionsSchema),
  create: (o) => new EvolutionPolicy(o),
};
