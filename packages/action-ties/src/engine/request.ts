import type { Dtype } from '@lamdagent/safetensors';
import type { WorkDtype } from '../method/precision.js';
import type { ParamSetting } from '../method/settings.js';

/** Parameter settings by name (mergekit's `parameters:` maps). */
export type Settings = Record<string, ParamSetting>;

/** One model of a `models:` merge. */
export interface ModelInput {
  /** Model folder or .safetensors file. */
  path: string;
  params?: Settings;
}

/** One source of an output slice: layers [start, end) of a model. */
export interface SliceSource {
  path: string;
  layerRange: [number, number];
  params?: Settings;
}

/** One output slice: its layers come from merging (or passing through) the sources' layers. */
export interface OutputSlice {
  sources: SliceSource[];
  /** The slice's base model (one of the sources' paths); default the merge's base. */
  base?: string;
  params?: Settings;
}

/**
 * A whole merge, as mergekit's YAML describes it (with resolved paths): either `models` (the base may
 * be among them or not) or `slices`.
 */
export interface MergeRequest {
  method: string;
  base?: string;
  models?: ModelInput[];
  slices?: OutputSlice[];
  params?: Settings;
  /** Working dtype (mergekit's `dtype`); default: each tensor's stored dtype (the base's). */
  dtype?: WorkDtype;
  /** Dtype written (mergekit's `out_dtype`); default the working dtype. */
  outDtype?: Dtype;
  /** Folder the tokenizer and other non-weight files are copied from; default the base (else the first model). */
  tokenizerSource?: string;
  /** Seed of the random masks (DARE, DELLA); default 0. */
  seed?: number;
}
