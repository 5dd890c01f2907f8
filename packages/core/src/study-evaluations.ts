import path from 'node:path';
import { StudyStore } from './journal.js';
import { StudyLock } from './lock.js';
import { STUDY_FILES, openStudy } from './study-folder.js';
import type { EvaluationUsage } from './trial.js';

/**
 * Append scores of produced models on another split (e.g. the held-out test split, out-of-distribution
 * tasks) to a stopped study's journal, under the study lock.
 */
export function recordEvaluations(
  dir: string,
  records: {
    index: number;
    split: 'validation' | 'test';
    scores: Record<string, number>;
    intervals?: Record<string, { lo: number; hi: number }>;
    evaluationUsage?: EvaluationUsage[];
  }[],
): void {
  const abs = path.resolve(dir);
  openStudy(abs);
  const lock = StudyLock.acquire(abs);
  const store = new StudyStore(path.join(abs, STUDY_FILES.journal), { strict: true });
  try {
    for (const r of records)
      store.append({
        kind: 'evaluate',
        index: r.index,
        split: r.split,
        at: new Date().toISOString(),
        scores: r.scores,
        ...(r.intervals ? { intervals: r.intervals } : {}),
        ...(r.evaluationUsage ? { evaluationUsage: r.evaluationUsage } : {}),
      });
  } finally {
    store.close();
    lock.release();
  }
}
