// Incremental journal reading: remembers the byte offset of the last complete line, reads only what was
// appended since, never locks or writes, and holds back a last line until its newline arrives.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { JournalRecordSchema, type JournalRecord } from '@lamdagent/core';
import { EvaluationRecordSchema } from './files.js';
import type { EvaluationRow } from '../types.js';

export type TailItem = { type: 'record'; record: JournalRecord } | { type: 'evaluation'; row: EvaluationRow };

export interface TailResult {
  items: TailItem[];
  /** Problems with complete lines (skipped). */
  warnings: string[];
  /** True when the file shrank or was replaced: the caller must forget what it had and start over. */
  reset: boolean;
}

const CORE_KINDS = new Set(['study', 'trial-start', 'job', 'trial-end', 'observe', 'resume']);
const CHUNK = 1 << 20;

export class JournalTail {
  readonly file: string;
  #offset = 0;
  #line = 0;
  #ino: number | undefined;
  #pending: Buffer = Buffer.alloc(0);

  constructor(file: string) {
    this.file = file;
  }

  /** Bytes consumed (up to the end of the last complete line). */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes of an unfinished last line: being written now, or torn by a crash. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  /** Reads what was appended since the last call. A missing journal reads as empty. */
  poll(): TailResult {
    let fd: number;
    try {
      fd = openSync(this.file, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      return { items: [], warnings: [], reset: false };
    }
    const out: TailResult = { items: [], warnings: [], reset: false };
    try {
      const st = fstatSync(fd);
      const start = this.#offset + this.#pending.length;
      if ((this.#ino !== undefined && st.ino !== this.#ino) || st.size < start) {
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

  #consume(chunk: Buffer, out: TailResult): void {
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

  #parse(line: string, out: TailResult): void {
    const item = parseLine(line);
    if (item) {
      out.items.push(item);
      return;
    }
    // A line torn by a crash and then continued by `resume` holds a whole record after the torn bytes.
    const at = line.lastIndexOf('{"kind":');
    const rest = at > 0 ? parseLine(line.slice(at)) : undefined;
    if (rest) {
      out.items.push(rest);
      out.warnings.push(`journal line ${this.#line}: skipped ${at} bytes of a torn record before a complete one`);
      return;
    }
    let kind = '';
    try {
      const v: unknown = JSON.parse(line);
      if (v && typeof v === 'object' && 'kind' in v && typeof v.kind === 'string') kind = v.kind;
    } catch {
      // not JSON: reported below
    }
    out.warnings.push(`journal line ${this.#line}: ${kind && !CORE_KINDS.has(kind) ? `unknown record kind "${kind}"` : 'not a journal record'} (skipped)`);
  }
}

/** One journal line: a core record, or an evaluation on another split; undefined when it is neither. */
export function parseLine(line: string): TailItem | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  const core = JournalRecordSchema.safeParse(v);
  if (core.success) return { type: 'record', record: core.data };
  const ev = EvaluationRecordSchema.safeParse(v);
  if (!ev.success) return undefined;
  const r = ev.data;
  const scores: Record<string, number> = { ...(r.scores ?? {}) };
  for (const x of r.results ?? []) scores[x.task] = x.score;
  return {
    type: 'evaluation',
    row: { index: (r.index ?? r.trial) as number, split: r.split, scores, ...(r.reward !== undefined ? { reward: r.reward } : {}), ...(r.at ? { at: r.at } : {}) },
  };
}
