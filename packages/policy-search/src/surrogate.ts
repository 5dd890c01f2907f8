import type { Action, Factory, Policy, PolicyContext, PoolObject, Proposal, Selection } from '@lamdagent/core';
import { enumerateCandidates, randomUntaken } from './candidates.js';
import { coveringAction } from './cover.js';
import { Featurizer, type ActionShape } from './features.js';
import { Forest } from './forest.js';
import { Lineage } from './lineage.js';
import { namedOptions, parsePolicyOptions, SurrogateOptionsSchema, type SurrogateOptions } from './options.js';

/** Standard normal density and distribution function (Abramowitz-Stegun 7.1.26 for erf). */
const phi = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
function Phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Expected improvement of a normal prediction over `best` by at least `xi`. */
export function expectedImprovement(mean: number, sd: number, best: number, xi: number): number {
  const d = mean - best - xi;
  if (sd <= 0) return Math.max(0, d);
  const z = d / sd;
  return d * Phi(z) + sd * phi(z);
}

/** One observation: an executed action (its shape) and the reward it gave (failures: the worst reward seen). */
interface Observation {
  shape: ActionShape;
  reward: number;
}

function observations(ctx: PolicyContext): Observation[] {
  const byId = new Map(ctx.pool.map((o) => [o.id, o]));
  const out: { shape: ActionShape; reward: number | undefined }[] = [];
  for (const t of ctx.history) {
    if (t.state === 'cached' || t.cachedFrom !== undefined || t.state === 'running') continue;
    const inputs = t.action.inputs.map((i) => byId.get(i.id));
    if (inputs.some((o) => o === undefined)) continue;
    const shape = { name: t.action.name, inputs: inputs as PoolObject[] };
    if (t.state === 'complete' && t.reward !== undefined) out.push({ shape, reward: t.reward });
    else if (t.state === 'failed') out.push({ shape, reward: undefined });
  }
  const seen = [...(ctx.initial ?? []).map((s) => s.reward), ...out.flatMap((o) => (o.reward === undefined ? [] : [o.reward]))];
  const worst = seen.length ? Math.min(...seen) : 0;
  return out.map((o) => ({ shape: o.shape, reward: o.reward ?? worst }));
}

/**
 * Model-based search (sequential model-based optimization, as SMAC): a random forest over pipeline
 * features (features.ts) predicts what each untried candidate action would add to its best parent's
 * reward; the policy picks the candidate with the largest expected improvement over the best reward so
 * far (or the best of one tree, a Thompson sample). The first trials are a covering design (cover.ts:
 * every action type and every dataset or hyperparameter value once, on the best-scored model), then
 * random-type ones until `initialRandom` (at least 2) trials are observed.
 *
 * Never picks an action already run, failed, cached or running on purpose. Holds no state of its own:
 * each choice is a function of the pool, the history, the initial scores, the running actions and
 * the iteration's seeded rng, so a resumed study chooses exactly what an uninterrupted one would.
 *
 * Fallbacks (journaled with the trial as the selection's `fallback`): no untried action left (a
 * random action is repeated, so the trial is cached); one untried action (taken, no model needed);
 * observations that do not vary, or candidates the features cannot tell apart (random-type choice).
 */
export class SurrogatePolicy implements Policy {
  readonly name = 'surrogate';
  readonly #o: SurrogateOptions;

  constructor(options: unknown = {}) {
    this.#o = parsePolicyOptions('surrogate', SurrogateOptionsSchema, options);
  }

  async select(ctx: PolicyContext): Promise<Selection> {
    const r = this.#rank(ctx, false);
    return 'selection' in r ? r.selection : { action: (r.ranked[0] as Proposal).action };
  }

  /**
   * Up to `size` untried actions, best first; the first is always what `select` would choose in the
   * same context. During the covering design that is the covering action (no prediction; its `note`
   * says why), followed by the forest's ranking when it can be fitted; after it, the candidates with
   * the largest acquisition score, each with the reward the forest predicts (the best parent's reward
   * plus the predicted gain; with Thompson sampling, one tree's). Empty when the choice would be made
   * without a model: fewer than `initialRandom` (at least 2) observed trials, or a fallback.
   */
  async propose(ctx: PolicyContext, size: number): Promise<Proposal[]> {
    const r = this.#rank(ctx, true);
    return 'selection' in r ? [] : r.ranked.slice(0, Math.max(0, size));
  }

  /**
   * The candidates ranked, best first (ties keep the candidates' seeded order), the covering action
   * first while the design is not covered; or the selection made without a model. `select` stops at
   * the covering action; `propose` (`all`) also ranks the others.
   */
  #rank(ctx: PolicyContext, all: boolean): { selection: Selection } | { ranked: Proposal[] } {
    const lineage = new Lineage(ctx);
    const cands = enumerateCandidates(ctx, lineage, this.#o.candidates, this.#o.parents);
    if (cands.length === 0) return { selection: repeat(ctx, lineage, 'surrogate: no untried action among the candidates: repeating one (it will be cached)') };
    if (cands.length === 1) return { selection: { action: cands[0] as Action, fallback: 'surrogate: one untried action left: taken without a model' } };
    const covering = this.#o.initialDesign === 'cover' ? coveringAction(ctx, lineage) : undefined;
    if (covering && !all) return { selection: { action: covering } };
    const model = this.#model(ctx, lineage, cands);
    if (!covering) return model;
    const rest = 'ranked' in model ? model.ranked.filter((p) => p.action.key !== covering.key) : [];
    return { ranked: [{ action: covering, note: 'covering design: a dataset or value not tried yet, on the best-scored model' }, ...rest] };
  }

  /** The forest's ranking of `cands`, or the selection made without one (too few observations, a fallback). */
  #model(ctx: PolicyContext, lineage: Lineage, cands: Action[]): { selection: Selection } | { ranked: Proposal[] } {
    const obs = observations(ctx);
    if (obs.length < Math.max(2, this.#o.initialRandom)) return { selection: { action: randomUntaken(ctx, lineage) ?? ctx.rng.pick(cands) } };
    const f = new Featurizer(ctx, lineage);
    const y = obs.map((o) => o.reward - f.base(o.shape));
    if (y.every((v) => v === y[0])) return { selection: this.#fallback(ctx, lineage, cands, `${obs.length} observation(s) whose rewards do not vary`) };
    const vectors = cands.map((a) => f.vector(a));
    const first = JSON.stringify(vectors[0]);
    if (vectors.every((v) => JSON.stringify(v) === first))
      return { selection: this.#fallback(ctx, lineage, cands, 'the features cannot tell the candidates apart') };
    const forest = new Forest(
      obs.map((o) => f.vector(o.shape)),
      y,
      ctx.rng,
      this.#o,
    );
    const best = Math.max(lineage.best, ...obs.map((o) => o.reward));
    const tree = ctx.rng.int(this.#o.trees);
    const scored = cands.map((action, i) => {
      const v = vectors[i] as number[];
      const base = f.base(action);
      if (this.#o.acquisition === 'thompson') {
        const predicted = base + (forest.perTree(v)[tree] as number);
        return { proposal: { action, predicted }, score: predicted };
      }
      const p = forest.predict(v);
      const score = expectedImprovement(base + p.mean, Math.max(p.sd, this.#o.minSd), best, this.#o.xi);
      return { proposal: { action, predicted: base + p.mean, sd: p.sd }, score };
    });
    // A stable sort: among equal scores the first candidate wins, as the single choice always did.
    scored.sort((a, b) => b.score - a.score);
    return { ranked: scored.map((s) => s.proposal) };
  }

  #fallback(ctx: PolicyContext, lineage: Lineage, cands: Action[], why: string): Selection {
    return { action: randomUntaken(ctx, lineage) ?? ctx.rng.pick(cands), fallback: `surrogate: no model (${why}): random-type choice` };
  }
}

/** Every action was taken: a random one again (the study serves it from its cache), saying so. */
export function repeat(ctx: PolicyContext, _lineage: Lineage, why: string): Selection {
  const types = ctx.space.bindings.map((_, i) => i).filter((i) => ctx.space.countFor(i) > 0);
  if (types.length === 0) throw new Error('no action is possible: every action type lacks candidates for some slot');
  const b = ctx.rng.pick(types);
  return { action: ctx.space.atFor(b, ctx.rng.int(ctx.space.countFor(b))), fallback: why };
}

export const surrogatePolicyFactory: Factory<Policy, SurrogateOptions> = {
  name: 'surrogate',
  description:
    'model-based: a random forest over pipeline features (lineage rewards, action, data, hyperparameters), expected improvement or Thompson sampling',
  optionsSchema: namedOptions('surrogate', SurrogateOptionsSchema),
  create: (o) => new SurrogatePolicy(o),
};
