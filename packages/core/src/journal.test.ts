import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudyStore, readJournal } from './journal.js';

const trial = (index: number): object => ({
  kind: 'trial-end',
  trial: { index, state: 'complete', action: { name: 'sft', type: 'sft', key: `k${index}`, inputs: [] }, startedAt: 'x', scores: { a: 0.5 }, reward: 0.5 },
});

describe('journal', () => {
  it('ignores a torn last line, reports where the valid part ends, and skips unknown future kinds', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'j-')), 'journal.jsonl');
    const good = `${JSON.stringify(trial(0))}\n${JSON.stringify({ kind: 'from-the-future', x: 1 })}\n${JSON.stringify(trial(1))}\n`;
    writeFileSync(file, `${good}{"kind":"trial-end","tri`);
    const s = readJournal(file);
    expect([...s.trials.keys()]).toEqual([0, 1]);
    expect(s.tornTail).toBe(true);
    expect(s.validBytes).toBe(Buffer.byteLength(good));
    expect(s.unknownKinds).toEqual(['from-the-future']);
  });

  it('treats a complete-looking last record without its newline as torn, and names a bad line elsewhere', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'j-')), 'journal.jsonl');
    writeFileSync(file, `${JSON.stringify(trial(0))}\n${JSON.stringify(trial(1))}`);
    const s = readJournal(file);
    expect([...s.trials.keys()]).toEqual([0]);
    expect(s.tornTail).toBe(true);
    writeFileSync(file, `${JSON.stringify(trial(0))}\n{"kind":"trial-end"}\n${JSON.stringify(trial(1))}\n`);
    expect(() => readJournal(file)).toThrow(`${file}:2: not a journal record`);
  });

  it("appends one fsync'd line per record, validated", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'j-')), 'journal.jsonl');
    const w = new StudyStore(file);
    w.append({ kind: 'evaluate', index: 3, split: 'test', at: 'now', scores: { a: 1 } });
    expect(() => w.append({ kind: 'evaluate', index: 3, split: 'dev', at: 'now', scores: {} } as never)).toThrow();
    w.close();
    appendFileSync(file, '');
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(2);
    expect(readJournal(file).evaluations).toHaveLength(1);
  });
});
