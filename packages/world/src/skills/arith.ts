import { PEOPLE, THINGS } from '../lexicon.js';
import type { Rng } from '@lamdagent/core/kit';
import type { WorldItem } from '../types.js';

/** Wrong answers a small model plausibly gives: an operand copied, off by one, the other operation. */
function wrongAnswers(correct: number, operands: number[], other: number): string[] {
  const candidates = [...operands, correct + 1, correct - 1, other];
  const out: string[] = [];
  for (const c of candidates) {
    if (c >= 0 && c !== correct && !out.includes(String(c))) out.push(String(c));
  }
  return out;
}

function twoPeople(rng: Rng): [string, string] {
  const [p, r] = rng.sample(PEOPLE, 2) as [string, string];
  return [p, r];
}

/** GSM8k analogue: one-step word problems, first operand 2 to 12, second 1 to 9. */
export function arithItem(rng: Rng): WorldItem {
  const [p, r] = twoPeople(rng);
  const t = rng.pick(THINGS);
  const template = rng.range(0, 3);
  const add = template === 0 || template === 2;
  const a = rng.range(add ? 2 : 3, 12);
  const b = rng.range(1, add ? 9 : Math.min(9, a - 1));
  const answer = add ? a + b : a - b;
  const other = add ? a - b : a + b;
  const prompt = [
    `Q: ${p} has ${a} ${t} and gets ${b} more. How many ${t}? A:`,
    `Q: ${p} has ${a} ${t} and loses ${b}. How many ${t} are left? A:`,
    `Q: ${p} has ${a} ${t}. ${r} gives ${p} ${b} more. How many ${t} does ${p} have? A:`,
    `Q: ${p} has ${a} ${t} and gives ${b} to ${r}. How many ${t} does ${p} have now? A:`,
  ][template] as string;
  return { prompt, answer: String(answer), wrong: wrongAnswers(answer, [a, b], other) };
}

/**
 * GSM-Symbolic analogue: new templates (a box, past tense, two people, two steps) and a wider
 * number range (first operand up to 29).
 */
export function arithOodItem(rng: Rng): WorldItem {
  const [p, r] = twoPeople(rng);
  const t = rng.pick(THINGS);
  const template = rng.range(0, 3);
  if (template === 0) {
    const a = rng.range(10, 29);
    const b = rng.range(1, 9);
    return {
      prompt: `Q: A box has ${a} ${t}. ${p} puts in ${b} more. How many ${t} are in the box? A:`,
      answer: String(a + b),
      wrong: wrongAnswers(a + b, [a, b], a - b),
    };
  }
  if (template === 1) {
    const a = rng.range(10, 29);
    const b = rng.range(1, 9);
    return {
      prompt: `Q: ${p} had ${a} ${t}. Then ${p} lost ${b} ${t}. How many ${t} now? A:`,
      answer: String(a - b),
      wrong: wrongAnswers(a - b, [a, b], a + b),
    };
  }
  if (template === 2) {
    const a = rng.range(5, 19);
    const b = rng.range(1, 9);
    return {
      prompt: `Q: ${p} has ${a} ${t} and ${r} has ${b} ${t}. How many ${t} in all? A:`,
      answer: String(a + b),
      wrong: wrongAnswers(a + b, [a, b], a - b),
    };
  }
  const a = rng.range(2, 12);
  const b = rng.range(1, 9);
  const c = rng.range(1, Math.min(9, a + b - 1));
  const answer = a + b - c;
  return {
    prompt: `Q: ${p} has ${a} ${t}, gets ${b} more and loses ${c}. How many ${t}? A:`,
    answer: String(answer),
    wrong: wrongAnswers(answer, [a, b, c, a + b], a - b + c),
  };
}
