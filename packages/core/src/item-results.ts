import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CacheEntry } from './action-cache.js';
import { bootstrapMeanInterval } from './kit/bootstrap.js';
import { STUDY_FILES } from './study-folder.js';
import { trialJobId } from './trial-job.js';

/**
 * Each item's score an evaluator kept for `task` on `split` in an `eval` folder (JSON lines with `correct` (a
 * boolean, 1/0), or `score` or `rating` (a number)), in item order; undefined when there is no such file or a line
 * has none of them. The file is `<task>.<split>.jsonl`, the task name made file-safe as the evaluators do.
 */
export function readItemScores(evalDir: string, task: string, split: 'validation' | 'test'): number[] | undefined {
  const names = new Set([task.replace(/[^A-Za-z0-9._-]/g, '_'), task.replace(/[^\w.-]+/g, '_')]);
  for (const n of names) {
    const file = path.join(evalDir, `${n}.${split}.jsonl`);
    if (!existsSync(file)) continue;
    const out: number[] = [];
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as { correct?: unknown; score?: unknown; rating?: unknown };
        if (typeof r.correct === 'boolean') out.push(r.correct ? 1 : 0);
        else if (typeof r.score === 'number') out.push(r.score);
        else if (typeof r.rating === 'number') out.push(r.rating);
        else return undefined;
      }
    } catch {
      return undefined;
    }
    return out;
  }
  return undefined;
}

/**
 * The 95% interval of each task's score of a shared-cache entry: the ones it keeps (entries committed since issue 19's
 * last gaps), else recomputed (core's bootstrap, seed 0: the numbers the original trial journaled) from the per-item
 * results the entry points to, the `eval` folder of the study and trial that ran it (`source`); a task whose items are
 * gone (the study folder moved or deleted) or whose item count does not match has no interval.
 */
export function cacheEntryIntervals(entry: CacheEntry, tasks: readonly string[]): Record<string, { lo: number; hi: number }> | undefined {
  if (entry.intervals) return entry.intervals;
  const { study, trial } = entry.source;
  const job =
    trial >= 0
      ? trialJobId(trial)
      : `initial-${entry.action.key
          .replace(/^initial:/, '')
          .replace(/[^A-Za-z0-9]/g, '')
          .slice(0, 16)}`;
  const evalDir = path.join(study, STUDY_FILES.jobs, job, 'eval');
  const out: Record<string, { lo: number; hi: number }> = {};
  for (const task of tasks) {
    const xs = readItemScores(evalDir, task, 'validation');
    const score = entry.scores[task];
    if (!xs || xs.length === 0 || score === undefined || !xs.every(Number.isFinite)) continue;
    const iv = bootstrapMeanInterval(xs);
    // Items that do not give the entry's score (another evaluation since) are not its items.
    if (Math.abs(iv.mean - score) > 1e-9 * Math.max(1, Math.abs(score))) continue;
    out[task] = { lo: iv.lo, hi: iv.hi };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
