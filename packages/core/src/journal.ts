import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { JsonValueSchema } from './json.js';
import { ActionRefSchema, PolicyNoteSchema, TrialRecordSchema, UsageSchema, type TrialRecord } from './trial.js';

/** Journal records: one JSON object per line, appended and fsync'd. */
export const JournalRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('study'), version: z.union([z.literal(1), z.literal(2)]), createdAt: z.string(), seed: z.number(), configDigest: z.string() }),
  z.object({ kind: z.literal('trial-start'), index: z.number().int(), action: ActionRefSchema, startedAt: z.string(), policy: PolicyNoteSchema.optional() }),
  z.object({ kind: z.literal('job'), index: z.number().int(), jobId: z.string(), externalId: z.string().optional(), executor: z.string() }),
  z.object({ kind: z.literal('trial-end'), trial: TrialRecordSchema }),
  z.object({ kind: z.literal('observe'), index: z.number().int(), state: JsonValueSchema.optional(), usage: z.array(UsageSchema).default([]), transcript: z.string().optional() }),
  z.object({ kind: z.literal('resume'), at: z.string(), rerun: z.array(z.number().int()) }),
  /** Scores of a produced model on another split (e.g. held-out test, out-of-distribution tasks). */
  z.object({ kind: z.literal('evaluate'), index: z.number().int(), split: z.enum(['validation', 'test']), at: z.string(), scores: z.record(z.string(), z.number()) }),
]);
const KNOWN_KINDS = new Set(['study', 'trial-start', 'job', 'trial-end', 'observe', 'resume', 'evaluate']);
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
  /** Extra evaluations (test split) by trial index. */
  evaluations: Extract<JournalRecord, { kind: 'evaluate' }>[];
  /** A torn final line (the process died mid-write) that was ignored. */
  tornTail: boolean;
  /** Byte length of the journal up to and including its last complete line. */
  validBytes: number;
  /** Records of kinds this version does not know (written by a newer version): skipped. */
  unknownKinds: string[];
}

/** Read a journal. A torn last line (crash mid-append) is ignored; a bad line elsewhere is an error naming it. */
export function readJournal(file: string): JournalState {
  const state: JournalState = { trials: new Map(), running: new Map(), jobs: new Map(), observes: [], evaluations: [], tornTail: false, validBytes: 0, unknownKinds: [] };
  if (!existsSync(file)) return state;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const last = lines.length - 1;
  let offset = 0;
  lines.forEach((line, i) => {
    const lineBytes = Buffer.byteLength(line) + (i < last ? 1 : 0);
    offset += lineBytes;
    if (line.trim() === '') {
      if (!state.tornTail && i < last) state.validBytes = offset;
      return;
    }
    let rec: JournalRecord;
    try {
      const raw: unknown = JSON.parse(line);
      const kind = typeof raw === 'object' && raw !== null ? (raw as { kind?: unknown }).kind : undefined;
      if (typeof kind === 'string' && !KNOWN_KINDS.has(kind)) {
        state.unknownKinds.push(kind);
        if (i < last) state.validBytes = offset;
        return;
      }
      rec = JournalRecordSchema.parse(raw);
      if (i === last) throw new Error('no newline: the write was cut short');
    } catch (e) {
      if (i === last) {
        state.tornTail = true;
        return;
      }
      throw new Error(`${file}:${i + 1}: not a journal record (${(e as Error).message.slice(0, 200)})`);
    }
    state.validBytes = offset;
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
      case 'evaluate':
        state.evaluations.push(rec);
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
