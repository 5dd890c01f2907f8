import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { JsonValueSchema } from './json.js';
import { ActionRefSchema, PolicyNoteSchema, TrialRecordSchema, UsageSchema, type TrialRecord } from './trial.js';

/** Journal records: one JSON object per line, appended and fsync'd. */
export const JournalRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('study'), version: z.literal(1), createdAt: z.string(), seed: z.number(), configDigest: z.string() }),
  z.object({ kind: z.literal('trial-start'), index: z.number().int(), action: ActionRefSchema, startedAt: z.string(), policy: PolicyNoteSchema.optional() }),
  z.object({ kind: z.literal('job'), index: z.number().int(), jobId: z.string(), externalId: z.string().optional(), executor: z.string() }),
  z.object({ kind: z.literal('trial-end'), trial: TrialRecordSchema }),
  z.object({ kind: z.literal('observe'), index: z.number().int(), state: JsonValueSchema.optional(), usage: z.array(UsageSchema).default([]), transcript: z.string().optional() }),
  z.object({ kind: z.literal('resume'), at: z.string(), rerun: z.array(z.number().int()) }),
]);
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

export interface JournalState {
  header?: Extract<JournalRecord, { kind: 'study' }>;
  /** Finished trials by index. */
  trials: Map<number, TrialRecord>;
  /** Trials started but not finished (a crash happened while they ran). */
  running: Map<number, Extract<JournalRecord, { kind: 'trial-start' }>>;
  jobs: Map<number, Extract<JournalRecord, { kind: 'job' }>>;
  /** Last policy observation (memory) in journal order. */
  lastObserve?: Extract<JournalRecord, { kind: 'observe' }>;
  observes: Extract<JournalRecord, { kind: 'observe' }>[];
  /** A torn final line (the process died mid-write) that was ignored. */
  tornTail: boolean;
}

/** Read a journal. A torn last line (crash mid-append) is ignored; a bad line elsewhere is an error naming it. */
export function readJournal(file: string): JournalState {
  const state: JournalState = { trials: new Map(), running: new Map(), jobs: new Map(), observes: [], tornTail: false };
  if (!existsSync(file)) return state;
  const lines = readFileSync(file, 'utf8').split('\n');
  const last = lines.length - 1;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let rec: JournalRecord;
    try {
      rec = JournalRecordSchema.parse(JSON.parse(line));
    } catch (e) {
      if (i === last || (i === last - 1 && lines[last] === '')) {
        state.tornTail = true;
        return;
      }
      throw new Error(`${file}:${i + 1}: not a journal record (${(e as Error).message.slice(0, 200)})`);
    }
    switch (rec.kind) {
      case 'study':
        state.header = rec;
        break;
      case 'trial-start':
        state.running.set(rec.index, rec);
        break;
      case 'job':
        state.jobs.set(rec.index, rec);
        break;
      case 'trial-end':
        state.running.delete(rec.trial.index);
        state.trials.set(rec.trial.index, rec.trial);
        break;
      case 'observe':
        state.lastObserve = rec;
        state.observes.push(rec);
        break;
      case 'resume':
        break;
    }
  });
  return state;
}

/** Append-only journal writer: every record is one line, written with one write() and fsync'd. */
export class JournalWriter {
  readonly #fd: number;
  constructor(file: string) {
    this.#fd = openSync(file, 'a');
  }
  append(rec: JournalRecord): void {
    const line = `${JSON.stringify(JournalRecordSchema.parse(rec))}\n`;
    writeSync(this.#fd, line);
    fsyncSync(this.#fd);
  }
  close(): void {
    closeSync(this.#fd);
  }
}
