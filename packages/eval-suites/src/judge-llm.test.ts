import { describe, expect, it } from 'vitest';
import { judgeMessages, parseRating } from './judge-llm.js';

describe('parseRating', () => {
  it('free text: the last [[n]], else the last "Rating: n" (n/10 accepted)', () => {
    expect(parseRating('Good. Rating: [[7]]')).toBe(7);
    expect(parseRating('Compared with [[3]] earlier, I now give [[9]].')).toBe(9);
    expect(parseRating('rating = 4')).toBe(4);
    expect(parseRating('Rating: 6/10')).toBe(6);
    expect(parseRating('Rating: [[10]]')).toBe(10);
  });

  it('no rating: none, decimals, out of 1..10, words', () => {
    for (const t of ['Fine answer.', 'Rating: [[0]]', 'Rating: [[11]]', 'Rating: 7.5', '[[seven]]', '']) expect(parseRating(t)).toBeUndefined();
  });

  it('constrained: a bare choice k is rating k (0 is none); other text is read as free text', () => {
    expect(parseRating('{"choice": 1}', true)).toBe(1);
    expect(parseRating('```json\n{"choice": 10}\n```', true)).toBe(10);
    expect(parseRating('[[4]]', true)).toBe(4);
    expect(parseRating('{"choice": 0}', true)).toBeUndefined();
    expect(parseRating('Nice. Rating: [[4]]', true)).toBe(4);
  });
});

describe('judgeMessages', () => {
  it('a system instruction and the question, reference and answer, delimited', () => {
    const [system, user] = judgeMessages({ question: 'Q?', answer: 'A.', reference: 'R.' });
    expect(system?.content).toContain('"Rating: [[5]]"');
    expect(system?.content).toContain('reference answer');
    expect(user?.content).toBe("[User question]\nQ?\n\n[Reference answer]\nR.\n\n[Assistant's answer begins]\nA.\n[Assistant's answer ends]");
    expect(judgeMessages({ question: 'Q?', answer: 'A.' })[0]?.content).not.toContain('reference');
  });
});
