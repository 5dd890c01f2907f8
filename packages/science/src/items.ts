import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TrialRecord } from '@lamdagent/core';
import { bootstrapMeanOfMeans, type Interval } from './stats.js';

/** Per-item correctness (0/1, or a per-item score) the evaluator kept for a trial's task on a split, if any. */
export function itemResults(studyDir: string, t: TrialRecord, task: string, split: 'validation' | 'test' = 'validation'): number[] | undefined {
  const where = t.cache ? { dir: t.cache.study, index: t.cache.trial } : { dir: studyDir, index: t.index };
  const file = path.join(where.dir, 'jobs', `t${String(where.index).padStart(4, '0')}`, 'eval', `${task.replace(/[^A-Za-z0-9._-]/g, '_')}.${split}.jsonl`);
  if (!existsSync(file)) return undefined;
  const out: number[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { correct?: boolean; score?: number };
    if (typeof r.correct === 'boolean') out.push(r.correct ? 1 : 0);
    else if (typeof r.score === 'number') out.push(r.score);
  }
  return out;
}

/** 95% bootstrap interval of a trial's mean validation score over `tasks`, from the per-item results; undefined without them. */
export function rewardInterval(studyDir: string, t: TrialRecord, tasks: string[]): Interval | undefined {
  const groups = tasks.map((task) => itemResults(studyDir, t, task));
  if (groups.some((g) => g === undefined || g.length === 0)) return undefined;
  return bootstrapMeanOfMeans(groups as number[][]);
}
