/**
 * `@lamdagent/testkit`: conformance suites for LaMDAgent plugins (vitest) and public test helpers.
 *
 * - `pluginConformance(plugin)`: the manifest and registration contract (every plugin).
 * - behavioural suites with capability flags: `runnerConformance`, `executorConformance`,
 *   `evaluatorConformance`, `policyConformance`, `aggregatorConformance` (and their framework-free
 *   `*Checks` forms, each a list of `Check`s that throw on a violation).
 * - helpers: the toy world (`toyPlugin`, `makeToyStudy`), a scripted runner for executors,
 *   `makeJobSpec`, `simulatePolicy`, `scriptedTrial`.
 */
export { pluginConformance, type ConformanceOptions } from './conformance.js';
export { ConformanceError, findCheck, registerChecks, type Check } from './check.js';
export { makeJobSpec, type FixtureInput, type JobFixture } from './job-fixture.js';
export { assertHfModelFolder, runnerChecks, runnerConformance, type RunnerCapabilities, type RunnerSuiteOptions } from './runner-suite.js';
export { executorChecks, executorConformance, type ExecutorCapabilities, type ExecutorSuiteOptions } from './executor-suite.js';
export { evaluatorChecks, evaluatorConformance, type EvaluatorCapabilities, type EvaluatorSuiteOptions } from './evaluator-suite.js';
export { aggregatorChecks, aggregatorConformance } from './aggregator-suite.js';
export {
  createPolicy,
  policyChecks,
  policyConformance,
  simulatePolicy,
  type PolicyCapabilities,
  type PolicySuiteOptions,
  type Simulation,
} from './policy-suite.js';
export { allActions, scriptedOutcome, scriptedTrial, toyActionSpace } from './policy-space.js';
export { readToyModel, toyEvaluator, toyMergeRunner, toyModelFile, toyPlugin, toySftRunner, toyWeightedMergeRunner, writeToyModel } from './toy-plugin.js';
export { TOY_PLUGIN_MODULE, makeToyStudy, type ToyStudy, type ToyStudyOptions } from './toy-study.js';
export { SCRIPTED_BEHAVIOURS, scriptedPlugin, scriptedRunner, type ScriptedBehaviour } from './scripted-plugin.js';
export { testkitModule } from './modules.js';
export { freePort, trackersVenv, type TrackersVenv } from './trackers.js';
