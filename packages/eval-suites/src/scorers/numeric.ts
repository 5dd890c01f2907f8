import { goldList, type Gold, type Scorer } from './types.js';

/**
 * A number as people write it: an optional minus sign (not glued to a word, so `x-3` reads 3),
 * digits with optional thousands commas (`1,234`; `1,2,3` reads as three numbers) and an optional
 * decimal part. A trailing sentence period is not a decimal point.
 */
const NUMBER = /(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|(?<=\w)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/g;

function numbersIn(text: string): string[] {
  return [...text.matchAll(NUMBER)].map((m) => m[0].replace(/,/g, ''));
}

/**
 * GSM8k-style final answer: with a `####` marker, the first number after the last marker; otherwise
 * the last number of the text. Commas are removed (`1,234` gives `1234`). Undefined when none.
 */
export function extractFinalNumber(text: string): string | undefined {
  const marker = text.lastIndexOf('####');
  if (marker >= 0) {
    const after = numbersIn(text.slice(marker + 4));
    if (after.length > 0) return after[0];
  }
  const all = numbersIn(text);
  return all[all.length - 1];
}

/** Numeric equality that ignores formatting (`7`, `7.0`, `07`) but not value. */
function sameNumber(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

/** True when the prediction's final number equals the gold's (the gold may itself end in `#### 72`). */
export function scoreNumeric(prediction: string, gold: Gold): boolean {
  const predicted = extractFinalNumber(prediction);
  if (predicted === undefined) return false;
  return goldList(gold).some((g) => {
    const target = extractFinalNumber(g);
    return target !== undefined && sameNumber(predicted, target);
  });
}

export const numeric: Scorer = { name: 'numeric', extract: extractFinalNumber, score: scoreNumeric };
