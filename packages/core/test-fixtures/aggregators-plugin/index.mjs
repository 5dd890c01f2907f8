// Two nonlinear aggregators for early-stopping tests, beside the toy plugin: the best in-reward task (monotone,
// declared), and a reward that falls as the first task rises past the second (not monotone, undeclared).
// Plain JS that imports nothing from core, as a third-party plugin would.
export default {
  name: 'toy-aggregators',
  version: '1.0.0',
  apiVersion: 1,
  provides: { aggregators: ['toy-max', 'toy-gap'] },
  register(r) {
    const inReward = (results, tasks) => tasks.filter((t) => t.inReward).map((t) => t.alpha * results.find((x) => x.task === t.name).score);
    r.aggregator({
      name: 'toy-max',
      create: () => ({ name: 'toy-max', monotone: true, aggregate: (results, tasks) => Math.max(0, ...inReward(results, tasks)) }),
    });
    r.aggregator({
      name: 'toy-gap',
      create: () => ({
        name: 'toy-gap',
        aggregate: (results, tasks) => {
          const [a = 0, b = 0] = inReward(results, tasks);
          return b - Math.abs(a - b);
        },
      }),
    });
  },
};
