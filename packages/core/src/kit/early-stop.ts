/**
 * Early-stopping evaluation (issue 19 item 5): score a candidate on a first slice of each task's validation items,
 * and stop when its reward is clearly below a threshold (the k-th best reward so far, so the top-k cannot change
 * because of it). One decision function, used by core's evaluation loop and by the replay benchmark
 * (`packages/eval-suites/bench/early-stop.bench.mjs`).
 *
 * The test: the reward of a linear aggregator is `sum_t w_t * mean_t`; from the slice, its estimate has variance
 * `sum_t w_t^2 * s_t^2 / n_t * (N_t - n_t) / (N_t - 1)` (sampling without replacement from the task's N_t items;
 * `s_t^2` with half a pseudo-item at each end of the score range, so a slice of all-zeros is not certain). The
 * candidate stops when the upper end of the one-sided `1 - alpha / looks` normal bound (Bonferroni over the looks,
 * so the whole sequence keeps the level `alpha`) is below the threshold.
 *
 * Any other aggregator that is non-decreasing in each task score (`earlyStopCheckMonotone`): each in-reward task's
 * mean gets its own one-sided bound at `1 - alpha / (looks * tasks)` (Bonferroni over the looks and the tasks), clipped
 * to the task's score range; when every true task mean is below its upper bound, a monotone reward is below the
 * aggregator evaluated at the upper bounds, so the candidate stops when that is below the threshold.
 *
 * `range` is the item scores' declared range (a scorer's or judge's, e.g. [1, 10]): the pseudo-items sit at its ends.
 */

/** One task's slice: its first `scores.length` item scores out of `total`, its score range and its reward weight. */
export interface SliceTask {
  scores: readonly number[];
  total: number;
  /** Lowest and highest item score (default [0, 1]). */
  range?: readonly [number, number];
  /** The task's weight in the reward (0 for tasks outside it). */
  weight: number;
}

export interface EarlyStopDecision {
  stop: boolean;
  /** The reward estimated from the slices. */
  estimate: number;
  /** Upper end of the one-sided bound the threshold is compared with; `lo` the symmetric lower end. */
  lo: number;
  hi: number;
  /** Items scored, over every task. */
  items: number;
}

/** Standard normal quantile (Acklam's rational approximation; |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  // The lower-tail quantile of q = min(p, 1 - p) (negative), mirrored for p above one half.
  const q = Math.min(p, 1 - p);
  let x: number;
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    x = (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  } else {
    const r = q - 0.5;
    const r2 = r * r;
    x =
      ((((((a[0]! * r2 + a[1]!) * r2 + a[2]!) * r2 + a[3]!) * r2 + a[4]!) * r2 + a[5]!) * r) /
      (((((b[0]! * r2 + b[1]!) * r2 + b[2]!) * r2 + b[3]!) * r2 + b[4]!) * r2 + 1);
  }
  return p < 0.5 ? x : -x;
}

/**
 * Whether a candidate scored on slices is clearly below `threshold` (see the module comment). `alpha` is the level
 * of the whole sequence of `looks` checks. A task with its slice empty gives no evidence: no stop.
 */
export function earlyStopCheck(tasks: readonly SliceTask[], threshold: number, o: { alpha: number; looks: number }): EarlyStopDecision {
  let estimate = 0;
  let variance = 0;
  let items = 0;
  let complete = true;
  for (const t of tasks) {
    const n = t.scores.length;
    items += n;
    if (t.weight === 0) continue;
    if (n === 0) return { stop: false, estimate: NaN, lo: -Infinity, hi: Infinity, items };
    const [lo, hi] = t.range ?? [0, 1];
    let sum = 0;
    for (const x of t.scores) sum += x;
    const m = sum / n;
    let ss = 0;
    for (const x of t.scores) ss += (x - m) ** 2;
    // Half a pseudo-item at each end of the range: (lo - m)^2 / 2 + (hi - m)^2 / 2 added, one degree of freedom.
    const s2 = (ss + ((lo - m) ** 2 + (hi - m) ** 2) / 2) / n;
    const fpc = t.total > 1 ? Math.max(0, (t.total - n) / (t.total - 1)) : 0;
    if (n < t.total) complete = false;
    estimate += t.weight * m;
    variance += ((t.weight * t.weight * s2) / n) * fpc;
  }
  const z = normalQuantile(1 - o.alpha / Math.max(1, o.looks));
  const half = z * Math.sqrt(variance);
  return { stop: !complete && estimate + half < threshold, estimate, lo: estimate - half, hi: estimate + half, items };
}

/** A task's slice mean, and the half-width of its one-sided bound at standard normal quantile `z` (see `earlyStopCheck`). */
function sliceStats(t: SliceTask, z: number): { n: number; mean: number; half: number; lo: number; hi: number } {
  const n = t.scores.length;
  const [lo, hi] = t.range ?? [0, 1];
  let sum = 0;
  for (const x of t.scores) sum += x;
  const mean = n === 0 ? NaN : sum / n;
  let ss = 0;
  for (const x of t.scores) ss += (x - mean) ** 2;
  const s2 = n === 0 ? Infinity : (ss + ((lo - mean) ** 2 + (hi - mean) ** 2) / 2) / n;
  const fpc = t.total > 1 ? Math.max(0, (t.total - n) / (t.total - 1)) : 0;
  return { n, mean, half: n === 0 ? Infinity : z * Math.sqrt((s2 / n) * fpc), lo, hi };
}

/**
 * Whether a candidate scored on slices is clearly below `threshold` for a reward `aggregate(taskMeans)` that is
 * non-decreasing in each task's mean (see the module comment): `hi` is the aggregate at the in-reward tasks' upper
 * bounds (the others at their slice means), `lo` at their lower bounds, `estimate` at the slice means. Tasks with
 * `weight` 0 are outside the reward. An in-reward task with an empty slice gives no evidence: no stop.
 */
export function earlyStopCheckMonotone(
  tasks: readonly SliceTask[],
  threshold: number,
  o: { alpha: number; looks: number },
  aggregate: (taskMeans: readonly number[]) => number,
): EarlyStopDecision {
  const inReward = tasks.filter((t) => t.weight !== 0).length;
  const z = normalQuantile(1 - o.alpha / (Math.max(1, o.looks) * Math.max(1, inReward)));
  let items = 0;
  let complete = true;
  const means: number[] = [];
  const ups: number[] = [];
  const downs: number[] = [];
  for (const t of tasks) {
    const st = sliceStats(t, z);
    items += st.n;
    if (t.weight !== 0 && st.n === 0) return { stop: false, estimate: NaN, lo: -Infinity, hi: Infinity, items };
    if (t.weight !== 0 && st.n < t.total) complete = false;
    const m = st.n === 0 ? 0 : st.mean;
    means.push(m);
    ups.push(t.weight === 0 ? m : Math.min(st.hi, m + st.half));
    downs.push(t.weight === 0 ? m : Math.max(st.lo, m - st.half));
  }
  const estimate = aggregate(means);
  const hi = aggregate(ups);
  const lo = aggregate(downs);
  return { stop: !complete && Number.isFinite(hi) && hi < threshold, estimate, lo, hi, items };
}
