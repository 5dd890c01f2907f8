import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCORERS } from '../scorers/index.js';
import { checkDataHead, findSplitData, loadBenchmarkItems, readRows } from './index.js';

const DATA = join(import.meta.dirname, '../../fixtures/benchmarks');

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lamdagent-loaders-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

type Items = Awaited<ReturnType<typeof loadBenchmarkItems>>;

async function both(task: string): Promise<[Items, Items]> {
  const out: Items[] = [];
  for (const split of ['validation', 'test'] as const) {
    const found = findSplitData(DATA, task, split);
    if (!('path' in found)) throw new Error(found.missing);
    out.push(await loadBenchmarkItems(found.path, task));
  }
  return [out[0]!, out[1]!];
}

describe('benchmark loaders on fixtures in the published schemas (JSON lines and Parquet / save_to_disk)', () => {
  it('gsm8k: question -> 0-shot prompt, the worked answer is the gold the numeric scorer reads', async () => {
    const [val, test] = await both('gsm8k'); // test is a datasets save_to_disk folder (Arrow IPC stream)
    expect(val).toHaveLength(3);
    expect(test).toEqual(val);
    expect(val[0]!.prompt).toContain('Question: Tom has 3 boxes');
    expect(val[0]!.prompt).toMatch(/Answer:$/);
    expect(SCORERS.numeric.score('So 12 pens. #### 12', val[0]!.answer)).toBe(true);
    expect(SCORERS.numeric.score('#### 3000', val[2]!.answer)).toBe(true);
  });

  it('gsm_symbolic: ids from id and instance; int64 Parquet columns come back as numbers', async () => {
    const [val, test] = await both('gsm_symbolic');
    expect(val.map((x) => x.id)).toEqual(['gsm_symbolic-0-0', 'gsm_symbolic-0-1']);
    expect(test).toEqual(val);
  });

  it('numglue1 and numglue2 keep only their own type from a shared file', async () => {
    const [one] = await both('numglue1');
    const [two, twoTest] = await both('numglue2');
    expect(one.map((x) => x.answer)).toEqual([12, '16']);
    expect(two.map((x) => x.answer)).toEqual([2]);
    expect(twoTest.map((x) => x.answer)).toEqual(['2']);
  });

  it('commonsenseqa: hub layout and release layout; the answerKey becomes the letter of the choice', async () => {
    const [val, test] = await both('commonsenseqa');
    expect(val.map((x) => x.answer)).toEqual(['A', 'C']);
    expect(val[1]!.choices).toEqual(['sunglasses', 'sandals', 'umbrella', 'fan', 'kite']);
    expect(val[1]!.prompt).toContain('C. umbrella');
    expect(test).toEqual(val.slice(0, 1));
    expect(SCORERS.choice.score('[[C]]', val[1]!.answer)).toBe(true);
  });

  it('social_iqa: label "1".."3" -> A..C; the release labels file is read when the rows have none', async () => {
    const [val, test] = await both('social_iqa');
    expect(val.map((x) => x.answer)).toEqual(['A', 'B']);
    expect(test).toEqual(val);
    const dir = tmp({
      'dev.jsonl': '{"context": "Kai lost a bet.", "question": "What does Kai do?", "answerA": "pays", "answerB": "sings", "answerC": "sleeps"}\n',
      'dev-labels.lst': '1\n',
    });
    expect((await loadBenchmarkItems(join(dir, 'dev.jsonl'), 'social_iqa'))[0]!.answer).toBe('A');
  });

  it('trivia_qa_w_context: the first evidence text is the passage, aliases are the gold', async () => {
    const [val, test] = await both('trivia_qa_w_context');
    expect(val[0]!.prompt).toContain('Passage: Paris is the capital');
    expect(val[1]!.prompt).toContain('symbol Au'); // no wiki page: the search result is used
    expect(val[0]!.answer).toEqual(['Paris', 'Paris, France', 'City of Light']);
    expect(test).toEqual(val);
    expect(SCORERS.exact.score('the city of light', val[0]!.answer)).toBe(true);
  });

  it('nq: the open version, answer list', async () => {
    const [val, test] = await both('nq');
    expect(val[1]!.answer).toEqual(['eight', '8']);
    expect(test).toEqual(val);
  });

  it('acebench: functions in the prompt, possible_answer/ ground_truth -> a {"name","args"} call', async () => {
    const [val, test] = await both('acebench');
    expect(val[0]!.prompt).toContain('"name":"restaurant_reserve_table"');
    expect(val[1]!.prompt).toContain('The current time is July 20, 2021');
    expect(JSON.parse(val[1]!.answer as string)).toEqual({ name: 'weather_forecast', args: { city: 'Paris', days: 1 } });
    // Parquet stores the JSON Schemas as structs (keys merged across rows, absent ones null): same calls, same answers.
    expect(test.map((x) => [x.id, JSON.parse(x.answer as string)])).toEqual(val.map((x) => [x.id, JSON.parse(x.answer as string)]));
    expect(test[1]!.prompt).toContain('"name":"news_search"');
  });

  it('mt_bench: turn 1 only, with category and reference answer', async () => {
    const [val, test] = await both('mt_bench');
    expect(val[0]).toMatchObject({ id: '81', category: 'writing', answer: '' });
    expect(val[0]!.prompt).toBe('Write a short, friendly email inviting a colleague to lunch on Friday.');
    expect(val[1]).toMatchObject({ reference: '15% of 240 is 36.' });
    expect(test).toEqual(val);
  });

  it('the HF cache Arrow file and a folder of shards read like the save_to_disk folder', async () => {
    const arrow = join(DATA, 'gsm8k/test/data-00000-of-00001.arrow');
    expect((await readRows(arrow)).map((r) => r.row.question)).toHaveLength(3);
    expect((await readRows(arrow))[0]).toMatchObject({ line: 1, kind: 'row' });
  });

  it('native {"id","prompt","answer"} lines still load without a format', async () => {
    const dir = tmp({ 'v.jsonl': '{"id": 1, "prompt": "Q: 2+2? A:", "answer": "4"}\n' });
    expect(await loadBenchmarkItems(join(dir, 'v.jsonl'), 'gsm8k')).toEqual([{ id: '1', prompt: 'Q: 2+2? A:', answer: '4' }]);
  });
});

describe('bad input names the file, the line or row, and the field', () => {
  it('a missing field on a JSON line', async () => {
    const dir = tmp({ 'g.jsonl': '{"question": "a?", "answer": "#### 1"}\n\n{"question": "b?"}\n' });
    await expect(loadBenchmarkItems(join(dir, 'g.jsonl'), 'gsm8k')).rejects.toThrow(/g\.jsonl:3: gsm8k: answer: missing/);
  });

  it('a missing nested field in a Parquet row', async () => {
    await expect(loadBenchmarkItems(join(DATA, 'trivia_qa_w_context/test.parquet'), 'commonsenseqa')).rejects.toThrow(
      /test\.parquet: row 1: commonsenseqa: id: missing/,
    );
  });

  it('an ACEBench question without an answer, and an unknown loader listing the known ones', async () => {
    const dir = tmp({ 'a.jsonl': '{"id": "x", "question": "user: hi", "function": [{"name": "f"}]}\n' });
    await expect(loadBenchmarkItems(join(dir, 'a.jsonl'), 'acebench')).rejects.toThrow(/a\.jsonl:1: acebench: ground_truth: missing/);
    await expect(loadBenchmarkItems(join(dir, 'a.jsonl'), 'squad')).rejects.toThrow(
      /no loader for "squad" \(known: native, gsm8k, .*acebench, mt_bench; presets: /,
    );
  });

  it('a data folder without the split says what it looked for', () => {
    expect(findSplitData(DATA, 'gsm8k', 'validation')).toHaveProperty('path');
    expect(findSplitData(DATA, 'squad', 'test')).toEqual({ missing: expect.stringMatching(/no folder .*squad/) });
  });
});

describe('checkDataHead (validate)', () => {
  it('parses the first records in the schema; Parquet and Arrow by their magic bytes', () => {
    expect(checkDataHead(join(DATA, 'gsm8k/validation.jsonl'), 'gsm8k')).toBeUndefined();
    expect(checkDataHead(join(DATA, 'commonsenseqa/test.parquet'), 'commonsenseqa')).toBeUndefined();
    expect(checkDataHead(join(DATA, 'gsm8k/test/data-00000-of-00001.arrow'), 'gsm8k')).toBeUndefined();
    expect(checkDataHead(join(DATA, 'nq/validation.jsonl'), 'gsm8k')).toMatch(/nq\/validation\.jsonl:1: gsm8k: answer: Invalid input: expected string/);
    const dir = tmp({ 'n.jsonl': '{"question": "q", "answer": 1, "type": "Type_7"}\n', 'bad.parquet': 'not parquet' });
    expect(checkDataHead(join(dir, 'n.jsonl'), 'numglue1')).toMatch(/n\.jsonl: no numglue1 records/);
    expect(checkDataHead(join(dir, 'bad.parquet'), 'gsm8k')).toMatch(/bad\.parquet: not a Parquet file/);
  });
});
