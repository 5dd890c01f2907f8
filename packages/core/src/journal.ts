import { closeSync, fsyncSync, openSync, truncateSync, writeSync } from 'node:fs';
import { JournalReader, type JournalChunk, type JournalReaderOptions } from './journal-reader.js';
import { JournalRecordSchema, type JournalRecord, type JournalRecordOf } from './journal-records.js';
import { StudyState } from './study-state.js';
import type { TrialRecord } from './trial.js';

export { JOURNAL_KINDS, JournalRecordSchema, type JournalRecord, type JournalRecordOf } from './journal-records.js';

/** A journal read in one go (`readJournal`): the replayed state and how the file ended. */
export interface JournalState {
  header?: JournalRecordOf<'study'>;
  /** Finished trials by index. */
  trials: Map<number, TrialRecord>;
  /** Trials started but not finished (a crash happened while they ran). */
  running: Map<number, JournalRecordOf<'trial-start'>>;
  jobs: Map<number, JournalRecordOf<'job'>>;
  /** Last policy observation (memory) in journal order. */
  lastObserve?: JournalRecordOf<'observe'>;
  observes: JournalRecordOf<'observe'>[];
  /** Extra evaluations (test split) by trial index. */
  evaluations: JournalRecordOf<'evaluate'>[];
  /** Events an observer (experiment tracker) could not take after its retries. */
  observerFailures: JournalRecordOf<'observer-failure'>[];
  /** Initial models' validation scores by content digest (none in journals written before they existed). */
  initial: Map<string, JournalRecordOf<'initial'>>;
  /** A torn final line (the process died mid-write) that was ignored. */
  tornTail: boolean;
  /** Byte length of the journal up to and including its last complete line. */
  validBytes: number;
  /** Records of kinds this version does not know (written by a newer version): skipped. */
  unknownKinds: string[];
}

/**
 * The study store: one journal file, read incrementally into a replayed `StudyState` and appended to
 * (one line per record, one write, fsync'd). A torn last line is held back while reading and cut off
 * before the first append. Readers (CLI, dashboard) never lock or write; the engine appends under the
 * study lock.
 */
export class StudyStore<E = never> {
  readonly file: string;
  readonly state = new StudyState();
  readonly unknownKinds: string[] = [];
  readonly #reader: JournalReader<E>;
  #fd: number | undefined;

  constructor(file: string, opts: JournalReaderOptions<E> = {}) {
    this.file = file;
    this.#reader = new JournalReader(file, opts);
  }

  /** Reads what was appended since the last call and replays it into `state` (cleared when the file was replaced). */
  refresh(): JournalChunk<E> {
    const chunk = this.#reader.poll();
    if (chunk.reset) {
      this.state.clear();
      this.unknownKinds.length = 0;
    }
    for (const item of chunk.items) if (item.type === 'record') this.state.apply(item.record);
    this.unknownKinds.push(...chunk.unknownKinds);
    return chunk;
  }

  /** Bytes up to the end of the last complete line read. */
  get validBytes(): number {
    return this.#reader.offset;
  }

  /** A last line without its newline: being written now, or torn by a crash. */
  get tornTail(): boolean {
    return this.#reader.pendingBytes > 0;
  }

  /** Append one record (validated), fsync it, and apply it to `state`. */
  append(rec: JournalRecord): void {
    if (this.#fd === undefined) {
      // A line torn by a crash mid-append is cut off before anything new is appended after it.
      this.refresh();
      if (this.tornTail) {
        truncateSync(this.file, this.validBytes);
        this.#reader.dropPending();
      }
      this.#fd = openSync(this.file, 'a');
    }
    const line = `${JSON.stringify(JournalRecordSchema.parse(rec))}\n`;
    writeSync(this.#fd, line);
    fsyncSync(this.#fd);
    this.#reader.skipOwn(Buffer.byteLength(line));
    this.state.apply(rec);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** The state as a plain `JournalState`. */
  snapshot(): JournalState {
    const s = this.state;
    return {
      ...(s.header ? { header: s.header } : {}),
      trials: s.trials,
      running: s.running,
      jobs: s.jobs,
      ...(s.lastObserve ? { lastObserve: s.lastObserve } : {}),
      observes: s.observes,
      evaluations: s.evaluations,
      observerFailures: s.observerFailures,
      initial: s.initial,
      tornTail: this.tornTail,
      validBytes: this.validBytes,
      unknownKinds: this.unknownKinds,
    };
  }
}

/** Read a journal. A torn last line (crash mid-append) is ignored; a bad line elsewhere is an error naming it. */
export function readJournal(file: string): JournalState {
  const store = new StudyStore(file, { strict: true });
  store.refresh();
  return store.snapshot();
}
