import type { z } from 'zod';

/** A reference answer as an evaluation item gives it: one value, or a list of accepted answers (aliases). */
export type ScorerReference = string | number | readonly (string | number)[];

/** What a scorer sees of the evaluation item besides the reply and the reference. */
export interface ScorerItem {
  id: string;
  prompt: string;
  /** Multiple-choice items: the choices, labelled A, B, C... in order. */
  choices?: readonly string[];
}

/**
 * A scoring rule a plugin contributes (`registry.scorer(...)`, typed with `defineScorer`): evaluators that
 * score generated replies (`@lamdagent/eval-suites`' `suite`) find it by name in a task's `options.scorer`.
 *
 * `score` returns a number in `range`: `[0, 1]` by default (1 right, 0 wrong, anything between partial
 * credit), or a graded range such as `[1, 10]` (a judge's rating; give the task `max: 10`). The task's score
 * is the mean over its items; a number outside the range, or not finite, fails the evaluation naming the item.
 */
export interface ScorerDefinition<O = unknown> {
  name: string;
  description?: string;
  /** Lowest and highest score an item can get (default `[0, 1]`). */
  range?: readonly [number, number];
  /** Schema of the task's `options.scorerOptions`, parsed before the first item is scored. */
  optionsSchema?: z.ZodType<O>;
  score(reply: string, reference: ScorerReference, item: ScorerItem, options: O): number;
  /** What the rule reads from a reply (the final number, a choice letter), kept in the per-item results. */
  extract?(reply: string, options: O): string | undefined;
}

/** Identity helper that gives scorer authors type checking (re-exported by `@lamdagent/eval-suites`). */
export function defineScorer<O = undefined>(def: ScorerDefinition<O>): ScorerDefinition<O> {
  return def;
}

/** The scorers plugins registered, as evaluators look them up (see `FactoryContext.scorers`). */
export interface ScorerCatalog {
  /** The scorer a plain or qualified (`plugin:name`) name refers to; a usage error (exit 2) naming the known ones otherwise. */
  get(name: string): ScorerDefinition;
  /** Why `name` cannot be used (unknown, or provided by several plugins), or undefined when it can. */
  problem(name: string): string | undefined;
  /** Names of every registered scorer. */
  names(): string[];
}
