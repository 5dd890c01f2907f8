// The dashboard's view of a journal: core's incremental reader (byte offsets, torn tails, unknown kinds,
// replaced files), plus lenient reading of evaluation records in shapes core does not write.
import { JournalReader, parseJournalLine, type JournalRecord } from '@lamdagent/core';
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

/** An evaluation of a trial's model in a shape core's schema does not take (see EvaluationRecordSchema). */
export function evaluationRow(v: unknown): EvaluationRow | undefined {
  const ev = EvaluationRecordSchema.safeParse(v);
  if (!ev.success) return undefined;
  const r = ev.data;
  const scores: Record<string, number> = { ...(r.scores ?? {}) };
  for (const x of r.results ?? []) scores[x.task] = x.score;
  return {
    index: (r.index ?? r.trial) as number,
    split: r.split,
    scores,
    ...(r.reward !== undefined ? { reward: r.reward } : {}),
    ...(r.at ? { at: r.at } : {}),
  };
}

const toTail = (i: { type: 'record'; record: JournalRecord } | { type: 'extra'; value: EvaluationRow }): TailItem =>
  i.type === 'record' ? i : { type: 'evaluation', row: i.value };

/** Reads a journal incrementally (what was appended since the last poll), never locking or writing. */
export class JournalTail {
  readonly #reader: JournalReader<EvaluationRow>;

  constructor(readonly file: string) {
    this.#reader = new JournalReader(file, { extra: evaluationRow });
  }

  /** Bytes consumed (up to the end of the last complete line). */
  get offset(): number {
    return this.#reader.offset;
  }

  /** Bytes of an unfinished last line: being written now, or torn by a crash. */
  get pendingBytes(): number {
    return this.#reader.pendingBytes;
  }

  /** Reads what was appended since the last call. A missing journal reads as empty. */
  poll(): TailResult {
    const c = this.#reader.poll();
    return { items: c.items.map(toTail), warnings: c.warnings, reset: c.reset };
  }
}

/** One journal line: a core record, or an evaluation on another split; undefined when it is neither. */
export function parseLine(line: string): TailItem | undefined {
  const p = parseJournalLine(line, evaluationRow);
  return p.item && toTail(p.item);
}
