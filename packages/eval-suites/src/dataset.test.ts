import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEvalDataset, parseEvalJsonl } from './dataset.js';
import { DatasetError } from './errors.js';

describe('evaluation dataset loader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eval-ds-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads items, skipping blank lines, coercing numeric ids', async () => {
    const file = join(dir, 'ok.jsonl');
    await writeFile(
      file,
      [
        '{"id":"a","prompt":"Q: 1+1? A:","answer":"2"}',
        '',
        '{"id":2,"prompt":"Q: which? (A) x (B) y A:","answer":"B","choices":["x","y"],"extra":1}',
        '{"id":"c","prompt":"C: ... A:","answer":["7","seven"]}',
      ].join('\n'),
    );
    const items = await loadEvalDataset(file);
    expect(items).toEqual([
      { id: 'a', prompt: 'Q: 1+1? A:', answer: '2' },
      { id: '2', prompt: 'Q: which? (A) x (B) y A:', answer: 'B', choices: ['x', 'y'] },
      { id: 'c', prompt: 'C: ... A:', answer: ['7', 'seven'] },
    ]);
  });

  it('names the file, the line and the field of a bad item', () => {
    const text = '{"id":"a","prompt":"p","answer":"1"}\n{"id":"b","answer":"2"}\n';
    expect(() => parseEvalJsonl(text, '/data/val.jsonl')).toThrow(/^\/data\/val\.jsonl:2: prompt: /);
    try {
      parseEvalJsonl(text, '/data/val.jsonl');
    } catch (err) {
      expect(err).toBeInstanceOf(DatasetError);
      expect((err as DatasetError).line).toBe(2);
      expect((err as DatasetError).exitCode).toBe(2);
    }
  });

  it('names the line of invalid JSON, an empty alias list and a repeated id', () => {
    expect(() => parseEvalJsonl('\n\n{"id":"a",', 'f.jsonl')).toThrow(/^f\.jsonl:3: not valid JSON/);
    expect(() => parseEvalJsonl('{"id":"a","prompt":"p","answer":[]}', 'f.jsonl')).toThrow(/^f\.jsonl:1: answer: /);
    expect(() => parseEvalJsonl('{"id":"a","prompt":"p","answer":"1"}\n{"id":"a","prompt":"q","answer":"1"}', 'f.jsonl')).toThrow(
      /^f\.jsonl:2: id: a repeats the id of line 1/,
    );
    expect(() => parseEvalJsonl('[1,2]', 'f.jsonl')).toThrow(/^f\.jsonl:1: /);
  });

  it('refuses an empty file and a missing one, naming it', async () => {
    expect(() => parseEvalJsonl('\n \n', 'empty.jsonl')).toThrow(/^empty\.jsonl: no items/);
    await expect(loadEvalDataset(join(dir, 'missing.jsonl'))).rejects.toThrow(/missing\.jsonl: cannot read the evaluation file \(ENOENT\)/);
  });
});
