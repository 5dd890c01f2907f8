import { describe, expect, it } from 'vitest';
import { pretrainCorpus } from './corpus.js';
import { WORLD_ALPHABET } from './lexicon.js';

describe('pretrainCorpus', () => {
  const docs = pretrainCorpus(5, 2000);

  it('is deterministic, short and over the world alphabet', () => {
    expect(pretrainCorpus(5, 50)).toEqual(docs.slice(0, 50));
    expect(pretrainCorpus(6, 50)).not.toEqual(docs.slice(0, 50));
    for (const d of docs) {
      expect(d.length).toBeLessThanOrEqual(110);
      expect([...d].filter((ch) => !WORLD_ALPHABET.includes(ch))).toEqual([]);
    }
  });

  it('never uses the task formats', () => {
    for (const d of docs) {
      expect(d).not.toMatch(/\b[QAC]:|\[\[|\?/);
    }
  });

  it('covers the world: facts, categories, numbers, stories and needs, with correct sums', () => {
    const all = docs.join(' ');
    for (const phrase of ['lives in', 'likes', 'is a fruit', 'is even', 'got', 'needs', 'make']) expect(all).toContain(phrase);
    for (const m of all.matchAll(/(\d+) and (\d+) make (\d+)/g)) expect(Number(m[1]) + Number(m[2])).toBe(Number(m[3]));
    for (const m of all.matchAll(/(\d+) take away (\d+) leaves (\d+)/g)) expect(Number(m[1]) - Number(m[2])).toBe(Number(m[3]));
    expect(all).toContain('take away');
    for (const m of all.matchAll(/had (\d+) \w+ and got (\d+) more, so \w+ had (\d+)/g)) expect(Number(m[1]) + Number(m[2])).toBe(Number(m[3]));
  });
});
