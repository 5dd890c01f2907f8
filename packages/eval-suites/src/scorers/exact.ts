import { goldList, type Gold, type Scorer } from './types.js';

/**
 * TriviaQA / SQuAD answer normalization: lower case, underscores to spaces, punctuation removed,
 * the articles a, an and the removed, whitespace collapsed.
 */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Normalized exact match against the gold or any of its aliases. */
export function scoreExact(prediction: string, gold: Gold): boolean {
  const p = normalizeAnswer(prediction);
  return goldList(gold).some((g) => normalizeAnswer(g) === p);
}

export const exact: Scorer = { name: 'exact', extract: normalizeAnswer, score: scoreExact };
