import { describe, expect, it } from 'vitest';
import { CATEGORIES, NEEDS, WORLD_ALPHABET, categoryOf, type Category } from '../lexicon.js';
import { Rng } from '@lamdagent/core/kit';
import type { WorldItem, WorldTaskName } from '../types.js';
import { GENERATORS, TASK_NAMES, completionFor } from './index.js';

function sample(task: WorldTaskName, n = 400): WorldItem[] {
  const rng = Rng.labelled(7, task, 'unit');
  return Array.from({ length: n }, () => GENERATORS[task](rng));
}

/** An independent solver of every arithmetic template (reads the numbers back from the prompt). */
function solveArith(prompt: string): number {
  const n = (prompt.match(/\d+/g) ?? []).map(Number);
  const [a = NaN, b = NaN, c = NaN] = n;
  if (/gets \d+ more and loses/.test(prompt)) return a + b - c;
  if (/loses|gives \d+ to|lost/.test(prompt)) return a - b;
  if (/gets|gives \w+ \d+ more|puts in|in all/.test(prompt)) return a + b;
  throw new Error(`unknown template: ${prompt}`);
}

function choiceOf(item: WorldItem): string {
  const i = 'ABCD'.indexOf(item.answer);
  return item.choices?.[i] ?? '';
}

describe('world task generators', () => {
  it.each(TASK_NAMES)('%s: short prompts over the world alphabet, in the Q: ... A: frame', (task) => {
    for (const item of sample(task)) {
      const text = item.prompt + completionFor(task, item.answer);
      expect(text.length).toBeGreaterThanOrEqual(30);
      expect(text.length).toBeLessThanOrEqual(95);
      expect([...text].filter((ch) => !WORLD_ALPHABET.includes(ch))).toEqual([]);
      expect(item.prompt).toMatch(/^(Q: |C: .* Q: ).* A:$/);
      expect(item.wrong.length).toBeGreaterThan(0);
      expect(item.wrong).not.toContain(item.answer);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = sample('rc', 20).map((i) => i.prompt);
    const b = sample('rc', 20).map((i) => i.prompt);
    expect(a).toEqual(b);
    const rng = Rng.labelled(8, 'rc', 'unit');
    expect(Array.from({ length: 20 }, () => GENERATORS.rc(rng).prompt)).not.toEqual(a);
  });

  it.each(['arith', 'arith_ood'] as const)('%s: answers are right', (task) => {
    for (const item of sample(task)) {
      expect(Number(item.answer)).toBe(solveArith(item.prompt));
      expect(Number(item.answer)).toBeGreaterThanOrEqual(0);
    }
  });

  it('arith_ood covers numbers beyond the in-distribution range', () => {
    const firstOperand = (i: WorldItem): number => Number(i.prompt.match(/\d+/)?.[0]);
    expect(Math.max(...sample('arith').map(firstOperand))).toBeLessThanOrEqual(12);
    expect(Math.max(...sample('arith_ood').map(firstOperand))).toBeGreaterThan(20);
  });

  it('mc: exactly one option is right', () => {
    for (const item of sample('mc')) {
      expect(item.choices).toHaveLength(3);
      const q = item.prompt;
      const chosen = choiceOf(item);
      const cat = q.match(/is an? (\w+)\?/)?.[1] as Category | undefined;
      if (cat) {
        expect(categoryOf(chosen)).toBe(cat);
        expect(item.choices?.filter((c) => categoryOf(c) === cat)).toHaveLength(1);
      } else {
        const nums = (item.choices ?? []).map(Number);
        if (q.includes('even')) expect(nums.filter((x) => x % 2 === 0)).toEqual([Number(chosen)]);
        else if (q.includes('odd')) expect(nums.filter((x) => x % 2 === 1)).toEqual([Number(chosen)]);
        else expect(Math.max(...nums)).toBe(Number(chosen));
      }
    }
  });

  it('mc_ood: exactly one option is right', () => {
    for (const item of sample('mc_ood')) {
      const q = item.prompt;
      const chosen = choiceOf(item);
      const choices = item.choices ?? [];
      const state = q.match(/is (\w+)\. What does/)?.[1] as keyof typeof NEEDS | undefined;
      const not = q.match(/Which is not an? (\w+)\?/)?.[1] as Category | undefined;
      const cue = q.match(/Which goes with (\w+)\?/)?.[1];
      if (state) expect(chosen).toBe(NEEDS[state]);
      else if (not) {
        expect(categoryOf(chosen)).not.toBe(not);
        expect(choices.filter((c) => categoryOf(c) !== not)).toEqual([chosen]);
        expect(CATEGORIES[not].members).toBeDefined();
      } else if (cue) {
        expect(choices.filter((c) => categoryOf(c) === categoryOf(cue))).toEqual([chosen]);
      } else expect(Math.min(...choices.map(Number))).toBe(Number(chosen));
    }
  });

  it.each(['rc', 'rc_ood'] as const)('%s: the answer is read from the context about the asked person', (task) => {
    for (const item of sample(task)) {
      const [, context = '', question = ''] = item.prompt.match(/^C: (.*) Q: (.*) A:$/) ?? [];
      const sentences = context.split('. ').map((s) => s.replace(/\.$/, ''));
      expect(sentences).toHaveLength(2);
      const asked = question.match(/\b([A-Z][a-z]+)\b(?!.*\b[A-Z][a-z]+\b)/)?.[1];
      if (question.startsWith('Who')) {
        const value = question.replace(/^Who (lives in|has|likes|is a) /, '').replace(/\?$/, '');
        const holders = sentences.filter((s) => s.endsWith(` ${value}`) || s.includes(` ${value} `)).map((s) => s.split(' ')[0]);
        expect(holders).toEqual([item.answer]);
      } else {
        const fact = sentences.find((s) => s.startsWith(`${asked} `));
        expect(fact, item.prompt).toBeDefined();
        expect(fact?.split(' ')).toContain(item.answer);
        if (/^\d+$/.test(item.answer)) expect(item.aliases?.length).toBe(1);
      }
    }
  });

  it('completions: a leading space, [[X]] for multiple choice', () => {
    expect(completionFor('arith', '7')).toBe(' 7');
    expect(completionFor('mc_ood', 'B')).toBe(' [[B]]');
    expect(completionFor('rc', 'Rome')).toBe(' Rome');
  });
});
