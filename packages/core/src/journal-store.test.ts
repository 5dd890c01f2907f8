import { appendFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalReader } from './journal-reader.js';
import { StudyStore } from './journal.js';
import type { JournalRecord } from './journal-records.js';

const action = (i: number) => ({ name: 'sft', type: 'sft', key: `k${i}`, inputs: [], params: {} });
const start = (i: number): JournalRecord => ({ kind: 'trial-start', index: i, action: action(i), startedAt: 'x' });
const end = (i: number): JournalRecord => ({
  kind: 'trial-end',
  trial: { index: i, state: 'complete', action: action(i), startedAt: 'x', scores: { a: 0.5 }, reward: 0.5, durations: {}, metrics: {} },
});
const file = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'store-')), 'journal.jsonl');

describe('study store', () => {
  it('a writer appends and a reader follows it by offset, replaying only what is new', () => {
    const f = file();
    const writer = new StudyStore(f, { strict: true });
    const reader = new StudyStore(f);
    writer.append(start(0));
    expect(reader.refresh().items).toHaveLength(1);
    expect([...reader.state.running.keys()]).toEqual([0]);
    writer.append(end(0));
    writer.append(start(1));
    const next = reader.refresh();
    expect(next.items.map((i) => (i.type === 'record' ? i.record.kind : i.type))).toEqual(['trial-end', 'trial-start']);
    expect([...reader.state.trials.keys()]).toEqual([0]);
    expect([...reader.state.running.keys()]).toEqual([1]);
    expect(reader.refresh().items).toEqual([]);
    // The writer's own state saw its appends once, not again when it refreshes.
    expect(writer.refresh().items).toEqual([]);
    expect([...writer.state.trials.keys()]).toEqual([0]);
    expect(reader.validBytes).toBe(Buffer.byteLength(readFileSync(f, 'utf8')));
    writer.close();
  });

  it('cuts a torn tail before its first append, and keeps what came before', () => {
    const f = file();
    writeFileSync(f, `${JSON.stringify(start(0))}\n${JSON.stringify(end(0)).slice(0, 30)}`);
    const store = new StudyStore(f, { strict: true });
    store.refresh();
    expect(store.tornTail).toBe(true);
    store.append(end(0));
    store.close();
    const lines = readFileSync(f, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2).map((l) => JSON.parse(l).kind)).toEqual(['trial-start', 'trial-end']);
    expect(store.state.trials.size).toBe(1);
  });

  it('strict reading names the file and line of a bad record; lenient reading warns and goes on', () => {
    const f = file();
    writeFileSync(f, `${JSON.stringify(start(0))}\n{"kind":"trial-end"}\n${JSON.stringify(start(1))}\n`);
    expect(() => new JournalReader(f, { strict: true }).poll()).toThrow(`${f}:2: not a journal record`);
    const r = new JournalReader(f).poll();
    expect(r.items).toHaveLength(2);
    expect(r.warnings).toEqual(['journal line 2: not a journal record (skipped)']);
  });

  it('starts over when the file is replaced', () => {
    const f = file();
    const store = new StudyStore(f);
    writeFileSync(f, `${JSON.stringify(start(0))}\n${JSON.stringify(end(0))}\n`);
    store.refresh();
    expect(store.state.trials.size).toBe(1);
    writeFileSync(`${f}.new`, `${JSON.stringify(start(3))}\n`);
    renameSync(`${f}.new`, f);
    expect(store.refresh().reset).toBe(true);
    expect(store.state.trials.size).toBe(0);
    expect([...store.state.running.keys()]).toEqual([3]);
    appendFileSync(f, `${JSON.stringify(end(3))}\n`);
    store.refresh();
    expect([...store.state.trials.keys()]).toEqual([3]);
  });
});
