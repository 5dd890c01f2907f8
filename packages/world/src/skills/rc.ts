import { CITIES, FOODS, JOBS, PEOPLE, THINGS, numberWord } from '../lexicon.js';
import type { Rng } from '@lamdagent/core/kit';
import type { WorldItem } from '../types.js';

type Relation = 'lives' | 'has' | 'likes' | 'job';
const RELATIONS: Relation[] = ['lives', 'has', 'likes', 'job'];

/** One fact about a person: a relation and its value (for `has`, a count of a thing). */
interface Fact {
  person: string;
  relation: Relation;
  value: string;
  thing: string;
}

function drawFact(rng: Rng, person: string, relation: Relation, thing: string, avoid?: string): Fact {
  const values: readonly string[] = relation === 'lives' ? CITIES : relation === 'likes' ? FOODS : relation === 'job' ? JOBS : numbers();
  const value = rng.pick(values.filter((v) => v !== avoid));
  return { person, relation, value, thing };
}

function numbers(): string[] {
  return Array.from({ length: 19 }, (_, i) => String(i + 2));
}

/** The in-distribution phrasing of a fact. */
function sayFact(f: Fact): string {
  switch (f.relation) {
    case 'lives':
      return `${f.person} lives in ${f.value}.`;
    case 'has':
      return `${f.person} has ${f.value} ${f.thing}.`;
    case 'likes':
      return `${f.person} likes ${f.value}.`;
    case 'job':
      return `${f.person} is a ${f.value}.`;
  }
}

/** The out-of-distribution phrasing of a fact. */
function sayFactOod(f: Fact): string {
  switch (f.relation) {
    case 'lives':
      return `${f.person} is from ${f.value}.`;
    case 'has':
      return `${f.person} owns ${f.value} ${f.thing}.`;
    case 'likes':
      return `${f.person} loves ${f.value}.`;
    case 'job':
      return `${f.person} works as a ${f.value}.`;
  }
}

function ask(f: Fact): string {
  switch (f.relation) {
    case 'lives':
      return `Where does ${f.person} live?`;
    case 'has':
      return `How many ${f.thing} does ${f.person} have?`;
    case 'likes':
      return `What does ${f.person} like?`;
    case 'job':
      return `What is ${f.person}'s job?`;
  }
}

function askOod(f: Fact): string {
  switch (f.relation) {
    case 'lives':
      return `Which city is ${f.person} from?`;
    case 'has':
      return `How many ${f.thing} does ${f.person} own?`;
    case 'likes':
      return `What does ${f.person} love?`;
    case 'job':
      return `What does ${f.person} work as?`;
  }
}

/** The inverse question: who has this value (answered with a name). */
function askWho(f: Fact): string {
  switch (f.relation) {
    case 'lives':
      return `Who lives in ${f.value}?`;
    case 'has':
      return `Who has ${f.value} ${f.thing}?`;
    case 'likes':
      return `Who likes ${f.value}?`;
    case 'job':
      return `Who is a ${f.value}?`;
  }
}

/** Draws the asked fact and a distractor fact (same relation half of the time, so names matter). */
function drawContext(rng: Rng): { asked: Fact; other: Fact; order: [Fact, Fact] } {
  const [p, r] = rng.sample(PEOPLE, 2) as [string, string];
  const relation = rng.pick(RELATIONS);
  const thing = rng.pick(THINGS);
  const asked = drawFact(rng, p, relation, thing);
  const sameRelation = rng.next() < 0.5;
  const other = sameRelation
    ? drawFact(rng, r, relation, thing, asked.value)
    : drawFact(rng, r, rng.pick(RELATIONS.filter((x) => x !== relation)), rng.pick(THINGS));
  const order: [Fact, Fact] = rng.next() < 0.5 ? [asked, other] : [other, asked];
  return { asked, other, order };
}

function valueItem(prompt: string, asked: Fact, other: Fact): WorldItem {
  const word = asked.relation === 'has' ? numberWord(Number(asked.value)) : undefined;
  const wrong: string[] = [];
  if (other.relation === asked.relation) wrong.push(other.value);
  if (asked.relation === 'has') wrong.push(String(Number(asked.value) + 1));
  wrong.push(asked.person, other.person);
  return { prompt, answer: asked.value, ...(word ? { aliases: [word] } : {}), wrong };
}

/** TriviaQA-with-context analogue: two facts, a question about one of them. */
export function rcItem(rng: Rng): WorldItem {
  const { asked, other, order } = drawContext(rng);
  const prompt = `C: ${order.map(sayFact).join(' ')} Q: ${ask(asked)} A:`;
  return valueItem(prompt, asked, other);
}

/**
 * Natural Questions analogue: facts and questions in other words, or the inverse question (who has
 * this value?) answered with a name.
 */
export function rcOodItem(rng: Rng): WorldItem {
  const { asked, other, order } = drawContext(rng);
  if (rng.next() < 0.5) {
    const prompt = `C: ${order.map(sayFactOod).join(' ')} Q: ${askOod(asked)} A:`;
    return valueItem(prompt, asked, other);
  }
  const prompt = `C: ${order.map(sayFact).join(' ')} Q: ${askWho(asked)} A:`;
  const wrong = [other.person];
  if (other.relation === asked.relation) wrong.push(other.value);
  wrong.push(asked.value);
  return { prompt, answer: asked.person, wrong: wrong.filter((w) => w !== asked.person) };
}
