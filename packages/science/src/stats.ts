import { bootstrapMeanInterval, Rng } from '@lamdagent/core/kit';

/** Descriptive statistics and intervals used by `compare`, `ablate`, `table` and `replay`. */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return xs.length === 1 ? 0 : NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Quantile by linear interpolation between order statistics (R type 7, numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
}

// Two-sided 95% critical values of Student's t for df = 1..30 (then 40, 60, 120, normal).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** 0.975 quantile of Student's t with `df` degrees of freedom (table; conservative between rows). */
export function t975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[df - 1] as number;
  if (df <= 40) return 2.021;
  if (df <= 60) return 2.0;
  if (df <= 120) return 1.98;
  return 1.96;
}

/** 95% Student-t interval of the mean (over seeds: values are independent studies). */
export function tInterval(xs: readonly number[]): Interval {
  const m = mean(xs);
  if (xs.length < 2) return { mean: m, lo: m, hi: m };
  const half = (t975(xs.length - 1) * sd(xs)) / Math.sqrt(xs.length);
  return { mean: m, lo: m - half, hi: m + half };
}

export interface BootstrapOptions {
  /** Resamples (default 2000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Seed of the resampling (default 0): same data and seed, same interval. */
  seed?: number;
}

/**
 * Percentile bootstrap interval of the mean: resample the values with replacement, take the mean of
 * each resample, report the (1-level)/2 and (1+level)/2 quantiles. Used for per-item results (an
 * evaluator's 0/1 correctness per validation item) where no normal approximation is safe at n = 100.
 */
export function bootstrapInterval(xs: readonly number[], opts: BootstrapOptions = {}): Interval {
  // The same seeded resampling core journals with every evaluation (one implementation, same numbers).
  return bootstrapMeanInterval(xs, opts);
}

/** Two intervals overlap: the difference between their means is inside the noise. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}

/** Average ranks (1-based), ties sharing the mean of the ranks they span. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[(order[k] as readonly [number, number])[1]] = r;
    i = j + 1;
  }
  return out;
}

/**
 * Percentile bootstrap interval of the mean of group means (e.g. a reward that averages per-task
 * accuracies): each group (task) is resampled on its own items, as the evaluation drew them.
 */
export function bootstrapMeanOfMeans(groups: readonly (readonly number[])[], opts: BootstrapOptions = {}): Interval {
  const live = groups.filter((g) => g.length > 0);
  const m = mean(live.map((g) => mean(g)));
  if (live.length === 0 || live.every((g) => g.length < 2)) return { mean: m, lo: m, hi: m };
  const b = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const rng = new Rng(opts.seed ?? 0, live.length, 0xb008);
  const out = new Float64Array(b);
  for (let r = 0; r < b; r++) {
    let s = 0;
    for (const g of live) {
      let t = 0;
      for (let i = 0; i < g.length; i++) t += g[rng.int(g.length)] as number;
      s += t / g.length;
    }
    out[r] = s / live.length;
  }
  const sorted = Array.from(out).sort((x, y) => x - y);
  return { mean: m, lo: quantile(sorted, (1 - level) / 2), hi: quantile(sorted, (1 + level) / 2) };
}
