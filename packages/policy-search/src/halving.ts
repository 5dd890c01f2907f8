import type { Action, Factory, Policy, PolicyContext, PoolObject, Selection, TrialRecord } from '@lamdagent/core';
import { typesWithCandidates } from '@lamdagent/core/kit';
import { childOf, tryMake } from './candidates.js';
import { EvolutionPolicy, population } from './evolution.js';
import { Fidelity } from './fidelity.js';
import { Lineage } from './lineage.js';
import { HalvingOptionsSchema, namedOptions, parsePolicyOptions, type HalvingOptions } from './options.js';
import { repeat } from './surrogate.js';

/**
 * Multi-fidelity search by successive halving over next steps: a candidate step (a tournament-selected
 * full-fidelity parent plus one action, as `evolution`) whose dataset has a low-fidelity variant (a
 * fraction of the data) runs first on that variant, a cheap screen; after every `screens` screens (a
 * rung), the best 1/`eta` of them run again on the full data, and only full-fidelity models become
 * parents. Steps without such a dataset (merges) run at full fidelity directly. This rests on data-size
 * scaling preserving the ranking of pipelines (the paper's Section 5).
 *
 * Holds no state outside the journal (rungs are the screens in history order), respects running
 * trials, never picks an executed action on purpose. Fallbacks (journaled): no low-fidelity variant in
 * the pool, then it chooses as `evolution` does and says so; nothing untried found, a repeat.
 */
export class HalvingPolicy implements Policy {
  readonly name = 'halving';
  readonly #o: HalvingOptions;
  readonly #single: EvolutionPolicy;

  constructor(options: unknown = {}) {
    this.#o = parsePolicyOptions('halving', HalvingOptionsSchema, options);
    this.#single = new EvolutionPolicy({ population: this.#o.population, tournament: this.#o.tournament, maxTries: this.#o.maxTries });
  }

  async select(ctx: PolicyContext): Promise<Selection> {
    const fid = new Fidelity(ctx.pool, this.#o.low);
    if (fid.problems.length) throw new Error(`halving policy, option low: ${fid.problems.join('; ')}`);
    if (fid.size === 0) {
      const sel = await this.#single.select(ctx);
      return {
        ...sel,
        fallback: sel.fallback ?? 'halving: no low-fidelity dataset variant in the pool (option low, or x.0.25x.jsonl files): chose as evolution',
      };
    }
    const lineage = new Lineage(ctx);
    const byId = new Map(ctx.pool.map((o) => [o.id, o]));
    const isScreen = (ids: readonly string[]): boolean => ids.some((id) => fid.isLow(id));
    const screenModel = (o: PoolObject): boolean => o.provenance !== undefined && isScreen(o.provenance.inputs);
    const promoted = this.#promotion(ctx, lineage, fid, byId);
    if (promoted) return { action: promoted };
    const pop = population(ctx, lineage, this.#o.population, (o) => !screenModel(o));
    const types = typesWithCandidates(ctx.space);
    if (types.length === 0) throw new Error('no action is possible: every action type lacks candidates for some slot');
    const { rng } = ctx;
    for (let i = 0; i < this.#o.maxTries && pop.length; i++) {
      const parent = rng.sample(pop, Math.min(this.#o.tournament, pop.length)).reduce((a, b) => (b.reward > a.reward ? b : a));
      const child = childOf(ctx, rng.pick(types), parent.obj);
      if (!child || child.inputs.some((o) => o.type === 'model' && screenModel(o))) continue;
      // The screen of this step: every full dataset with a low variant replaced by it.
      const b = ctx.space.bindings.findIndex((x) => x.name === child.name);
      const screen = tryMake(
        ctx,
        b,
        child.inputs.map((o) => byId.get(fid.lowOf(o.id) ?? o.id) ?? o),
      );
      const a = screen ?? child;
      const full = isScreen(a.inputs.map((o) => o.id)) ? this.#fullOf(ctx, fid, byId, a) : undefined;
      if (lineage.taken.has(a.key) || (full && lineage.taken.has(full.key))) continue;
      return { action: a };
    }
    return repeat(ctx, lineage, `halving: no untried screen or step found in ${this.#o.maxTries} draws: repeating one (it will be cached)`);
  }

  /** The full-fidelity action of a screen (its low objects replaced by the full ones). */
  #fullOf(ctx: PolicyContext, fid: Fidelity, byId: Map<string, PoolObject>, a: { name: string; inputs: readonly { id: string }[] }): Action | undefined {
    const b = ctx.space.bindings.findIndex((x) => x.name === a.name);
    const inputs = a.inputs.map((o) => byId.get(fid.fullOf(o.id)));
    if (b < 0 || inputs.some((o) => o === undefined)) return undefined;
    return tryMake(ctx, b, inputs as PoolObject[]);
  }

  /** The next promotion: in each finished rung (oldest first), its best 1/eta screens' full runs not taken yet. */
  #promotion(ctx: PolicyContext, lineage: Lineage, fid: Fidelity, byId: Map<string, PoolObject>): Action | undefined {
    const screens = ctx.history.filter((t) => t.cachedFrom === undefined && t.state !== 'cached' && t.action.inputs.some((i) => fid.isLow(i.id)));
    const keep = Math.ceil(this.#o.screens / this.#o.eta);
    for (let r = 0; r + this.#o.screens <= screens.length; r += this.#o.screens) {
      const rung = screens.slice(r, r + this.#o.screens).filter((t): t is TrialRecord & { reward: number } => t.state === 'complete' && t.reward !== undefined);
      const best = [...rung].sort((x, y) => y.reward - x.reward || x.index - y.index).slice(0, keep);
      for (const t of best) {
        const full = this.#fullOf(ctx, fid, byId, t.action);
        if (full && !lineage.taken.has(full.key)) return full;
      }
    }
    return undefined;
  }
}

export const halvingPolicyFactory: Factory<Policy, HalvingOptions> = {
  name: 'halving',
  description: 'multi-fidelity successive halving: each step is screened on a fraction of its data first; the best 1/eta of each rung run on the full data',
  optionsSchema: namedOptions('halving', HalvingOptionsSchema),
  create: (o) => new HalvingPolicy(o),
};
