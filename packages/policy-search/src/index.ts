import { CORE_API_VERSION, definePlugin } from '@lamdagent/core';
import pkg from '../package.json' with { type: 'json' };
import { evolutionPolicyFactory } from './evolution.js';
import { surrogatePolicyFactory } from './surrogate.js';

export { SurrogatePolicy, surrogatePolicyFactory, expectedImprovement } from './surrogate.js';
export { EvolutionPolicy, evolutionPolicyFactory } from './evolution.js';
export { SurrogateOptionsSchema, EvolutionOptionsSchema, namedOptions, parsePolicyOptions, type SurrogateOptions, type EvolutionOptions } from './options.js';
export { Forest, type ForestOptions } from './forest.js';
export { Featurizer, type ActionShape } from './features.js';
export { Lineage } from './lineage.js';

/** The plugin: registers the `surrogate` and `evolution` policies. */
export default definePlugin({
  name: pkg.name,
  version: pkg.version,
  apiVersion: CORE_API_VERSION,
  description: pkg.description,
  provides: { policies: ['surrogate', 'evolution'] },
  register(registry) {
    registry.policy(surrogatePolicyFactory);
    registry.policy(evolutionPolicyFactory);
  },
});
