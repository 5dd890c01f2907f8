/** Merge methods: the definitions (registered on import), and helpers to run them on one tensor. */
import './gta.js';
import './others.js';

export { checkParamValue, defineMergeMethod, getMergeMethod, mergeMethodNames } from './define.js';
export type { MergeMethodDef, MergeMethodDefinition, ParamDef, ParamValue, SlotLayoutEntry, TensorMergeArgs } from './define.js';
export { breadcrumbs, breadcrumbsTies, dareLinear, dareTies, della, dellaLinear, taskArithmetic, ties } from './gta.js';
export { linear, modelStock, nuslerp, passthrough, slerp } from './others.js';
export { precisionOf } from './precision.js';
export type { Precision, WorkDtype } from './precision.js';
/** The DARE mask generator and its seed derivation live in `@lamdagent/core/kit`; `Rng` here is kit's `Xoshiro128ss`. */
export { Xoshiro128ss as Rng, deriveSeed } from '@lamdagent/core/kit';
export { dellaMagprune, magnitudeOutliers, sparsifyInPlace } from './sparsify.js';
export type { SparsifyMethod, SparsifyOptions } from './sparsify.js';
export { ParamSettingSchema, checkSettingNames, evaluateParams, evaluateSetting } from './settings.js';
export type { MergeSettings, ParamSetting } from './settings.js';
export { mergeTensor } from './run.js';
export type { MergeTensorOptions } from './run.js';
