import { describe, expect, it } from 'vitest';
import { extractIndices, parseObjectsAnswer, parseTypeAnswer, stripReasoning } from './parse.js';

const slots = [
  { name: 'model', list: 'A', size: 4 },
  { name: 'dataset', list: 'B', size: 9 },
  { name: 'learning_rate', list: 'C', size: 1 },
];

describe('answer parsing', () => {
  it('takes the last well-formed bracketed answer', () => {
    expect(parseObjectsAnswer('e.g. [[1, 0, 2]] ... so [[x, y]] ... final [[3, 8, 0]]', slots)).toMatchObject({ ok: true, indices: [3, 8, 0] });
    expect(parseObjectsAnswer('[[3, 8, 0]] and then [[oops]]', slots)).toMatchObject({ ok: true, indices: [3, 8, 0] });
    expect(parseObjectsAnswer('**Answer:** [[ 2 ,1,0 ]]', slots)).toMatchObject({ ok: true, indices: [2, 1, 0] });
    expect(parseObjectsAnswer('answer: [2 1 0]', slots)).toMatchObject({ ok: true, indices: [2, 1, 0] });
  });

  it('rejects wrong arity and out-of-range indices with a message naming the input', () => {
    const arity = parseObjectsAnswer('[[1, 2]]', slots);
    expect(arity).toEqual({ ok: false, error: 'expected 3 numbers (one per input: model, dataset, learning_rate), got 2 in [[1, 2]]' });
    const range = parseObjectsAnswer('[[4, 9, -1]]', slots);
    expect(range.ok).toBe(false);
    if (!range.ok) {
      expect(range.error).toContain('4 for input 1 (model) is out of range: list A has indices 0 to 3');
      expect(range.error).toContain('9 for input 2 (dataset) is out of range');
      expect(range.error).toContain('-1 for input 3 (learning_rate)');
    }
  });

  it('reports a reply without an answer', () => {
    expect(parseObjectsAnswer('I would merge the two best models.', slots)).toMatchObject({ ok: false, error: expect.stringContaining('no answer found') });
    expect(parseObjectsAnswer('[[1.5, 2, 0]]', slots)).toMatchObject({ ok: false });
  });

  it('reads an action type from brackets or a bare final number', () => {
    expect(parseTypeAnswer('Type 0 failed twice, so [[1]]', 2)).toMatchObject({ ok: true, indices: [1] });
    expect(parseTypeAnswer('SFT has worked.\n\nSelected Action Type NUMBER: **0**', 2)).toMatchObject({ ok: true, indices: [0] });
    expect(parseTypeAnswer('1', 2)).toMatchObject({ ok: true, indices: [1] });
    expect(parseTypeAnswer('[[2]]', 2)).toEqual({ ok: false, error: '2 is not a listed action type: choose a number from 0 to 1' });
    expect(parseTypeAnswer('[[0, 1]]', 2)).toMatchObject({ ok: false, error: expect.stringContaining('exactly one number') });
    expect(parseTypeAnswer('Trial 12 was good, I think type one is better overall', 2)).toMatchObject({ ok: false });
  });

  it('ignores reasoning blocks, and an unclosed one holds no answer', () => {
    expect(stripReasoning('<think>maybe [[0]]</think>Final: [[1]]')).toBe('Final: [[1]]');
    expect(extractIndices('<think>maybe [[0]]</think>[[1]]', true)).toMatchObject({ ok: true, indices: [1] });
    expect(extractIndices('<think>maybe [[0]] and then', true)).toMatchObject({ ok: false });
  });
});
