// History shaping: per-trial values, running maximum and per-window statistics (the paper's Figure 5).
import type { TrialRecord } from '../types.js';

/** `reward`, or one task's score as `task:<name>`. */
export type Metric = 'reward' | `task:${string}`;

export function metricValue(t: TrialRecord, metric: Metric): number | null {
  if (t.state === 'failed' || t.state === 'running') return null;
  const v = metric === 'reward' ? t.reward : t.scores[metric.slice('task:'.length)];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function metricLabel(metric: Metric): string {
  return metric === 'reward' ? 'reward' : metric.slice('task:'.length);
}

/** The metrics a set of trials can be plotted by: the reward, then every task seen in any trial's scores. */
export function metricsOf(trials: readonly TrialRecord[]): Metric[] {
  const tasks = new Set<string>();
  for (const t of trials) for (const k of Object.keys(t.scores)) tasks.add(k);
  return ['reward', ...[...tasks].sort().map((k) => `task:${k}` as Metric)];
}

export interface HistoryPoint {
  index: number;
  state: TrialRecord['state'];
  /** Null for a failed trial (it has no score). */
  value: number | null;
  /** Best value so far, this trial included; null until the first scored trial. */
  best: number | null;
}

/** One point per finished trial, in trial order, with the running maximum. */
export function historyOf(trials: readonly TrialRecord[], metric: Metric = 'reward'): HistoryPoint[] {
  let best: number | null = null;
  return [...trials]
    .sort((a, b) => a.index - b.index)
    .map((t) => {
      const value = metricValue(t, metric);
      if (value !== null && (best === null || value > best)) best = value;
      return { index: t.index, state: t.state, value, best };
    });
}

/** The running maximum of a sequence (nulls skipped; null until the first number). */
export function runningMax(values: readonly (number | null)[]): (number | null)[] {
  let best: number | null = null;
  return values.map((v) => {
    if (v !== null && (best === null || v > best)) best = v;
    return best;
  });
}

export interface WindowStat {
  /** First and last trial index the window covers (windows are consecutive blocks of `size` iterations). */
  from: number;
  to: number;
  /** Scored trials in the window (failed trials have no score and are counted in `failed`). */
  n: number;
  failed: number;
  cached: number;
  mean: number | null;
  /** Population standard deviation (numpy's default), 0 for one value. */
  std: number | null;
  /** Largest value inside the window. */
  max: number | null;
  /** Largest value up to the window's end (the running maximum). */
  best: number | null;
  /** True when the window has fewer than `size` iterations so far (the last one, while a study runs). */
  partial: boolean;
}

/**
 * Statistics per window of `size` iterations: iterations 0..size-1, size..2*size-1, ... by trial index,
 * as the paper's Figure 5 records the average, maximum and standard deviation every 15 iterations.
 */
export function windowStats(points: readonly HistoryPoint[], size = 15): WindowStat[] {
  if (!(size >= 1)) throw new RangeError(`window size must be at least 1, got ${size}`);
  const w = Math.floor(size);
  const groups = new Map<number, HistoryPoint[]>();
  for (const p of points) {
    const g = Math.floor(p.index / w);
    const list = groups.get(g) ?? [];
    list.push(p);
    groups.set(g, list);
  }
  const out: WindowStat[] = [];
  let best: number | null = null;
  for (const g of [...groups.keys()].sort((a, b) => a - b)) {
    const list = groups.get(g) ?? [];
    const vals = list.flatMap((p) => (p.value === null ? [] : [p.value]));
    const n = vals.length;
    const mean = n ? vals.reduce((a, b) => a + b, 0) / n : null;
    const std = mean === null ? null : Math.sqrt(vals.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    const max = n ? Math.max(...vals) : null;
    if (max !== null && (best === null || max > best)) best = max;
    out.push({
      from: g * w,
      to: g * w + w - 1,
      n,
      failed: list.filter((p) => p.state === 'failed').length,
      cached: list.filter((p) => p.state === 'cached').length,
      mean,
      std,
      max,
      best,
      partial: list.length < w,
    });
  }
  return out;
}
