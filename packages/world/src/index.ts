/** @lamdagent/world: the embedded world's tasks, datasets and shipped tiny base model. */
export type { SkillName, WorldTaskName, ScorerName, WorldItem, ItemGenerator, SftExample, EvalItem, PreferenceExample } from './types.js';
export { WORLD_ALPHABET, PEOPLE, THINGS, CITIES, FOODS, JOBS, CATEGORIES, CATEGORY_NAMES, NEEDS, STATES, numberWord, categoryOf } from './lexicon.js';
export type { Category, State } from './lexicon.js';
export { WORLD_SKILLS, WORLD_TASKS, SKILL_NAMES, TASK_NAMES, GENERATORS, completionFor } from './skills/index.js';
export type { WorldSkillInfo, WorldTaskInfo } from './skills/index.js';
export { drawSplits } from './splits.js';
export { pretrainCorpus } from './corpus.js';
export type { SplitName, SplitSizes } from './splits.js';
export { generateWorldData, readWorldManifest, WorldDataOptionsSchema, WorldDataManifestSchema, WORLD_DATA_FORMAT, DEFAULT_EVAL_SIZE } from './data.js';
export type { WorldDataOptions, ResolvedWorldDataOptions, WorldDataManifest } from './data.js';
export {
  chatAnswer,
  generateInterferenceData,
  readInterferenceManifest,
  InterferenceOptionsSchema,
  InterferenceManifestSchema,
  INTERFERENCE_FORMAT,
} from './interference.js';
export type { InterferenceOptions, InterferenceManifest } from './interference.js';
export {
  generateLowFidelityData,
  readLowFidelityManifest,
  LowFidelityOptionsSchema,
  LowFidelityManifestSchema,
  LOW_FIDELITY_FORMAT,
  LOW_FIDELITY_MANIFEST,
} from './low-fidelity.js';
export type { LowFidelityOptions, LowFidelityManifest } from './low-fidelity.js';
export {
  MergeableOptionsSchema,
  MERGEABLE_FORMAT,
  MERGEABLE_PRIMER_DEFAULTS,
  MERGEABLE_SPECIALIST_DEFAULTS,
  lightSpecialistSeed,
  primerExamples,
  primerSeed,
} from './mergeable.js';
export type { MergeableOptions, ResolvedMergeableOptions, MergeableModels } from './mergeable.js';
export {
  buildWorld,
  BuildWorldOptionsSchema,
  SpecialistSftSchema,
  SPECIALIST_SFT_DEFAULTS,
  SHIPPED_BASE_MODEL,
  WORLD_BUILD_FORMAT,
  WORLD_GENERATOR_VERSION,
} from './build.js';
export { readShippedIndex, ShippedIndexSchema, SHIPPED_ASSETS_FORMAT, SHIPPED_SPECIALISTS } from './assets.js';
export type { ShippedIndex, ShippedSpecialist } from './assets.js';
export { runProbes } from './probes.js';
export type { ProbeDigests } from './probes.js';
export { digestFolder } from '@lamdagent/core/kit';
export type { BuildWorldOptions, ResolvedBuildWorldOptions, WorldBuild, BuildWorldHooks } from './build.js';
export { pretrainBaseModel, PretrainOptionsSchema } from './pretrain.js';
export type { PretrainOptions, PretrainReport, PretrainHooks } from './pretrain.js';
// The tools world (Experiment 2 analogue), in src/tools/.
export * from './tools/index.js';
