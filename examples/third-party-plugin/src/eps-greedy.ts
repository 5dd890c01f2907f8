import { z, type Factory, type Policy } from '@lamdagent/core';

const Options = z.object({ epsilon: z.number().min(0).max(1).default(0.2) }).strict();

/** Epsilon-greedy: mostly build on the best model so far, never re-pick a tried or running action. */
export const epsGreedy: Factory<Policy, z.infer<typeof Options>> = {
  name: 'eps-greedy',
  description: 'builds on the best model so far; explores with probability epsilon',
  optionsSchema: Options,
  create: ({ epsilon }) => ({
    name: 'eps-greedy',
    async select({ space, history, pending, rng }) {
      const tried = new Set([...history.map((t) => t.action.key), ...pending.map((a) => a.key)]);
      const draws = Array.from({ length: 64 }, () => space.at(rng.int(space.count())));
      const fresh = draws.filter((a) => !tried.has(a.key));
      if (fresh.length === 0) return { action: draws[0]!, fallback: 'no untried action in 64 draws' };
      const best = history.filter((t) => t.state === 'complete').sort((a, b) => (b.reward ?? 0) - (a.reward ?? 0))[0]?.produced?.id;
      const exploit = best && rng.next() >= epsilon ? fresh.filter((a) => a.inputs.some((o) => o.id === best)) : [];
      return { action: rng.pick(exploit.length > 0 ? exploit : fresh) };
    },
  }),
};
