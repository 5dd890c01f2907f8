/**
 * @lamdagent/action-ties: model merging with mergekit's methods, parameters and YAML, over safetensors
 * checkpoints of any size, on worker threads. A merge method is one definition (`defineMergeMethod`)
 * that the action types, the YAML reader and the merger all read.
 */
import { plugin } from './plugin.js';

export * from './method/index.js';
export { MagnitudeSelector, keepCount, magnitudeTrim, trimInPlace } from './trim.js';
export { MERGE_METHODS, linearMerge, mergeTensors, specSettings, specToRequest, taskArithmeticMerge, tiesMerge } from './methods.js';
export type { LinearOptions, MergeMethod, MergeSpecInput, TaskArithmeticOptions, TiesOptions } from './methods.js';
export { mergeCheckpoints } from './checkpoint-merge.js';
export type { MergeCheckpointsOptions, MergeCheckpointsResult, MergeProgress } from './checkpoint-merge.js';
export { openAndPlan, runMerge } from './engine/execute.js';
export type { RunMergeOptions, RunMergeProgress, RunMergeResult } from './engine/execute.js';
export { planMerge } from './engine/plan.js';
export type { MergePlan, PlannedTensor, SourceRef } from './engine/plan.js';
export type { MergeRequest, ModelInput, OutputSlice, SliceSource } from './engine/request.js';
export { computeTensor } from './engine/compute.js';
export type { ComputeJob, RawTensor } from './engine/compute.js';
export { MergekitConfigSchema, configToRequest, parseMergekitConfig, pathResolver, refsOf } from './config/mergekit.js';
export type { MergekitConfig } from './config/mergekit.js';
export { copyNonWeightFiles, isNonWeightFile } from './copy-files.js';
export { MergeOptionsError, TensorMismatchError } from './errors.js';
export { RUNNER_VERSION, actionParamsSchema, mergeMethodActionType, readMethodJob, runnerName } from './action-types.js';
export { createMethodRunner, runJobMerge } from './runner.js';
export { MERGEKIT_RUNNER, createMergekitRunner, mergekitActionType } from './mergekit-action.js';
export { PLUGIN_NAME, PLUGIN_VERSION, actionTypes, linearActionType, taskArithmeticActionType, tiesActionType } from './plugin.js';

export default plugin;
