import type { JsonValue } from './json.js';

/**
 * Object types say what an object *is*; kinds (config keys such as `models`, `sft_dataset`) say which
 * list of the pool it belongs to. Core knows `model`, `dataset`, `number` and `json`; plugins may add
 * their own types (any string) through their action types' slots.
 */
export type ObjectType = 'model' | 'dataset' | 'number' | 'json' | (string & {});

/** Where a produced model came from. */
export interface Provenance {
  /** Index of the trial that produced it. */
  trial: number;
  /** Content address of the action that produced it. */
  actionKey: string;
  /** Configured action name (e.g. `sft`, `ties_merging`). */
  action: string;
  /** Ids of the input objects, in slot order. */
  inputs: string[];
}

/** One entry of the ObjectPool. */
export interface PoolObject {
  /** Unique and stable within a study: `<kind>/<n>` for configured objects, `t<trial>` for produced models. */
  id: string;
  /** Pool list it belongs to (config key). */
  kind: string;
  type: ObjectType;
  /** Display name shown to policies and people. Produced models get a neutral name `0--<trial>--<k>`. */
  name: string;
  /** Models and datasets: an absolute path; hyperparameters: the value itself. */
  value: JsonValue;
  /** Content digest (hex sha256 or a derived content address). */
  digest: string;
  provenance?: Provenance;
}

/** Absolute path of a model or dataset object; throws for value objects. */
export function objectPath(obj: PoolObject): string {
  if (typeof obj.value !== 'string') throw new TypeError(`object ${obj.id} (${obj.type}) has no path`);
  return obj.value;
}
