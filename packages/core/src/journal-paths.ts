import { existsSync } from 'node:fs';
import path from 'node:path';
import type { JournalRecord } from './journal-records.js';
import { trialJobId } from './trial-job.js';

/** Whether `p` is `dir` or inside it. */
function inside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The journal keeps paths inside the study folder relative to it, so the folder can be moved or copied
 * (`mv`, `cp -r`) and resumed. This is the record as written: a produced model inside `dir` as
 * `artifacts/t0003`; paths outside (a shared cache) stay absolute.
 */
export function toStored(rec: JournalRecord, dir: string): JournalRecord {
  if (rec.kind !== 'trial-end' || !rec.trial.produced || !path.isAbsolute(rec.trial.produced.path)) return rec;
  const p = rec.trial.produced.path;
  if (!inside(dir, p)) return rec;
  return { ...rec, trial: { ...rec.trial, produced: { ...rec.trial.produced, path: path.relative(dir, p).split(path.sep).join('/') } } };
}

/**
 * The record as the study uses it: relative paths resolved against the folder it is in now. Journals
 * written before paths were stored relative hold the old absolute folder: a trial's own artifact
 * (`<old folder>/artifacts/t0003`) is found in this folder when it is there, so a moved or copied
 * study reads its own models, never the original's.
 */
export function fromStored(rec: JournalRecord, dir: string): JournalRecord {
  if (rec.kind !== 'trial-end' || !rec.trial.produced) return rec;
  const p = rec.trial.produced.path;
  let abs = p;
  if (!path.isAbsolute(p)) abs = path.resolve(dir, p);
  else if (!inside(dir, p) && path.basename(p) === trialJobId(rec.trial.index) && path.basename(path.dirname(p)) === 'artifacts') {
    const local = path.join(dir, 'artifacts', path.basename(p));
    if (existsSync(local)) abs = local;
  }
  return abs === p ? rec : { ...rec, trial: { ...rec.trial, produced: { ...rec.trial.produced, path: abs } } };
}
