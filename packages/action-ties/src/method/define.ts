import { MergeOptionsError } from '../errors.js';
import type { Precision } from './precision.js';

/** A parameter value after evaluation for one tensor (gradients and filters resolved). */
export type ParamValue = number | boolean;

/** One parameter of a merge method, named as in mergekit. */
export interface ParamDef {
  kind: 'number' | 'boolean';
  /** Used when the config does not give the parameter; absent with `required`. */
  default?: ParamValue;
  required?: boolean;
  description: string;
  /** Extra check of a value (after evaluation); returns a problem, or undefined when fine. */
  check?: (value: number) => string | undefined;
}

/** What a per-tensor merge function receives. All arrays have the tensor's element count. */
export interface TensorMergeArgs {
  /** Output tensor name (for gradients already applied; for messages). */
  name: string;
  shape: readonly number[];
  /** The base's values (rounded to the working precision), or null for methods without a base. */
  base: Float32Array | null;
  /** The models' values, in the order given; scratch space the function may overwrite. */
  models: Float32Array[];
  /** Receives the result (may alias `base` or a model array). */
  out: Float32Array;
  /** Global parameters, evaluated for this tensor, defaults filled. */
  params: Readonly<Record<string, ParamValue>>;
  /** Per-model parameters, one record per model, evaluated for this tensor, defaults filled. */
  modelParams: readonly Readonly<Record<string, ParamValue>>[];
  /** Working precision: round after each step as mergekit's torch code does. */
  precision: Precision;
  /** Seed for this tensor's random draws (derived from the merge seed and the tensor name). */
  seed: number;
}

/** How the action type of a method lays out its slots (the paper's TIES: base_model, models, weights, density). */
export type SlotLayoutEntry =
  | { kind: 'base' }
  | { kind: 'models' }
  /** A per-model parameter given as a slot: `array` one value per model, `scalar` one value for all. */
  | { kind: 'modelParam'; param: string; slot: string; shape: 'array' | 'scalar' }
  /** A global parameter given as a slot. */
  | { kind: 'param'; param: string; slot: string };

/** A merge method: everything both the action types and the merger read. */
export interface MergeMethodDefinition {
  /** mergekit's `merge_method` name. */
  name: string;
  aliases?: readonly string[];
  description: string;
  /** Whether a base model is needed (task vectors are taken from it), optional, or not used. */
  base: 'required' | 'optional' | 'none';
  /** How many models besides the base. */
  models: { min: number; max?: number };
  /** Global parameters (mergekit's `parameters:` at the top level or of a slice). */
  params: Readonly<Record<string, ParamDef>>;
  /** Per-model parameters (mergekit's `models[i].parameters`). */
  modelParams: Readonly<Record<string, ParamDef>>;
  /** The action type's slots, in order; default base (if required), models, then `weights` if the method has a `weight`. */
  slots?: readonly SlotLayoutEntry[];
  /**
   * True when the result of an entry depends on the whole tensor (a top-k, a norm, an angle): such a
   * tensor is merged whole. False for elementwise methods, which may be streamed in chunks.
   */
  wholeTensor: boolean;
  /** Merges one tensor; throws MergeOptionsError for parameters it cannot use. */
  merge(args: TensorMergeArgs): void;
  /** Checks that apply to the whole parameter set (e.g. density +- epsilon in (0, 1)); returns a problem. */
  checkParams?: (params: Readonly<Record<string, ParamValue>>, modelParams: readonly Readonly<Record<string, ParamValue>>[]) => string | undefined;
}

/** A defined (validated, frozen) merge method. */
export type MergeMethodDef = Readonly<MergeMethodDefinition> & { readonly slots: readonly SlotLayoutEntry[] };

const registry = new Map<string, MergeMethodDef>();
const NAME = /^[a-z][a-z0-9_]*$/;

/** The default slot layout of a method. */
function defaultSlots(def: MergeMethodDefinition): SlotLayoutEntry[] {
  const slots: SlotLayoutEntry[] = [];
  if (def.base === 'required') slots.push({ kind: 'base' });
  slots.push({ kind: 'models' });
  if (def.modelParams.weight) slots.push({ kind: 'modelParam', param: 'weight', slot: 'weights', shape: 'array' });
  return slots;
}

/**
 * Defines a merge method and registers it under its name and aliases, so mergekit YAML
 * (`merge_method: NAME`), `mergeCheckpoints` and `mergeMethodActionType` find it. A plugin calls
 * this at import time, then registers `mergeMethodActionType(def)` and `createMethodRunner(def)`.
 * Redefining a name throws, unless it is the same definition object.
 */
export function defineMergeMethod(def: MergeMethodDefinition): MergeMethodDef {
  for (const name of [def.name, ...(def.aliases ?? [])]) {
    if (!NAME.test(name)) throw new MergeOptionsError(`merge method name ${JSON.stringify(name)} must match ${NAME}`);
  }
  if (!(Number.isInteger(def.models.min) && def.models.min >= 1)) throw new MergeOptionsError(`${def.name}: models.min must be an integer >= 1`);
  for (const [name, p] of [...Object.entries(def.params), ...Object.entries(def.modelParams)]) {
    if (!p.required && p.default === undefined) throw new MergeOptionsError(`${def.name}: parameter ${name} needs a default or required: true`);
  }
  const slots = def.slots ?? defaultSlots(def);
  const models = slots.filter((s) => s.kind === 'models').length;
  if (models !== 1) throw new MergeOptionsError(`${def.name}: the slot layout needs exactly one models entry`);
  for (const s of slots) {
    if (s.kind === 'modelParam' && !def.modelParams[s.param])
      throw new MergeOptionsError(`${def.name}: slot ${s.slot} names unknown model parameter ${s.param}`);
    if (s.kind === 'param' && !def.params[s.param]) throw new MergeOptionsError(`${def.name}: slot ${s.slot} names unknown parameter ${s.param}`);
  }
  const frozen: MergeMethodDef = Object.freeze({ ...def, slots: Object.freeze([...slots]) });
  for (const name of [def.name, ...(def.aliases ?? [])]) {
    const existing = registry.get(name);
    if (existing && existing.merge !== def.merge) throw new MergeOptionsError(`merge method ${name} is already defined`);
    registry.set(name, frozen);
  }
  return frozen;
}

/** The method registered under `name` (or alias); MergeOptionsError naming the known ones otherwise. */
export function getMergeMethod(name: string): MergeMethodDef {
  const def = registry.get(name);
  if (!def) throw new MergeOptionsError(`unknown merge_method ${JSON.stringify(name)}; known: ${mergeMethodNames().join(', ')}`);
  return def;
}

/** Names of every registered method (not aliases), sorted. */
export function mergeMethodNames(): string[] {
  return [...new Set([...registry.values()].map((d) => d.name))].sort();
}

/** Checks a value against its definition; returns a problem or undefined. */
export function checkParamValue(def: ParamDef, value: unknown): string | undefined {
  if (def.kind === 'boolean') return typeof value === 'boolean' ? undefined : `must be true or false, got ${JSON.stringify(value)}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a finite number, got ${JSON.stringify(value)}`;
  return def.check?.(value);
}
