// The smallest useful policy plugin, written from docs/plugins.md: the first untried, non-running action.
import { CORE_API_VERSION, definePlugin } from '@lamdagent/core';

export default definePlugin({
  name: 'first-untried',
  version: '1.0.0',
  apiVersion: CORE_API_VERSION,
  provides: { policies: ['first-untried'] },
  register(r) {
    r.policy({
      name: 'first-untried',
      create: () => ({
        name: 'first-untried',
        async select({ space, history, pending }) {
          const busy = new Set([...history.map((t) => t.action.key), ...pending.map((a) => a.key)]);
          for (let i = 0; i < space.count(); i++) if (!busy.has(space.at(i).key)) return { action: space.at(i) };
          return { action: space.at(0), fallback: 'every action was tried' };
        },
      }),
    });
  },
});
