import type { Rng } from '@lamdagent/core/kit';
import { CATEGORIES, CATEGORY_NAMES, CITIES, FOODS, JOBS, NEEDS, PEOPLE, STATES, THINGS, type Category } from '../lexicon.js';

/**
 * The instruction family of the tools world (its MT-Bench analogue): a small task (name n members of a
 * category, or write about a person) with rule-checkable constraints (caps, brackets, a word count, a
 * keyword, a reply "language"). The rubric is what `@lamdagent/eval-suites`' `judge` scorer checks.
 */
export interface InstructionItem {
  prompt: string;
  /** The reply meeting every rule (no leading space). */
  reply: string;
  /** The judge's rules: `list:a|b|c:n`, `not:w`, `about:Name`, `caps`, `brackets`, `words:n`, `keyword:w`, `lang:pig`. */
  rubric: string[];
  /** Replies that break one rule each (the rejected side of preference pairs). */
  wrong: string[];
}

const PLURAL: Record<Category, string> = {
  fruit: 'fruits',
  animal: 'animals',
  tool: 'tools',
  vehicle: 'vehicles',
  color: 'colors',
  city: 'cities',
  job: 'jobs',
};

type Style = 'caps' | 'brackets' | 'pig';
const STYLES: readonly Style[] = ['caps', 'brackets', 'pig'];
const STYLE_TEXT: Record<Style, string> = { caps: 'Use caps.', brackets: 'Use brackets.', pig: 'Reply in Pig.' };
const STYLE_RULE: Record<Style, string> = { caps: 'caps', brackets: 'brackets', pig: 'lang:pig' };

/** Applies the styles to plain words: Pig endings, then caps, then brackets. */
export function styled(words: readonly string[], styles: readonly Style[]): string {
  let ws = styles.includes('pig') ? words.map((w) => `${w}ay`) : [...words];
  if (styles.includes('caps')) ws = ws.map((w) => w.toUpperCase());
  const text = ws.join(' ');
  return styles.includes('brackets') ? `[${text}]` : text;
}

function pickStyles(rng: Rng, max: number): Style[] {
  const chosen = rng.sample(STYLES, rng.range(0, max));
  return STYLES.filter((s) => chosen.includes(s));
}

function listItem(rng: Rng): InstructionItem {
  const category = rng.pick(CATEGORY_NAMES);
  const members = CATEGORIES[category].members as readonly string[];
  const n = rng.range(1, 3);
  const excluded = rng.next() < 0.7 ? rng.pick(members) : undefined;
  const words = rng.sample(
    members.filter((m) => m !== excluded),
    n,
  );
  const styles = pickStyles(rng, 2);
  const rubric = [`list:${members.join('|')}:${n}`, ...(excluded ? [`not:${excluded}`] : []), ...styles.map((s) => STYLE_RULE[s])];
  const prompt = [
    'I:',
    `Name ${n} ${n === 1 ? category : PLURAL[category]}${excluded ? `, not ${excluded}` : ''}.`,
    ...styles.map((s) => STYLE_TEXT[s]),
    'A:',
  ].join(' ');
  const wrong = [styled(words.slice(0, Math.max(1, n - 1)).concat(n === 1 ? [rng.pick(PEOPLE)] : []), styles)];
  if (excluded) wrong.push(styled([excluded, ...words.slice(1)], styles));
  for (const s of styles)
    wrong.push(
      styled(
        words,
        styles.filter((x) => x !== s),
      ),
    );
  return { prompt, reply: styled(words, styles), rubric, wrong };
}

const KEYWORDS: readonly string[] = [...THINGS, ...FOODS, ...CITIES];
const VERBS = ['likes', 'sees', 'wants'] as const;

/** `Ann likes tea`, `Ann likes tea today`, `Ann likes tea and pens`, `Ann likes tea and pens today`. */
function sentence(rng: Rng, person: string, keyword: string, n: number, avoid = keyword): string[] {
  const verb = rng.pick(VERBS);
  const other = rng.pick(KEYWORDS.filter((k) => k !== keyword && k !== avoid));
  const base = n >= 5 ? [person, verb, keyword, 'and', other] : [person, verb, keyword];
  return n === 4 || n === 6 ? [...base, 'today'] : base;
}

function aboutItem(rng: Rng): InstructionItem {
  const person = rng.pick(PEOPLE);
  const keyword = rng.pick(KEYWORDS);
  const n = rng.range(3, 6);
  const useWords = rng.next() < 0.5;
  const useKeyword = rng.next() < 0.5;
  const styles = pickStyles(rng, useWords || useKeyword ? 1 : 2);
  const words = sentence(rng, person, keyword, n);
  const rubric = [`about:${person}`, ...(useWords ? [`words:${n}`] : []), ...(useKeyword ? [`keyword:${keyword}`] : []), ...styles.map((s) => STYLE_RULE[s])];
  const prompt = [
    'I:',
    `Write about ${person}.`,
    ...(useWords ? [`Use ${n} words.`] : []),
    ...(useKeyword ? [`Use the word ${keyword}.`] : []),
    ...styles.map((s) => STYLE_TEXT[s]),
    'A:',
  ].join(' ');
  const wrong: string[] = [];
  if (useWords) wrong.push(styled(sentence(rng, person, keyword, n === 3 ? 4 : 3), styles));
  if (useKeyword) wrong.push(styled(sentence(rng, person, rng.pick(KEYWORDS.filter((k) => k !== keyword)), n, keyword), styles));
  for (const s of styles)
    wrong.push(
      styled(
        words,
        styles.filter((x) => x !== s),
      ),
    );
  if (wrong.length === 0) wrong.push(styled(sentence(rng, rng.pick(PEOPLE.filter((p) => p !== person)), keyword, n), styles));
  return { prompt, reply: styled(words, styles), rubric, wrong };
}

/** One instruction of the family: a third lists, two thirds sentences about a person. */
export function instructionItem(rng: Rng): InstructionItem {
  return rng.next() < 1 / 3 ? listItem(rng) : aboutItem(rng);
}

/** General instruction data: questions about the world answered in plain words, no format rules. */
export function generalItem(rng: Rng): { prompt: string; reply: string } {
  const kind = rng.range(0, 3);
  if (kind === 0) {
    const category = rng.pick(CATEGORY_NAMES);
    const word = rng.pick(CATEGORIES[category].members as readonly string[]);
    return { prompt: `I: What is ${word}? A:`, reply: `${word} is ${CATEGORIES[category].article} ${category}.` };
  }
  if (kind === 1) {
    const state = rng.pick(STATES);
    const who = rng.pick(PEOPLE);
    return { prompt: `I: ${who} is ${state}. What helps? A:`, reply: `${who} needs a ${NEEDS[state]}.` };
  }
  if (kind === 2) {
    const a = rng.range(1, 20);
    const b = rng.range(1, 20);
    return { prompt: `I: Add ${a} and ${b}. A:`, reply: `${a} and ${b} make ${a + b}.` };
  }
  const who = rng.pick(PEOPLE);
  if (rng.next() < 0.5) {
    const job = rng.pick(JOBS);
    return { prompt: `I: ${who} works as a ${job}. What is ${who}? A:`, reply: `${who} is a ${job}.` };
  }
  const city = rng.pick(CITIES);
  return { prompt: `I: ${who} lives in ${city}. Where is ${who}? A:`, reply: `${who} is in ${city}.` };
}

/** Facts the instruction-tuned base learns to restate as JSON records (it knows JSON, not function calls). */
const RECORD_FACTS: readonly { text: string; keys: readonly [string, 'str' | 'int'][]; draw: (rng: Rng) => (string | number)[] }[] = [
  {
    text: '{0} lives in {1}.',
    keys: [
      ['person', 'str'],
      ['city', 'str'],
    ],
    draw: (r) => [r.pick(PEOPLE), r.pick(CITIES)],
  },
  {
    text: '{0} is a {1}.',
    keys: [
      ['person', 'str'],
      ['job', 'str'],
    ],
    draw: (r) => [r.pick(PEOPLE), r.pick(JOBS)],
  },
  {
    text: '{0} has {1} {2}.',
    keys: [
      ['person', 'str'],
      ['n', 'int'],
      ['item', 'str'],
    ],
    draw: (r) => [r.pick(PEOPLE), r.range(2, 19), r.pick(THINGS)],
  },
  {
    text: '{0} eats {1} for {2} days.',
    keys: [
      ['person', 'str'],
      ['food', 'str'],
      ['days', 'int'],
    ],
    draw: (r) => [r.pick(PEOPLE), r.pick(FOODS), r.range(1, 9)],
  },
  {
    text: '{0} owes {1} coins.',
    keys: [
      ['person', 'str'],
      ['coins', 'int'],
    ],
    draw: (r) => [r.pick(PEOPLE), r.range(2, 29)],
  },
];

/** `I: Ann lives in Rome. Give JSON. A:` -> `{"person":"Ann","city":"Rome"}`. */
export function recordItem(rng: Rng): { prompt: string; reply: string } {
  const fact = rng.pick(RECORD_FACTS);
  const values = fact.draw(rng);
  const text = fact.text.replace(/\{(\d)\}/g, (_, i: string) => String(values[Number(i)]));
  const record = Object.fromEntries(fact.keys.map(([k], i) => [k, values[i]]));
  return { prompt: `I: ${text} Give JSON. A:`, reply: JSON.stringify(record) };
}
