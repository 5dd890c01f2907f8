import { Rng } from './rng.js';

/** A 95% (by default) interval of a mean. */
export interface MeanInterval {
  mean: number;
  lo: number;
  hi: number;
}

/** Resamples of `bootstrapMeanInterval` (default). */
export const BOOTSTRAP_RESAMPLES = 2000;

/** Quantile by linear interpolation between order statistics (R type 7, numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/**
 * Percentile bootstrap interval of the mean of per-item scores: resample the items with replacement, take each
 * resample's mean, report the (1-level)/2 and (1+level)/2 quantiles. Seeded (default 0): the same scores give the
 * same interval, the same one `@lamdagent/science`'s `bootstrapInterval` gives with its default seed. Fewer than
 * two items: the interval is the mean itself.
 */
export function bootstrapMeanInterval(xs: readonly number[], opts: { resamples?: number; level?: number; seed?: number } = {}): MeanInterval {
  const n = xs.length;
  let sum = 0;
  for (const x of xs) sum += x;
  const m = n === 0 ? NaN : sum / n;
  if (n < 2) return { mean: m, lo: m, hi: m };
  const b = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const level = opts.level ?? 0.95;
  const rng = new Rng(opts.seed ?? 0, n, 0xb007);
  const means = new Float64Array(b);
  for (let r = 0; r < b; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[rng.int(n)] as number;
    means[r] = s / n;
  }
  means.sort();
  return { mean: m, lo: quantile(means, (1 - level) / 2), hi: quantile(means, (1 + level) / 2) };
}
