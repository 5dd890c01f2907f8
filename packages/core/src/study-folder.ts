import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from './errors.js';
import { readJournal, type JournalState } from './journal.js';
import { JsonValueSchema } from './json.js';
import type { TrialRecord } from './trial.js';

/** `study.json`: what a study folder was created from, so `resume` needs nothing else. */
export const StudySnapshotSchema = z.object({
  version: z.literal(1),
  createdAt: z.string(),
  configFile: z.string(),
  /** The native config after command-line overrides. */
  config: JsonValueSchema,
});
export type StudySnapshot = z.infer<typeof StudySnapshotSchema>;

export const STUDY_FILES = { snapshot: 'study.json', journal: 'journal.jsonl', artifacts: 'artifacts', jobs: 'jobs', digests: 'digests.json' } as const;

export function isStudyDir(dir: string): boolean {
  return existsSync(path.join(dir, STUDY_FILES.snapshot));
}

export interface StudyView {
  dir: string;
  snapshot: StudySnapshot;
  journal: JournalState;
  /** Finished trials in journal (completion) order. */
  trials: TrialRecord[];
}

/** Read a study folder without locking it (safe while a study runs: the journal is append-only). */
export function openStudy(dir: string): StudyView {
  const abs = path.resolve(dir);
  const file = path.join(abs, STUDY_FILES.snapshot);
  if (!existsSync(file)) throw new UsageError(`${abs} is not a study folder (no ${STUDY_FILES.snapshot})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message}); the study snapshot is damaged`);
  }
  const res = StudySnapshotSchema.safeParse(raw);
  if (!res.success) {
    const i = res.error.issues[0];
    throw new UsageError(`${file}: not a study snapshot (${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : ''})`);
  }
  const journal = readJournal(path.join(abs, STUDY_FILES.journal));
  return { dir: abs, snapshot: res.data, journal, trials: [...journal.trials.values()] };
}
