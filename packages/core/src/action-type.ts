import type { z } from 'zod';
import type { JsonValue } from './json.js';
import type { ObjectType, PoolObject } from './objects.js';

/** One input slot of an action type. */
export interface SlotSpec {
  /** Slot name, e.g. `model`, `dataset`, `learning_rate`. */
  name: string;
  /** The object type the slot takes. */
  type: ObjectType;
  description?: string;
  /**
   * A repeated slot takes between `min` and `max` positions (e.g. the models a merge combines).
   * At most one slot per action type repeats. Its positions are distinct (no model merged with
   * itself) and interchangeable (a merge of A with B is the merge of B with A) unless `ordered` is
   * true, or another slot carries one parameter per position (see `perPosition`): then the order is
   * kept, since the first weight belongs to the first model.
   */
  repeat?: { min: number; max?: number; ordered?: boolean };
  /**
   * Name of the repeated slot this slot parameterises position by position: its value is an array
   * with one entry per position (e.g. `weights` for `models`). The repeated slot's positions then
   * stay in the order chosen; only when all the entries are equal is the order canonicalised (so the
   * same merge is not run twice).
   */
  perPosition?: string;
  /**
   * Checks one object value this slot would receive, before the study starts (ranges of a number,
   * the first lines of a dataset in the default runner's schema). Models and datasets get their
   * absolute path. Returns a problem, or undefined when the value is fine. A dataset slot's check
   * applies only to actions run by the type's default runner; another runner checks its datasets with
   * its own `Runner.inputChecks`.
   */
  check?(value: JsonValue): string | undefined;
}

/** A smoke run: a tiny slice of the job that runs first so a broken action fails in seconds. */
export interface SmokeSpec {
  /** Parameters merged over the job's parameters for the smoke run (e.g. `{ maxSteps: 2 }`). */
  params: Record<string, JsonValue>;
}

/** A plugin-defined method (sft, ties, dpo, ...). */
export interface ActionTypeDefinition<P extends Record<string, JsonValue> = Record<string, JsonValue>> {
  /** Type name used in configs (`type: sft`). */
  type: string;
  /** Other names accepted for it, e.g. the paper's `ties_merging`. */
  aliases?: string[];
  /** One line: what it does (shown to LLM policies and in `lamdagent plugins`). */
  description: string;
  slots: SlotSpec[];
  /** Name of the runner that executes it by default. */
  runner: string;
  /** Validates the action's fixed parameters from config (`params:`); its defaults apply. */
  paramsSchema?: z.ZodType<P>;
  /** Declared smoke run, used when the study enables fail-fast validation. */
  smoke?: SmokeSpec;
}

/** An action bound in a config: a name, its type, and the pool kind feeding each position. */
export interface ActionBinding {
  /** Config name (key of `actions:`), e.g. `ties_merging`. */
  name: string;
  definition: ActionTypeDefinition;
  /** Pool kind per position (after repeat expansion). */
  kinds: string[];
  /** Slot name per position. */
  slotNames: string[];
  /** Groups of positions that are interchangeable and distinct. */
  unordered: number[][];
  /**
   * Groups of distinct positions whose order matters because the object at `paramsAt` holds one value
   * per position (merge weights). Enumerated as ordered picks; canonicalised only when those values
   * are all equal.
   */
  weighted?: WeightedGroup[];
  /** Validated fixed parameters. */
  params: Record<string, JsonValue>;
  /** Pool kind the produced model joins. */
  produces: string;
  /** Runner name (config may override the definition's default). */
  runner: string;
  /** Validated parameters for the runner (`actions.<name>.runnerParams`). */
  runnerParams?: Record<string, JsonValue>;
}

/** Distinct positions of one list whose order matters: `paramsAt` holds one value per position. */
export interface WeightedGroup {
  positions: number[];
  paramsAt: number;
}

/** An action: a bound action plus one object per position, content-addressed by `key`. */
export interface Action {
  name: string;
  type: string;
  inputs: PoolObject[];
  params: Record<string, JsonValue>;
  key: string;
}
