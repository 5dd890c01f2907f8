import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accuracy, guessRate, hoeffdingMargin } from './accuracy.test-helper.js';
import { SHIPPED_SPECIALISTS } from './assets.js';
import { DEFAULT_EVAL_SIZE } from './data.js';
import { SKILL_NAMES } from './skills/index.js';
import { drawSplits } from './splits.js';

/**
 * Each shipped specialist beats a guesser on the test split of the default world (seed 0, 1,000
 * items) by a margin that cannot be luck: by Hoeffding's inequality a guesser with success rate p
 * scores p + t or more on n items with probability at most exp(-2 n t²); with n = 1,000 and
 * t = 0.083 that is 1e-6. The guesser has the answer's form but not the skill (see `guessRate`):
 * mc the most frequent letter (about 1/3), arith the most frequent answer, rc the value of one of
 * the context's two facts picked at random (1/2).
 */
const DELTA = 1e-6;

describe('the shipped specialists learned their skills (test split, seed 0)', () => {
  for (const skill of SKILL_NAMES) {
    it(`${skill}-specialist beats the guesser by more than the Hoeffding margin`, async () => {
      const items = drawSplits(skill, 0, { trainSize: 1, valSize: DEFAULT_EVAL_SIZE, testSize: DEFAULT_EVAL_SIZE }).test ?? [];
      expect(items).toHaveLength(DEFAULT_EVAL_SIZE);
      const chance = guessRate(skill, items);
      const margin = hoeffdingMargin(items.length, DELTA);
      const score = await accuracy(join(SHIPPED_SPECIALISTS, `${skill}-specialist`), skill, items);
      console.log(
        `${skill}-specialist: test ${score.toFixed(3)}, guesser ${chance.toFixed(3)}, margin ${margin.toFixed(3)} (n = ${items.length}, P(luck) <= ${DELTA})`,
      );
      expect(score).toBeGreaterThan(chance + margin);
    }, 300_000);
  }
});

describe('the guesser and the bound', () => {
  it('rates a guesser from the items alone', () => {
    const sizes = { trainSize: 1, valSize: 10, testSize: 400 };
    const mc = guessRate('mc', drawSplits('mc', 0, sizes).test ?? []);
    expect(mc).toBeGreaterThan(0.3);
    expect(mc).toBeLessThan(0.4);
    const rc = guessRate('rc', drawSplits('rc', 0, sizes).test ?? []);
    expect(rc).toBe(0.5);
    expect(guessRate('arith', drawSplits('arith', 0, sizes).test ?? [])).toBeLessThan(0.2);
  });

  it('gives the Hoeffding margin', () => {
    expect(hoeffdingMargin(1000, 1e-6)).toBeCloseTo(0.0831, 3);
    expect(Math.exp(-2 * 1000 * hoeffdingMargin(1000, 1e-6) ** 2)).toBeCloseTo(1e-6, 9);
  });
});
