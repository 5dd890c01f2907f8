import { typesWithCandidates } from './kit/candidates.js';
import type { Factory, Policy, PolicyContext, Selection } from './policy.js';

/** Paper's ablation baseline: uniform over every enumerated action, so merges dominate as the pool grows. */
export class RandomPolicy implements Policy {
  readonly name = 'random';
  async select(ctx: PolicyContext): Promise<Selection> {
    const n = ctx.space.count();
    if (n === 0) throw new Error('no action is possible: every action type lacks candidates for some slot');
    return { action: ctx.space.at(ctx.rng.int(n)) };
  }
}

/** Uniform over action types (that have candidates), then uniform over that type's actions. */
export class RandomTypePolicy implements Policy {
  readonly name = 'random-type';
  async select(ctx: PolicyContext): Promise<Selection> {
    const types = typesWithCandidates(ctx.space);
    if (types.length === 0) throw new Error('no action is possible: every action type lacks candidates for some slot');
    const b = ctx.rng.pick(types);
    return { action: ctx.space.atFor(b, ctx.rng.int(ctx.space.countFor(b))) };
  }
}

export const randomPolicyFactory: Factory<Policy, unknown> = {
  name: 'random',
  description: "uniform over all enumerated actions (the paper's Policy=Random)",
  create: () => new RandomPolicy(),
};

export const randomTypePolicyFactory: Factory<Policy, unknown> = {
  name: 'random-type',
  description: "uniform over action types, then over that type's actions",
  create: () => new RandomTypePolicy(),
};
