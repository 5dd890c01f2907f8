import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';
import { fromStored } from './journal-paths.js';
import { JOURNAL_KINDS, JournalRecordSchema, type JournalRecord } from './journal-records.js';

/** One journal line that parsed: a record of a known kind, or what the reader's `extra` parser made of it. */
export type JournalItem<E> = { type: 'record'; record: JournalRecord } | { type: 'extra'; value: E };

export interface JournalChunk<E = never> {
  items: JournalItem<E>[];
  /** Problems with complete lines that were skipped (lenient reading only). */
  warnings: string[];
  /** Kinds this version does not know (written by a newer version): skipped. */
  unknownKinds: string[];
  /** True when the file shrank or was replaced: the caller must forget what it had and start over. */
  reset: boolean;
}

export interface JournalReaderOptions<E> {
  /** Throw on a bad complete line (naming file and line) instead of warning and skipping it. */
  strict?: boolean;
  /** Lenient readers may accept lines core does not know (e.g. a plugin's own record); undefined rejects. */
  extra?: (value: unknown) => E | undefined;
}

const CHUNK = 1 << 20;

/**
 * Reads a journal incrementally: remembers the byte offset of the last complete line, reads only what
 * was appended since, never locks or writes, and holds back a last line until its newline arrives (a
 * line being written, or torn by a crash). The one reader of the journal format: the engine on resume,
 * the CLI's read commands and the dashboard's live view all go through it.
 */
export class JournalReader<E = never> {
  readonly file: string;
  readonly #opts: JournalReaderOptions<E>;
  #offset = 0;
  #line = 0;
  #ino: number | undefined;
  #pending: Buffer = Buffer.alloc(0);

  constructor(file: string, opts: JournalReaderOptions<E> = {}) {
    this.file = file;
    this.#opts = opts;
  }

  /** Bytes consumed: up to the end of the last complete line. */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes of an unfinished last line: being written now, or torn by a crash. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  /** The caller appended `bytes` itself (whole lines, after a poll that left nothing pending): skip them. */
  skipOwn(bytes: number): void {
    if (this.#pending.length) throw new Error(`${this.file}: cannot skip own appends after an unfinished line`);
    this.#offset += bytes;
    this.#line += 1;
  }

  /** The caller cut the unfinished last line off the file (a torn tail): forget it. */
  dropPending(): void {
    this.#pending = Buffer.alloc(0);
  }

  /** Reads what was appended since the last call. A missing journal reads as empty. */
  poll(): JournalChunk<E> {
    const out: JournalChunk<E> = { items: [], warnings: [], unknownKinds: [], reset: false };
    let fd: number;
    try {
      fd = openSync(this.file, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      return out;
    }
    try {
      const st = fstatSync(fd);
      if ((this.#ino !== undefined && st.ino !== this.#ino) || st.size < this.#offset + this.#pending.length) {
        this.#offset = 0;
        this.#line = 0;
        this.#pending = Buffer.alloc(0);
        out.reset = true;
      }
      this.#ino = st.ino;
      let pos = this.#offset + this.#pending.length;
      while (pos < st.size) {
        const buf = Buffer.alloc(Math.min(CHUNK, st.size - pos));
        const n = readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) break;
        pos += n;
        this.#consume(buf.subarray(0, n), out);
      }
    } finally {
      closeSync(fd);
    }
    return out;
  }

  #consume(chunk: Buffer, out: JournalChunk<E>): void {
    let data = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    let nl: number;
    while ((nl = data.indexOf(0x0a)) >= 0) {
      const line = data.subarray(0, nl).toString('utf8');
      this.#offset += nl + 1;
      this.#line += 1;
      data = data.subarray(nl + 1);
      if (line.trim() !== '') this.#parse(line, out);
    }
    this.#pending = Buffer.from(data);
  }

  #parse(line: string, out: JournalChunk<E>): void {
    const parsed = parseJournalLine(line, this.#opts.extra);
    if (parsed.item) return void out.items.push(this.#resolved(parsed.item));
    if (parsed.unknownKind !== undefined && !this.#opts.strict) {
      out.unknownKinds.push(parsed.unknownKind);
      out.warnings.push(`journal line ${this.#line}: unknown record kind "${parsed.unknownKind}" (skipped)`);
      return;
    }
    if (parsed.unknownKind !== undefined) return void out.unknownKinds.push(parsed.unknownKind);
    if (this.#opts.strict) throw new UsageError(`${this.file}:${this.#line}: not a journal record (${parsed.why.slice(0, 300)}); the journal is damaged`);
    // A line torn by a crash and then continued by an append holds a whole record after the torn bytes.
    const at = line.lastIndexOf('{"kind":');
    const rest = at > 0 ? parseJournalLine(line.slice(at), this.#opts.extra).item : undefined;
    if (rest) {
      out.items.push(this.#resolved(rest));
      out.warnings.push(`journal line ${this.#line}: skipped ${at} bytes of a torn record before a complete one`);
      return;
    }
    out.warnings.push(`journal line ${this.#line}: not a journal record (skipped)`);
  }

  /** Paths the journal keeps relative to the study folder, resolved against the folder it is in now. */
  #resolved(item: JournalItem<E>): JournalItem<E> {
    return item.type === 'record' ? { ...item, record: fromStored(item.record, path.dirname(path.resolve(this.file))) } : item;
  }
}

type Parsed<E> =
  | { item: JournalItem<E>; unknownKind?: undefined }
  | { item?: undefined; unknownKind: string; why: string }
  | { item?: undefined; unknownKind?: undefined; why: string };

/** One journal line: a record, an `extra` value, a kind this version does not know, or why it is none. */
export function parseJournalLine<E = never>(line: string, extra?: (value: unknown) => E | undefined): Parsed<E> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    return { why: (e as Error).message };
  }
  const res = JournalRecordSchema.safeParse(raw);
  if (res.success) return { item: { type: 'record', record: res.data } };
  const e = extra?.(raw);
  if (e !== undefined) return { item: { type: 'extra', value: e } };
  const kind = typeof raw === 'object' && raw !== null ? (raw as { kind?: unknown }).kind : undefined;
  if (typeof kind === 'string' && !JOURNAL_KINDS.has(kind)) return { unknownKind: kind, why: `unknown kind ${kind}` };
  const issues = res.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || 'record'}: ${i.message}`);
  return { why: `${typeof kind === 'string' ? `kind ${kind}: ` : ''}${issues.join('; ')}${res.error.issues.length > 3 ? '; ...' : ''}` };
}
