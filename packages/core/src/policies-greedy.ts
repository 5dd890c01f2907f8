import { z } from 'zod';
import type { Action } from './action-type.js';
import type { PoolObject } from './objects.js';
import { typesWithCandidates } from './kit/candidates.js';
import type { Factory, Policy, PolicyContext, Selection } from './policy.js';

export const GreedyOptionsSchema = z
  .object({
    /** Probability of exploring (a random untried action) instead of building on a top model. */
    epsilon: z.number().min(0).max(1).default(0.3),
    /** How many of the best models so far count as parents when exploiting. */
    topK: z.number().int().positive().default(3),
    /** Draws per choice before giving up on finding an untried action. */
    maxTries: z.number().int().positive().default(64),
  })
  .strict();
export type GreedyOptions = z.infer<typeof GreedyOptionsSchema>;

/**
 * A non-LLM search policy that builds pipelines: with probability 1-epsilon it takes one of the top-k
 * models so far (initial models included, once scored) as the parent of a new action (random type, the other slots random), otherwise it
 * explores; in both cases it prefers actions not tried yet and never picks a running one.
 */
export class GreedyPolicy implements Policy {
  readonly name = 'greedy';
  readonly #o: GreedyOptions;
  constructor(options: Partial<GreedyOptions> = {}) {
    this.#o = GreedyOptionsSchema.parse(options);
  }

  async select(ctx: PolicyContext): Promise<Selection> {
    const { space, rng } = ctx;
    const tried = new Set<string>([...ctx.history.map((t) => t.action.key), ...ctx.pending.map((a) => a.key)]);
    const types = typesWithCandidates(space);
    if (types.length === 0) throw new Error('no action is possible: every action type lacks candidates for some slot');
    // Initial models (base, specialists) are parents like produced ones, so a pipeline can start from the best of them.
    const rewardOf = new Map<string, number>();
    for (const s of ctx.initial ?? []) rewardOf.set(s.id, s.reward);
    for (const t of ctx.history) if (t.state === 'complete' && t.produced && t.reward !== undefined) rewardOf.set(t.produced.id, t.reward);
    const top = [...rewardOf.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, this.#o.topK)
      .map(([id]) => id);
    const untried = (a: Action): boolean => !tried.has(a.key);
    if (top.length > 0 && rng.next() >= this.#o.epsilon) {
      for (let i = 0; i < this.#o.maxTries; i++) {
        const b = rng.pick(types);
        const positions = space.bindings[b]!.kinds.map((_, p) => p).filter((p) => space.candidates(b, p).some((o) => top.includes(o.id)));
        if (positions.length === 0) continue;
        const parentPos = rng.pick(positions);
        const inputs: PoolObject[] = space.bindings[b]!.kinds.map((_, p) => {
          const c = space.candidates(b, p);
          if (p === parentPos) return rng.pick(c.filter((o) => top.includes(o.id)));
          return rng.pick(c);
        });
        let action: Action;
        try {
          action = space.make(b, inputs);
        } catch {
          continue;
        }
        if (untried(action)) return { action };
      }
    }
    for (let i = 0; i < this.#o.maxTries; i++) {
      const b = rng.pick(types);
      const action = space.atFor(b, rng.int(space.countFor(b)));
      if (untried(action)) return { action };
    }
    const b = rng.pick(types);
    return { action: space.atFor(b, rng.int(space.countFor(b))), fallback: 'no untried action found: repeating one (it will be cached)' };
  }
}

export const greedyPolicyFactory: Factory<Policy, GreedyOptions> = {
  name: 'greedy',
  description: 'builds on the top-k models so far (epsilon-greedy), prefers untried actions',
  optionsSchema: GreedyOptionsSchema,
  create: (o) => new GreedyPolicy(o),
};
