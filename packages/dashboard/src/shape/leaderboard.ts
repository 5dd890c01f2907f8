// Leaderboard shaping: the top-k models by validation reward beside the baselines, per split (the paper's Table 1).
import type { RewardInterval, StudyData, TaskInfo } from '../types.js';
import { topTrials } from './lineage.js';

export interface BoardColumn {
  task: string;
  /** In-distribution tasks count toward the reward; out-of-distribution (test-only) tasks do not. */
  group: 'in-distribution' | 'out-of-distribution';
}

export interface BoardRow {
  kind: 'baseline' | 'top';
  label: string;
  /** 1-based rank among the study's models (top rows). */
  rank?: number;
  trial?: number;
  model?: string;
  scores: Record<string, number>;
  /** Mean of the row's scores over the table's columns (over those present). */
  avg: number | null;
  /** True when some columns have no score for this row. */
  partial: boolean;
  /** The search's validation reward (top rows). */
  reward?: number;
  /** Its 95% bootstrap interval and whether it is inside the top-1's noise (validation top rows with per-item results). */
  interval?: RewardInterval;
  /** Each task score's 95% bootstrap interval, where journaled (a trial-end's on validation, an `evaluate` record's on test). */
  taskIntervals?: Record<string, { lo: number; hi: number }>;
}

export interface BoardTable {
  split: 'validation' | 'test';
  columns: BoardColumn[];
  rows: BoardRow[];
  /** Per column (and `avg`): the best value and the top-3 threshold, for bold and underline as in Table 1. */
  best: Record<string, number>;
  third: Record<string, number>;
  worst: Record<string, number>;
}

function columnsFor(tasks: readonly TaskInfo[], seen: ReadonlySet<string>): BoardColumn[] {
  const known = new Map(tasks.map((t) => [t.name, t]));
  const names = [...tasks.map((t) => t.name).filter((n) => seen.has(n)), ...[...seen].filter((n) => !known.has(n)).sort()];
  const cols = names.map((task): BoardColumn => ({ task, group: known.get(task)?.inReward === false ? 'out-of-distribution' : 'in-distribution' }));
  return [...cols.filter((c) => c.group === 'in-distribution'), ...cols.filter((c) => c.group === 'out-of-distribution')];
}

function finish(split: BoardTable['split'], tasks: readonly TaskInfo[], rows: Omit<BoardRow, 'avg' | 'partial'>[]): BoardTable {
  const seen = new Set(rows.flatMap((r) => Object.keys(r.scores)));
  const columns = columnsFor(tasks, seen);
  const full: BoardRow[] = rows.map((r) => {
    const vals = columns.flatMap((c) => (typeof r.scores[c.task] === 'number' ? [r.scores[c.task] as number] : []));
    return { ...r, avg: vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null, partial: vals.length < columns.length };
  });
  const best: Record<string, number> = {};
  const third: Record<string, number> = {};
  const worst: Record<string, number> = {};
  for (const key of [...columns.map((c) => c.task), 'avg']) {
    const vals = full.flatMap((r) => {
      const v = key === 'avg' ? r.avg : r.scores[key];
      return typeof v === 'number' ? [v] : [];
    });
    vals.sort((a, b) => b - a);
    if (vals.length) {
      best[key] = vals[0] as number;
      third[key] = vals[Math.min(2, vals.length - 1)] as number;
      worst[key] = vals[vals.length - 1] as number;
    }
  }
  return { split, columns, rows: full, best, third, worst };
}

const taskIntervals = (iv: Record<string, { lo: number; hi: number }> | undefined): { taskIntervals?: Record<string, { lo: number; hi: number }> } =>
  iv && Object.keys(iv).length > 0 ? { taskIntervals: iv } : {};

/**
 * The validation table (always) and a test table (when a baseline or an evaluation on the test split exists):
 * baselines first, then the study's top-k models by validation reward.
 */
export function leaderboard(
  study: Pick<StudyData, 'trials' | 'tasks' | 'baselines' | 'evaluations'> & Partial<Pick<StudyData, 'intervals'>>,
  k: number,
): BoardTable[] {
  const tops = topTrials(study.trials, k);
  const testOf = new Map<number, Record<string, number>>();
  const testIntervalsOf = new Map<number, Record<string, { lo: number; hi: number }>>();
  for (const e of study.evaluations) {
    if (e.split !== 'test') continue;
    testOf.set(e.index, { ...(testOf.get(e.index) ?? {}), ...e.scores });
    // A later record's scores replace an earlier one's, and so do their intervals (none when it has none).
    const iv = { ...(testIntervalsOf.get(e.index) ?? {}) };
    for (const task of Object.keys(e.scores)) {
      const x = e.intervals?.[task];
      if (x) iv[task] = x;
      else delete iv[task];
    }
    testIntervalsOf.set(e.index, iv);
  }
  const tables: BoardTable[] = [];
  for (const split of ['validation', 'test'] as const) {
    const baselines = study.baselines
      .filter((b) => b.split === split)
      .map((b): Omit<BoardRow, 'avg' | 'partial'> => ({ kind: 'baseline', label: b.name, scores: b.scores }));
    const topRows = tops.flatMap((t, i): Omit<BoardRow, 'avg' | 'partial'>[] => {
      const scores = split === 'validation' ? t.scores : testOf.get(t.index);
      if (!scores) return [];
      return [
        {
          kind: 'top',
          label: `Top-${i + 1}`,
          rank: i + 1,
          trial: t.index,
          ...(t.produced ? { model: t.produced.name } : {}),
          scores,
          ...(t.reward !== undefined ? { reward: t.reward } : {}),
          ...(split === 'validation' && study.intervals?.[t.index] ? { interval: study.intervals[t.index] } : {}),
          ...taskIntervals(split === 'validation' ? t.intervals : testIntervalsOf.get(t.index)),
        },
      ];
    });
    if (split === 'test' && baselines.length === 0 && topRows.length === 0) continue;
    tables.push(finish(split, study.tasks, [...baselines, ...topRows]));
  }
  return tables;
}
