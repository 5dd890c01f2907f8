import { CATEGORIES, CATEGORY_NAMES, NEEDS, PEOPLE, STATES, type Category } from '../lexicon.js';
import type { Rng } from '@lamdagent/core/kit';
import type { WorldItem } from '../types.js';

/** Three options, as SocialIQA has: enough to need the skill, few enough for a tiny model to learn it. */
export const CHOICE_LABELS = ['A', 'B', 'C'] as const;
const DISTRACTORS = CHOICE_LABELS.length - 1;

/** Places `correct` at a random position among `others` and renders the item. */
function choiceItem(rng: Rng, question: string, correct: string, others: string[]): WorldItem {
  const position = rng.range(0, others.length);
  const choices = others.slice();
  choices.splice(position, 0, correct);
  const options = choices.map((c, i) => `(${CHOICE_LABELS[i]}) ${c}`).join(' ');
  const answer = CHOICE_LABELS[position] as string;
  return {
    prompt: `Q: ${question} ${options} A:`,
    answer,
    choices,
    wrong: CHOICE_LABELS.slice(0, choices.length).filter((l) => l !== answer),
  };
}

/** Words from categories other than `exclude`, distinct. */
function distractors(rng: Rng, exclude: Category[], n: number): string[] {
  const pool = CATEGORY_NAMES.filter((c) => !exclude.includes(c)).flatMap((c) => CATEGORIES[c].members as readonly string[]);
  return rng.sample(pool, n);
}

function distinctNumbers(rng: Rng, n: number, lo: number, hi: number, accept: (x: number) => boolean): number[] {
  const pool: number[] = [];
  for (let x = lo; x <= hi; x++) if (accept(x)) pool.push(x);
  return rng.sample(pool, n);
}

/** CommonsenseQA analogue: which word belongs to a category, or a question about numbers. */
export function mcItem(rng: Rng): WorldItem {
  const kind = rng.range(0, 5);
  if (kind <= 3) {
    const category = rng.pick(CATEGORY_NAMES);
    const { article, members } = CATEGORIES[category];
    const question = kind % 2 === 0 ? `Which is ${article} ${category}?` : `Which one is ${article} ${category}?`;
    return choiceItem(rng, question, rng.pick(members), distractors(rng, [category], DISTRACTORS));
  }
  if (kind === 4) {
    const even = rng.next() < 0.5;
    const [correct] = distinctNumbers(rng, 1, 1, 20, (x) => (x % 2 === 0) === even);
    const others = distinctNumbers(rng, DISTRACTORS, 1, 20, (x) => (x % 2 === 0) !== even);
    return choiceItem(rng, `Which number is ${even ? 'even' : 'odd'}?`, String(correct), others.map(String));
  }
  const numbers = distinctNumbers(rng, CHOICE_LABELS.length, 1, 20, () => true);
  const largest = Math.max(...numbers);
  return choiceItem(rng, 'Which is the largest?', String(largest), numbers.filter((x) => x !== largest).map(String));
}

/**
 * SocialIQA analogue: what a person in some state needs, which word is *not* in a category, which
 * word goes with another, which number is the smallest.
 */
export function mcOodItem(rng: Rng): WorldItem {
  const kind = rng.range(0, 3);
  if (kind === 0) {
    const p = rng.pick(PEOPLE);
    const state = rng.pick(STATES);
    const others = rng.sample(
      STATES.filter((s) => s !== state).map((s) => NEEDS[s]),
      DISTRACTORS,
    );
    return choiceItem(rng, `${p} is ${state}. What does ${p} need?`, NEEDS[state], others);
  }
  if (kind === 1) {
    const category = rng.pick(CATEGORY_NAMES);
    const { article, members } = CATEGORIES[category];
    return choiceItem(rng, `Which is not ${article} ${category}?`, distractors(rng, [category], 1)[0] as string, rng.sample(members, DISTRACTORS));
  }
  if (kind === 2) {
    const category = rng.pick(CATEGORY_NAMES);
    const [cue, correct] = rng.sample(CATEGORIES[category].members, 2) as [string, string];
    return choiceItem(rng, `Which goes with ${cue}?`, correct, distractors(rng, [category], DISTRACTORS));
  }
  const numbers = distinctNumbers(rng, CHOICE_LABELS.length, 1, 20, () => true);
  const smallest = Math.min(...numbers);
  return choiceItem(rng, 'Which is the smallest?', String(smallest), numbers.filter((x) => x !== smallest).map(String));
}
