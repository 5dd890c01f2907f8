import { CORE_API_VERSION, definePlugin, z, type Factory, type Policy } from '@lamdagent/core';

const Options = z.object({ draws: z.number().int().positive().default(64) }).strict();

/** Replace the strategy with yours: this one picks uniformly among untried actions (never a running one). */
export const policy: Factory<Policy, z.infer<typeof Options>> = {
  name: '__NAME__',
  description: 'uniform over untried actions',
  optionsSchema: Options,
  create: ({ draws }) => ({
    name: '__NAME__',
    async select({ space, history, pending, rng }) {
      const tried = new Set([...history.map((t) => t.action.key), ...pending.map((a) => a.key)]);
      const picks = Array.from({ length: draws }, () => space.at(rng.int(space.count())));
      const fresh = picks.filter((a) => !tried.has(a.key));
      if (fresh.length === 0) return { action: picks[0]!, fallback: `no untried action in ${draws} draws` };
      return { action: rng.pick(fresh) };
    },
  }),
};

export default definePlugin({
  name: '__PKG__',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  provides: { policies: ['__NAME__'] },
  register(r) {
    r.policy(policy);
  },
});
