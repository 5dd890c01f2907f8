import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalTail, parseLine } from './journal-tail.js';

const header = JSON.stringify({ kind: 'study', version: 1, createdAt: '2025-01-01T00:00:00.000Z', seed: 1, configDigest: 'x' });
const start = (i: number): string =>
  JSON.stringify({
    kind: 'trial-start',
    index: i,
    startedAt: '2025-01-01T00:00:00.000Z',
    action: { name: 'sft', type: 'sft', key: `k${i}`, inputs: [], params: {} },
  });
const end = (i: number, reward: number): string =>
  JSON.stringify({
    kind: 'trial-end',
    trial: {
      index: i,
      state: 'complete',
      action: { name: 'sft', type: 'sft', key: `k${i}`, inputs: [], params: {} },
      scores: { ta: reward },
      reward,
      startedAt: '2025-01-01T00:00:00.000Z',
      durations: {},
      metrics: {},
    },
  });

const file = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'tail-')), 'journal.jsonl');

describe('JournalTail', () => {
  it('reads only what was appended since the last poll, by byte offset', () => {
    const f = file();
    const tail = new JournalTail(f);
    expect(tail.poll().items).toEqual([]); // no journal yet
    writeFileSync(f, `${header}\n${start(0)}\n`);
    expect(tail.poll().items.map((i) => (i.type === 'record' ? i.record.kind : i.type))).toEqual(['study', 'trial-start']);
    expect(tail.offset).toBe(Buffer.byteLength(`${header}\n${start(0)}\n`));
    expect(tail.poll().items).toEqual([]);
    appendFileSync(f, `${end(0, 0.5)}\n`);
    const r = tail.poll();
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ type: 'record', record: { kind: 'trial-end', trial: { index: 0, reward: 0.5 } } });
  });

  it('holds back an unfinished last line (being written, or torn) until its newline arrives', () => {
    const f = file();
    const line = end(1, 0.25);
    writeFileSync(f, `${header}\n${line.slice(0, 40)}`);
    const tail = new JournalTail(f);
    const first = tail.poll();
    expect(first.items).toHaveLength(1);
    expect(first.warnings).toEqual([]);
    expect(tail.pendingBytes).toBe(40);
    appendFileSync(f, `${line.slice(40)}\n`);
    const second = tail.poll();
    expect(second.items).toHaveLength(1);
    expect(second.items[0]).toMatchObject({ record: { trial: { index: 1 } } });
    expect(tail.pendingBytes).toBe(0);
  });

  it('splits multi-byte characters across reads correctly', () => {
    const f = file();
    const withUnicode = end(2, 0.1).replace('"sft"', '"sft-é✓"');
    const bytes = Buffer.from(`${withUnicode}\n`);
    const cut = bytes.indexOf(Buffer.from('✓')) + 1; // in the middle of a 3-byte character
    writeFileSync(f, bytes.subarray(0, cut));
    const tail = new JournalTail(f);
    expect(tail.poll().items).toEqual([]);
    appendFileSync(f, bytes.subarray(cut));
    const got = tail.poll().items[0];
    expect(got?.type === 'record' && got.record.kind === 'trial-end' && got.record.trial.action.name).toBe('sft-é✓');
  });

  it('recovers a record appended after a torn line (resume after a crash) and warns about bad lines', () => {
    const f = file();
    writeFileSync(f, `${header}\n${end(3, 0.3).slice(0, 25)}${start(4)}\nnot json\n${JSON.stringify({ kind: 'mystery' })}\n`);
    const r = new JournalTail(f).poll();
    expect(r.items.map((i) => (i.type === 'record' ? i.record.kind : i.type))).toEqual(['study', 'trial-start']);
    expect(r.warnings).toEqual([
      'journal line 2: skipped 25 bytes of a torn record before a complete one',
      'journal line 3: not a journal record (skipped)',
      'journal line 4: unknown record kind "mystery" (skipped)',
    ]);
  });

  it('starts over when the journal is replaced or shrinks', () => {
    const f = file();
    writeFileSync(f, `${header}\n${start(0)}\n${end(0, 0.1)}\n`);
    const tail = new JournalTail(f);
    expect(tail.poll().items).toHaveLength(3);
    const other = `${f}.new`;
    writeFileSync(other, `${header}\n`);
    renameSync(other, f);
    const r = tail.poll();
    expect(r.reset).toBe(true);
    expect(r.items).toHaveLength(1);
  });

  it('reads evaluations on another split (a future `evaluate --split test` record) leniently', () => {
    expect(parseLine(JSON.stringify({ kind: 'evaluate', index: 3, split: 'test', scores: { ta: 0.5 } }))).toEqual({
      type: 'evaluation',
      row: { index: 3, split: 'test', scores: { ta: 0.5 } },
    });
    expect(
      parseLine(JSON.stringify({ kind: 'evaluation', trial: 2, split: 'test', results: [{ task: 'tb', score: 0.25, metric: 'acc' }], reward: 0.3 })),
    ).toEqual({ type: 'evaluation', row: { index: 2, split: 'test', scores: { tb: 0.25 }, reward: 0.3 } });
    expect(parseLine(JSON.stringify({ kind: 'evaluate', split: 'test', scores: {} }))).toBeUndefined();
  });
});
