import { aggregatorFactories } from './aggregators.js';
import { executorFactories } from './executors-local.js';
import { CORE_API_VERSION, definePlugin, type PluginManifest } from './plugin.js';
import { greedyPolicyFactory } from './policies-greedy.js';
import { randomPolicyFactory, randomTypePolicyFactory } from './policies-random.js';
import type { Registry } from './registry.js';

/** What core itself provides: random policies, local executors, aggregators. */
export const corePlugin: PluginManifest = definePlugin({
  name: '@lamdagent/core',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  description: 'built-in policies, executors and aggregators',
  provides: { policies: ['random', 'random-type', 'greedy'], executors: ['inprocess', 'subprocess'], aggregators: ['mean', 'weighted-sum'] },
  register(r) {
    r.policy(randomPolicyFactory);
    r.policy(randomTypePolicyFactory);
    r.policy(greedyPolicyFactory);
    for (const f of executorFactories) r.executor(f);
    for (const f of aggregatorFactories) r.aggregator(f);
  },
});

export async function registerBuiltins(registry: Registry): Promise<void> {
  await corePlugin.register(registry.forPlugin(corePlugin.name));
}
