/** The tools world: the paper's Experiment 2 in miniature (tool use without forgetting instruction following). */
export { TOOL_FUNCTIONS, TOOL_NAMES, signature, callJson, callPython } from './functions.js';
export type { ToolFunction } from './functions.js';
export { toolItem } from './calls.js';
export type { ToolItem, ToolStyle } from './calls.js';
export { instructionItem, generalItem, styled } from './instructions.js';
export type { InstructionItem } from './instructions.js';
export {
  generateToolsData,
  readToolsManifest,
  ToolsDataOptionsSchema,
  ToolsDataManifestSchema,
  TOOLS_DATA_FORMAT,
  TOOLS_GENERATOR_VERSION,
  TOOL_DATASETS,
  TOOL_DATASET_NAMES,
  TOOL_MIX_DATASET,
  TOOLS_TASKS,
} from './data.js';
export type { ToolsDataOptions, ToolsDataManifest, ToolDatasetName, ToolsTaskName } from './data.js';
export { trainInstructBase, InstructBaseOptionsSchema, PRETRAINED_BASE_MODEL, SHIPPED_TOOLS_BASE_MODEL } from './instruct-base.js';
export type { InstructBaseOptions, InstructBaseReport } from './instruct-base.js';
export { buildToolsWorld, BuildToolsWorldOptionsSchema, TOOLS_BUILD_FORMAT } from './build.js';
export type { BuildToolsWorldOptions, ToolsWorldBuild } from './build.js';
