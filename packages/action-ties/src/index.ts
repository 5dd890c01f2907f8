/**
 * @lamdagent/action-ties: TIES merging (and task arithmetic, linear) with mergekit's semantics, over
 * safetensors checkpoints of any size, streamed tensor by tensor.
 */
import { plugin } from './plugin.js';

export { MagnitudeSelector, keepCount, magnitudeTrim, trimInPlace } from './trim.js';
export {
  MERGE_METHODS,
  linearMerge,
  mergeTensors,
  mergeTensorsInPlace,
  resolveMergeSpec,
  subtractInPlace,
  taskArithmeticMerge,
  tiesMerge,
} from './methods.js';
export type { LinearOptions, MergeMethod, MergeSpec, MergeSpecInput, TaskArithmeticOptions, TiesOptions } from './methods.js';
export { mergeCheckpoints } from './checkpoint-merge.js';
export { DEFAULT_CHUNK_ELEMENTS } from './chunked-merge.js';
export type { MergeCheckpointsOptions, MergeCheckpointsResult, MergeProgress } from './checkpoint-merge.js';
export { copyNonWeightFiles, isNonWeightFile } from './copy-files.js';
export { MergeOptionsError, TensorMismatchError } from './errors.js';
export { LinearParamsSchema, TaskArithmeticParamsSchema, TiesParamsSchema } from './params.js';
export type { LinearParams, TaskArithmeticParams, TiesParams } from './params.js';
export { RUNNER_NAMES, RUNNER_VERSION, createMergeRunner, readMergeJob } from './runner.js';
export type { MergeJob } from './runner.js';
export {
  PLUGIN_NAME,
  PLUGIN_VERSION,
  actionTypes,
  linearActionType,
  taskArithmeticActionType,
  tiesActionType,
} from './plugin.js';

export default plugin;
