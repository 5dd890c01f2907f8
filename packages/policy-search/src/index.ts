import { CORE_API_VERSION, definePlugin } from '@lamdagent/core';
import pkg from '../package.json' with { type: 'json' };
import { evolutionPolicyFactory } from './evolution.js';
import { halvingPolicyFactory } from './halving.js';
import { surrogatePolicyFactory } from './surrogate.js';

export { SurrogatePolicy, surrogatePolicyFactory, expectedImprovement } from './surrogate.js';
export { EvolutionPolicy, evolutionPolicyFactory } from './evolution.js';
export { HalvingPolicy, halvingPolicyFactory } from './halving.js';
export { Fidelity } from './fidelity.js';
export {
  SurrogateOptionsSchema,
  EvolutionOptionsSchema,
  HalvingOptionsSchema,
  type HalvingOptions,
  namedOptions,
  parsePolicyOptions,
  type SurrogateOptions,
  type EvolutionOptions,
} from './options.js';
export { Forest, type ForestOptions } from './forest.js';
export { Featurizer, type ActionShape } from './features.js';
export { Lineage } from './lineage.js';

/** The plugin: registers the `surrogate`, `evolution` and `halving` policies. */
export default definePlugin({
  name: pkg.name,
  version: pkg.version,
  apiVersion: CORE_API_VERSION,
  description: pkg.description,
  provides: { policies: ['surrogate', 'evolution', 'halving'] },
  register(registry) {
    registry.policy(surrogatePolicyFactory);
    registry.policy(evolutionPolicyFactory);
    registry.policy(halvingPolicyFactory);
  },
});
