import { describe, expect, it } from 'vitest';
import { SCORERS, extractFinalNumber, normalizeAnswer, parseChoice, scoreChoice, scoreExact, scoreNumeric } from './index.js';

describe('numeric (GSM8k)', () => {
  it.each([
    [' 7', '7'],
    ['She has 3 pens, then 4 more, so 7.', '7'],
    ['The answer is 1,234 dollars', '1234'],
    ['$1,000,000.', '1000000'],
    ['it fell to -5 degrees', '-5'],
    ['10-3 = 7', '7'],
    ['x-3', '3'],
    ['3.50', '3.50'],
    ['1,2,3', '3'],
    ['Step 1: 2+2=4 #### 4 and then 99', '4'],
    ['#### 1,500', '1500'],
    ['#### none, but 12', '12'],
    ['pens7', '7'],
    ['no number here', undefined],
    ['', undefined],
  ])('extractFinalNumber(%j) = %j', (text, want) => {
    expect(extractFinalNumber(text)).toBe(want);
  });

  it('compares numerically', () => {
    expect(scoreNumeric(' 7', '7')).toBe(true);
    expect(scoreNumeric(' 7.0', 7)).toBe(true);
    expect(scoreNumeric(' 07', '7')).toBe(true);
    expect(scoreNumeric(' 1,234', '1234')).toBe(true);
    expect(scoreNumeric(' 17', '7')).toBe(false);
    expect(scoreNumeric(' 3 then 7', '3')).toBe(false);
    expect(scoreNumeric(' seven', '7')).toBe(false);
    expect(scoreNumeric('', '0')).toBe(false);
    expect(scoreNumeric(' -2', '-2')).toBe(true);
  });

  it('reads a GSM8k-style gold with a worked solution and #### marker', () => {
    expect(scoreNumeric('so 72', 'Natalia sold 48/2 = 24 clips in May.\n48+24 = 72 clips.\n#### 72')).toBe(true);
    expect(scoreNumeric('so 24', 'Natalia sold 48/2 = 24 clips in May.\n#### 72')).toBe(false);
  });

  it('accepts any alias of the gold', () => {
    expect(scoreNumeric(' 5', ['4', '5'])).toBe(true);
    expect(scoreNumeric(' 6', ['4', 5])).toBe(false);
  });
});

describe('choice (CommonsenseQA)', () => {
  it.each([
    [' [[B]]', 'B'],
    ['I think [[a]] no, [[C]]', 'C'],
    ['[[ D ]]', 'D'],
    [' [B]', undefined],
    [' B', undefined],
    ['[[AB]]', undefined],
    ['', undefined],
  ])('parseChoice(%j) = %j', (text, want) => {
    expect(parseChoice(text)).toBe(want);
  });

  it('matches the gold letter in any of its spellings', () => {
    expect(scoreChoice(' [[B]]', 'B')).toBe(true);
    expect(scoreChoice(' [[b]]', 'B')).toBe(true);
    expect(scoreChoice(' [[B]]', ' b ')).toBe(true);
    expect(scoreChoice(' [[B]]', '[[B]]')).toBe(true);
    expect(scoreChoice(' [[C]]', 'B')).toBe(false);
    expect(scoreChoice(' B', 'B')).toBe(false);
    expect(scoreChoice('[[B]] no wait [[A]]', 'B')).toBe(false);
  });
});

describe('exact (TriviaQA)', () => {
  it.each([
    ['The Eiffel Tower!', 'eiffel tower'],
    ['  Rome. ', 'rome'],
    ['an apple a day', 'apple day'],
    ['New_York', 'new york'],
    ["Bob's", 'bobs'],
    ['theatre', 'theatre'],
    ['A', ''],
  ])('normalizeAnswer(%j) = %j', (text, want) => {
    expect(normalizeAnswer(text)).toBe(want);
  });

  it('matches after normalization, against any alias', () => {
    expect(scoreExact(' Rome', 'Rome')).toBe(true);
    expect(scoreExact(' the  Rome.', 'rome')).toBe(true);
    expect(scoreExact(' seven', ['7', 'seven'])).toBe(true);
    expect(scoreExact(' 7', ['7', 'seven'])).toBe(true);
    expect(scoreExact(' Rome is nice', 'Rome')).toBe(false);
    expect(scoreExact(' Roma', 'Rome')).toBe(false);
    expect(scoreExact('', 'Rome')).toBe(false);
  });
});

describe('SCORERS', () => {
  it('registers the rules with their extractors', () => {
    expect(Object.keys(SCORERS).sort()).toEqual(['choice', 'exact', 'judge', 'numeric', 'toolcall']);
    expect(SCORERS.numeric.extract('a 3 b 4')).toBe('4');
    expect(SCORERS.choice.extract('[[c]]')).toBe('C');
    expect(SCORERS.exact.extract(' The Rome')).toBe('rome');
  });
});
