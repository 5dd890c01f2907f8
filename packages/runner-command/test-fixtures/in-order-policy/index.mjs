// A test policy that makes a study's pipeline deterministic: trial i runs an action of
// `options.order[i]` (an action name of the config, cycling), choosing among that action's candidates
// not run yet the one built from the newest pool objects (so a merge takes the models just trained).
// Plain JS importing nothing from core, as a third-party plugin would.
const policy = {
  name: 'in-order',
  description: 'trial i runs action options.order[i], on the newest objects',
  create(options) {
    const order = options?.order;
    if (!Array.isArray(order) || order.length === 0) throw new Error('in-order policy: options.order must list action names');
    return {
      name: 'in-order',
      async select(ctx) {
        const want = order[ctx.iteration % order.length];
        const b = ctx.space.bindings.findIndex((x) => x.name === want);
        if (b < 0) throw new Error(`in-order policy: no action named ${want}`);
        const done = new Set([...ctx.history.map((t) => t.actionKey ?? t.action?.key), ...ctx.pending.map((a) => a.key)]);
        const rank = new Map(ctx.pool.map((o, i) => [o.id, i]));
        let best;
        let bestScore = -1;
        for (let i = 0; i < ctx.space.countFor(b); i++) {
          const a = ctx.space.atFor(b, i);
          if (done.has(a.key)) continue;
          const score = a.inputs.reduce((s, o) => s + (rank.get(o.id) ?? 0), 0);
          if (score > bestScore) {
            best = a;
            bestScore = score;
          }
        }
        if (!best) throw new Error(`in-order policy: every ${want} action has run`);
        return { action: best };
      },
    };
  },
};

export default {
  name: 'in-order-policy',
  version: '1.0.0',
  apiVersion: 1,
  provides: { policies: ['in-order'] },
  register(r) {
    r.policy(policy);
  },
};
