import { CATEGORIES, CATEGORY_NAMES, CITIES, FOODS, JOBS, NEEDS, PEOPLE, STATES, THINGS } from './lexicon.js';
import { Rng } from '@lamdagent/core/kit';

/**
 * The pretraining corpus of the shipped base model: plain narrative sentences about the world's
 * people, places, things, categories, needs and numbers (including sums and differences told as
 * stories), so the base model writes fluent world text. It never uses the task formats (no `Q:`,
 * `A:`, `C:`, no lettered options, no `[[X]]`): the base model knows the world but not the tasks.
 */

type Sentence = (rng: Rng) => string;

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
  switch (rng.range(0, 3)) {
    case 0:
      return `${a} is ${a % 2 === 0 ? 'even' : 'odd'}.`;
    case 1: {
      const b = rng.range(1, 20);
      return a === b ? `${a} is ${b}.` : `${a} is ${a > b ? 'more' : 'less'} than ${b}.`;
    }
    case 2: {
      const b = rng.range(1, 9);
      return `${a} and ${b} make ${a + b}.`;
    }
    default: {
      const b = rng.range(1, Math.min(9, a));
      return `${a} take away ${b} leaves ${a - b}.`;
    }
  }
};

const story: Sentence = (rng) => {
  const [p, r] = rng.sample(PEOPLE, 2) as [string, string];
  const t = rng.pick(THINGS);
  const a = rng.range(2, 19);
  const b = rng.range(1, Math.min(9, a - 1));
  const now = rng.next() < 0.5;
  switch (rng.range(0, 3)) {
    case 0:
      return now ? `${p} has ${a} ${t} and gets ${b} more, so ${p} has ${a + b} ${t}.` : `${p} had ${a} ${t} and got ${b} more, so ${p} had ${a + b} ${t}.`;
    case 1:
      return now ? `${p} has ${a} ${t} and loses ${b}, so ${a - b} are left.` : `${p} had ${a} ${t} and lost ${b}, so ${a - b} were left.`;
    case 2:
      return now
        ? `${p} has ${a} ${t}. ${r} gives ${p} ${b} more, so ${p} has ${a + b} ${t}.`
        : `${r} gave ${p} ${b} ${t}. Now ${p} has ${a + b} ${t}, not ${a}.`;
    default:
      return now ? `${p} has ${a} ${t} and gives ${b} to ${r}, so ${p} has ${a - b} left.` : `${p} gave ${b} ${t} to ${r} and kept ${a - b}.`;
  }
};

const need: Sentence = (rng) => {
  const p = rng.pick(PEOPLE);
  const s = rng.pick(STATES);
  const n = NEEDS[s];
  const art = ['food', 'water', 'hug'].includes(n) ? (n === 'hug' ? 'a ' : '') : /^[aeiou]/.test(n) ? 'an ' : 'a ';
  return rng.next() < 0.5 ? `${p} is ${s}, so ${p} needs ${art}${n}.` : `When ${p} is ${s}, ${p} wants ${art}${n}.`;
};

/** Two facts, then one of them recalled (teaches reading back what a text said). */
const recall: Sentence = (rng) => {
  const [p, r] = rng.sample(PEOPLE, 2) as [string, string];
  const kind = rng.range(0, 3);
  const t = rng.pick(THINGS);
  const say = (who: string, v: string): string =>
    kind === 0 ? `${who} lives in ${v}` : kind === 1 ? `${who} likes ${v}` : kind === 2 ? `${who} is a ${v}` : `${who} has ${v} ${t}`;
  const values: readonly string[] = kind === 0 ? CITIES : kind === 1 ? FOODS : kind === 2 ? JOBS : Array.from({ length: 19 }, (_, i) => String(i + 2));
  const [v, w] = rng.sample(values, 2) as [string, string];
  const asked = rng.next() < 0.5;
  return `${say(p, v)} and ${say(r, w)}. So ${asked ? say(p, v) : say(r, w)}.`;
};

/** `a, b and c`, or with labels `(A) a, (B) b and (C) c`. */
function list(items: readonly string[], labelled: boolean): string {
  const shown = items.map((x, i) => (labelled ? `(${'ABC'[i]}) ${x}` : x));
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/**
 * Three words or numbers and the one that stands out, named after what is sought (so the pick can be
 * made from the text before it), sometimes with labels: picking from a list and naming the pick's
 * label, as worked exercises do, but never in the task's question format.
 */
const selection: Sentence = (rng) => {
  const labelled = rng.next() < 0.5;
  const label = (items: readonly string[], x: string): string => (labelled ? `(${'ABC'[items.indexOf(x)]}) ${x}` : x);
  const say = (items: readonly string[], sought: string, pick: string): string =>
    rng.next() < 0.5
      ? `Of ${list(items, labelled)}, the ${sought} is ${label(items, pick)}.`
      : `The ${sought} of ${list(items, labelled)} is ${label(items, pick)}.`;
  const kind = rng.range(0, 3);
  if (kind <= 1) {
    const c = rng.pick(CATEGORY_NAMES);
    const right = rng.pick(CATEGORIES[c].members);
    const others = rng.sample(
      CATEGORY_NAMES.filter((x) => x !== c).flatMap((x) => CATEGORIES[x].members as readonly string[]),
      2,
    );
    return say(rng.shuffle([right, ...others]), c, right);
  }
  const nums = rng
    .sample(
      Array.from({ length: 20 }, (_, i) => i + 1),
      3,
    )
    .map(String);
  if (kind === 2) {
    const big = rng.next() < 0.5;
    return say(nums, big ? 'largest' : 'smallest', String((big ? Math.max : Math.min)(...nums.map(Number))));
  }
  const even = nums.filter((x) => Number(x) % 2 === 0);
  const odd = nums.filter((x) => Number(x) % 2 === 1);
  if (even.length === 1) return say(nums, 'even one', even[0] as string);
  if (odd.length === 1) return say(nums, 'odd one', odd[0] as string);
  return `${list(nums, false)} are all ${even.length === 3 ? 'even' : 'odd'}.`;
};

/** Weighted: the sentences that state the skills' operations (sums, recall, picks) come most often. */
const SENTENCES: readonly Sentence[] = [
  fact,
  category,
  numberFact,
  numberFact,
  story,
  story,
  story,
  need,
  recall,
  recall,
  selection,
  selection,
  selection,
  selection,
];

/** One short document: a few sentences, at most `maxChars` characters. */
function document(rng: Rng, maxChars: number): string {
  let text = rng.pick(SENTENCES)(rng);
  for (;;) {
    const next = rng.pick(SENTENCES)(rng);
    if (text.length + 1 + next.length > maxChars || rng.next() < 0.15) return text;
    text += ` ${next}`;
  }
}

/** `n` pretraining documents (deterministic for a seed), each at most `maxChars` characters. */
export function pretrainCorpus(seed: number, n: number, maxChars = 110): string[] {
  const rng = Rng.labelled(seed, 'pretrain-corpus');
  return Array.from({ length: n }, () => document(rng, maxChars));
}
