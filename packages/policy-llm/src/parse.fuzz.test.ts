import fc from 'fast-check';
import { fuzzRuns, reportFuzz } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';
import { cleanMemory, memoryBlock, memoryReplyProblem } from './memory.js';
import { parseObjectsAnswer, parseTypeAnswer, stripReasoning } from './parse.js';

const RUNS = fuzzRuns();

/** Replies an agent LLM might send: free text, answer markers, reasoning blocks, JSON, huge numbers. */
const reply = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc
    .array(
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.integer().map((n) => `[[${n}]]`),
        fc.array(fc.integer({ min: -5, max: 50 }), { maxLength: 6 }).map((a) => `[[${a.join(', ')}]]`),
        fc.constantFrom('<think>', '</think>', '[[', ']]', '```json', '```', '{"answer": [1, 2]}', '[[1e308]]', '[[-0]]', '[[0x10]]', '\n', '</memory>'),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(' ')),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

describe('LLM reply parsers (fast-check)', () => {
  it('type and objects answers: parsed within range or refused with a reason, never a crash', () => {
    reportFuzz('policy-llm parse answers', RUNS, () =>
      fc.assert(
        fc.property(reply, fc.integer({ min: 1, max: 12 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), (text, count, sizes) => {
          const t = parseTypeAnswer(text, count);
          if (t.ok) for (const i of t.indices) expect(i >= 0 && i < count).toBe(true);
          else expect(typeof t.error).toBe('string');
          const slots = sizes.map((size, k) => ({ name: `s${k}`, list: `l${k}`, size }));
          const o = parseObjectsAnswer(text, slots);
          if (o.ok) {
            expect(o.indices).toHaveLength(slots.length);
            o.indices.forEach((i, k) => expect(i >= 0 && i < slots[k]!.size).toBe(true));
          } else expect(typeof o.error).toBe('string');
          expect(typeof stripReasoning(text)).toBe('string');
        }),
        { numRuns: RUNS },
      ),
    );
  });

  it('memory replies: cleaned within the limit or refused; the data block cannot be closed from inside', () => {
    reportFuzz('policy-llm memory', RUNS, () =>
      fc.assert(
        fc.property(reply, fc.integer({ min: 200, max: 3000 }), (text, max) => {
          const cleaned = cleanMemory(text, max);
          expect(cleaned.length).toBeLessThanOrEqual(max);
          const problem = memoryReplyProblem(text, cleaned, max);
          if (!problem) {
            const block = memoryBlock(cleaned);
            expect(block.split('\n<memory>\n')).toHaveLength(2);
            expect(block.endsWith('\n</memory>')).toBe(true);
            expect(block.slice(block.indexOf('\n<memory>\n') + 10, -10)).not.toMatch(/<\s*\/?\s*memory\s*>/i);
          }
        }),
        { numRuns: RUNS },
      ),
    );
  });
});
