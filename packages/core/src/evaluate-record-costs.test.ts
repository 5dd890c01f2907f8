import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalRecordSchema } from './journal-records.js';
import { openStudy } from './study-folder.js';
import { recordEvaluations } from './study-evaluations.js';
import { resumeStudy, runStudy } from './study-run.js';
import { makeToyWorld } from '../test-fixtures/toy-world.js';

describe('evaluate records (test-split scores) with intervals and judge usage (issue 19)', () => {
  it('are journaled, read back, and their judge cost counts toward budget.costUsd on resume', async () => {
    const w = makeToyWorld({ iterations: 2 });
    writeFileSync(w.configPath, readFileSync(w.configPath, 'utf8').replace(/budget:\n  iterations: 2/, 'budget:\n  iterations: 2\n  costUsd: 1'));
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
    expect(s.stopReason).toMatch(/iteration/);
    const index = s.top[0]!.index;
    const usage = [{ task: 'ta', model: 'judge', inputTokens: 600, outputTokens: 8, requests: 2, costUsd: 1.5 }];
    recordEvaluations(s.dir, [{ index, split: 'test', scores: { ta: 0.5 }, intervals: { ta: { lo: 0.3, hi: 0.7 } }, evaluationUsage: usage }]);
    const e = openStudy(s.dir).journal.evaluations[0]!;
    expect(JournalRecordSchema.parse(e)).toMatchObject({
      kind: 'evaluate',
      index,
      split: 'test',
      intervals: { ta: { lo: 0.3, hi: 0.7 } },
      evaluationUsage: usage,
    });
    // The judge's $1.5 for the test split is over the $1 budget: a resumed study with more iterations runs nothing.
    const r = await resumeStudy({ dir: s.dir, iterations: 4 });
    expect(r.stopReason).toBe('cost budget reached ($1)');
    expect(r.trials).toHaveLength(2);
  });
});
