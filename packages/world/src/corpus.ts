import { CATEGORIES, CATEGORY_NAMES, CITIES, FOODS, JOBS, NEEDS, PEOPLE, STATES, THINGS } from './lexicon.js';
import { WorldRng } from './rng.js';

/**
 * The pretraining corpus of the shipped base model: plain narrative sentences about the world's
 * people, places, things, categories, needs and numbers (including sums and differences told as
 * stories), so the base model writes fluent world text. It never uses the task formats (no `Q:`,
 * `A:`, `C:`, no lettered options, no `[[X]]`): the base model knows the world but not the tasks.
 */

type Sentence = (rng: WorldRng) => string;

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const fact: Sentence = (rng) => {
  const p = rng.pick(PEOPLE);
  switch (rng.range(0, 3)) {
    case 0:
      return `${p} lives in ${rng.pick(CITIES)}.`;
    case 1:
      return `${p} likes ${rng.pick(FOODS)}.`;
    case 2:
      return `${p} is a ${rng.pick(JOBS)}.`;
    default:
      return `${p} has ${rng.range(2, 20)} ${rng.pick(THINGS)}.`;
  }
};

const category: Sentence = (rng) => {
  const c = rng.pick(CATEGORY_NAMES);
  const { article, members } = CATEGORIES[c];
  const m = rng.pick(members);
  if (c === 'city') return `${m} is a city.`;
  if (c === 'color') return `${cap(m)} is a color.`;
  const art = /^[aeiou]/.test(m) ? 'an' : 'a';
  return rng.next() < 0.5 ? `${cap(art)} ${m} is ${article} ${c}.` : `The ${m} is ${article} ${c}.`;
};

const numberFact: Sentence = (rng) => {
  const a = rng.range(1, 20);
  switch (rng.range(0, 2)) {
    case 0:
      return `${a} is ${a % 2 === 0 ? 'even' : 'odd'}.`;
    case 1: {
      const b = rng.range(1, 20);
      return a === b ? `${a} is ${b}.` : `${a} is ${a > b ? 'more' : 'less'} than ${b}.`;
    }
    default: {
      const b = rng.range(1, 9);
      return `${a} and ${b} make ${a + b}.`;
    }
  }
};

const story: Sentence = (rng) => {
  const [p, r] = rng.sample(PEOPLE, 2) as [string, string];
  const t = rng.pick(THINGS);
  const a = rng.range(2, 19);
  const b = rng.range(1, 9);
  switch (rng.range(0, 3)) {
    case 0:
      return `${p} had ${a} ${t} and got ${b} more, so ${p} had ${a + b} ${t}.`;
    case 1:
      return a > b ? `${p} had ${a} ${t} and lost ${b}, so ${a - b} were left.` : `${p} had ${a} ${t} and lost none.`;
    case 2:
      return `${r} gave ${p} ${b} ${t}. Now ${p} has ${a + b} ${t}, not ${a}.`;
    default:
      return a > b ? `${p} gave ${b} ${t} to ${r} and kept ${a - b}.` : `${p} kept all ${a} ${t}.`;
  }
};

const need: Sentence = (rng) => {
  const p = rng.pick(PEOPLE);
  const s = rng.pick(STATES);
  const n = NEEDS[s];
  const art = ['food', 'water', 'hug'].includes(n) ? (n === 'hug' ? 'a ' : '') : /^[aeiou]/.test(n) ? 'an ' : 'a ';
  return rng.next() < 0.5 ? `${p} is ${s}, so ${p} needs ${art}${n}.` : `When ${p} is ${s}, ${p} wants ${art}${n}.`;
};

const SENTENCES: readonly Sentence[] = [fact, fact, category, numberFact, story, story, need];

/** One short document: a few sentences, at most `maxChars` characters. */
function document(rng: WorldRng, maxChars: number): string {
  let text = rng.pick(SENTENCES)(rng);
  for (;;) {
    const next = rng.pick(SENTENCES)(rng);
    if (text.length + 1 + next.length > maxChars || rng.next() < 0.15) return text;
    text += ` ${next}`;
  }
}

/** `n` pretraining documents (deterministic for a seed), each at most `maxChars` characters. */
export function pretrainCorpus(seed: number, n: number, maxChars = 110): string[] {
  const rng = new WorldRng(seed, 'pretrain-corpus');
  return Array.from({ length: n }, () => document(rng, maxChars));
}
