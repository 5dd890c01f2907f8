import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LamdagentError } from './errors.js';
import { JournalReader, parseJournalLine } from './journal-reader.js';
import { JOURNAL_KINDS } from './journal-records.js';
import { fuzzRuns, reportFuzz } from './kit/fuzz-report.js';

const RUNS = fuzzRuns();

const record = fc.record(
  {
    kind: fc.oneof(fc.constantFrom(...JOURNAL_KINDS), fc.string({ maxLength: 6 })),
    index: fc.oneof(fc.nat(10), fc.jsonValue()),
    trial: fc.jsonValue({ maxDepth: 3 }),
    at: fc.string({ maxLength: 10 }),
    rerun: fc.array(fc.nat(5), { maxLength: 3 }),
  },
  { requiredKeys: ['kind'] },
);
const line = fc.oneof(
  record.map((r) => JSON.stringify(r)),
  fc.string({ maxLength: 200 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

describe('journal reader (fast-check)', () => {
  it('any line: a record, an unknown kind, or a reason; never an exception', () => {
    reportFuzz('core parseJournalLine', RUNS, () =>
      fc.assert(
        fc.property(line, (l) => {
          const p = parseJournalLine(l);
          expect(p.item !== undefined || typeof p.why === 'string').toBe(true);
        }),
        { numRuns: RUNS },
      ),
    );
  });

  it('any file (torn lines, random bytes): the lenient reader reads it, the strict one refuses with our error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'journal-fuzz-'));
    // One file, rewritten for every input (the full count in the benchmark without 100,000 files on disk).
    const file = path.join(dir, 'journal.jsonl');
    const runs = RUNS;
    reportFuzz('core JournalReader (files)', runs, () =>
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              line,
              fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
            ),
            { maxLength: 12 },
          ),
          fc.boolean(),
          (lines, torn) => {
            writeFileSync(file, lines.join('\n') + (torn ? '' : '\n'), 'latin1');
            new JournalReader(file).poll();
            try {
              new JournalReader(file, { strict: true }).poll();
            } catch (e) {
              if (!LamdagentError.isInstance(e)) throw e;
            }
          },
        ),
        { numRuns: runs },
      ),
    );
  });
});
