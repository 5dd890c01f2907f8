/** A gold answer as datasets give it: one value or a list of accepted aliases. */
export type Gold = string | number | readonly (string | number)[];

/** A pure scoring rule: what it reads from a prediction, and whether that matches the gold. */
export interface Scorer {
  name: ScorerName;
  /** The answer the rule reads from a prediction (undefined when it finds none). Kept in per-item results. */
  extract(prediction: string): string | undefined;
  /** True when the prediction's answer matches the gold (any alias of it). */
  score(prediction: string, gold: Gold): boolean;
  /**
   * Graded scorers only: the item's score, a number in `range` (a judge's 1 to 10). The task's score is
   * then the mean grade instead of the accuracy, and `score` means "the best grade".
   */
  grade?(prediction: string, gold: Gold): number;
  /** Graded scorers only: the lowest and highest grade. */
  range?: readonly [number, number];
}

export type ScorerName = 'numeric' | 'choice' | 'exact' | 'toolcall' | 'judge';

/** The gold as a non-empty list of strings. */
export function goldList(gold: Gold): string[] {
  const list = Array.isArray(gold) ? gold : [gold];
  return list.map((g) => String(g));
}
