import { goldList, type Gold, type Scorer } from './types.js';

const CHOICE = /\[\[\s*([A-Za-z])\s*\]\]/g;

/** The letter of the last `[[X]]` in the text, upper-cased; undefined when there is none. */
export function parseChoice(text: string): string | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(CHOICE)) last = m[1];
  return last?.toUpperCase();
}

/** The gold letter: `B`, `b`, ` B ` or `[[B]]` all give `B`. */
function goldLetter(gold: string): string {
  return (parseChoice(gold) ?? gold.trim()).toUpperCase();
}

/** True when the last `[[X]]` of the prediction names the gold letter. */
export function scoreChoice(prediction: string, gold: Gold): boolean {
  const letter = parseChoice(prediction);
  if (letter === undefined) return false;
  return goldList(gold).some((g) => goldLetter(g) === letter);
}

export const choice: Scorer = { name: 'choice', extract: parseChoice, score: scoreChoice };
