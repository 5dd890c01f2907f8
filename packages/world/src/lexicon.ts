/**
 * The embedded world's lexicon: its people, places, objects, categories and needs. Every task and
 * the pretraining corpus draw from these lists only, so the whole world fits a small fixed alphabet.
 */

/** Every character any world text uses (a character-level tokenizer covers it all). */
export const WORLD_ALPHABET = " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,?:()[]'";

export const PEOPLE = ['Ann', 'Bob', 'Tom', 'Eve', 'Sam', 'Max', 'Kim', 'Leo', 'Mia', 'Zoe', 'Ben', 'Ida'] as const;

/** Countable things (plural forms): arithmetic problems and reading contexts count them. */
export const THINGS = ['pens', 'cups', 'keys', 'books', 'hats', 'eggs', 'coins', 'cards', 'balls', 'rings', 'socks', 'bags'] as const;

export const CITIES = ['Rome', 'Oslo', 'Paris', 'Lima', 'Cairo', 'Delhi', 'Tokyo', 'Bern', 'Riga', 'Quito', 'Dakar', 'Hanoi'] as const;

export const FOODS = ['tea', 'rice', 'soup', 'bread', 'jam', 'milk', 'pie', 'cake', 'corn', 'fish'] as const;

export const JOBS = ['baker', 'nurse', 'pilot', 'cook', 'judge', 'smith', 'miner', 'tutor', 'clerk', 'guard'] as const;

/** Categories for multiple choice: name (with its article) and members. Members are unique across categories. */
export const CATEGORIES = {
  fruit: { article: 'a', members: ['apple', 'pear', 'plum', 'fig', 'lime', 'grape', 'peach', 'mango'] },
  animal: { article: 'an', members: ['cat', 'dog', 'cow', 'fox', 'owl', 'hen', 'pig', 'goat'] },
  tool: { article: 'a', members: ['saw', 'axe', 'drill', 'hammer', 'rake', 'spade', 'wrench', 'chisel'] },
  vehicle: { article: 'a', members: ['car', 'bus', 'van', 'bike', 'train', 'boat', 'ship', 'truck'] },
  color: { article: 'a', members: ['red', 'blue', 'green', 'pink', 'gray', 'black', 'white', 'brown'] },
  city: { article: 'a', members: [...CITIES] },
  job: { article: 'a', members: [...JOBS] },
} as const satisfies Record<string, { article: 'a' | 'an'; members: readonly string[] }>;

export type Category = keyof typeof CATEGORIES;
export const CATEGORY_NAMES = Object.keys(CATEGORIES) as Category[];

/** States and what a person in that state needs (the social, SocialIQA-like part of the world). */
export const NEEDS = {
  cold: 'coat',
  hungry: 'food',
  thirsty: 'water',
  tired: 'bed',
  wet: 'towel',
  lost: 'map',
  bored: 'game',
  sick: 'doctor',
  sad: 'hug',
  dirty: 'bath',
} as const satisfies Record<string, string>;

export type State = keyof typeof NEEDS;
export const STATES = Object.keys(NEEDS) as State[];

export const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
] as const;

/** The number as a word when it has one (0 to 20), else undefined. */
export function numberWord(n: number): string | undefined {
  return NUMBER_WORDS[n];
}

/** Which category a word belongs to, if any. */
export function categoryOf(word: string): Category | undefined {
  return CATEGORY_NAMES.find((c) => (CATEGORIES[c].members as readonly string[]).includes(word));
}
