/** A gold answer as datasets give it: one value or a list of accepted aliases. */
export type Gold = string | number | readonly (string | number)[];

/** A pure scoring rule: what it reads from a prediction, and whether that matches the gold. */
export interface Scorer {
  name: ScorerName;
  /** The answer the rule reads from a prediction (undefined when it finds none). Kept in per-item results. */
  extract(prediction: string): string | undefined;
  /** True when the prediction's answer matches the gold (any alias of it). */
  score(prediction: string, gold: Gold): boolean;
}

export type ScorerName = 'numeric' | 'choice' | 'exact';

/** The gold as a non-empty list of strings. */
export function goldList(gold: Gold): string[] {
  const list = Array.isArray(gold) ? gold : [gold];
  return list.map((g) => String(g));
}
