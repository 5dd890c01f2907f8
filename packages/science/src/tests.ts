import { ranks } from './stats.js';

/** Result of Wilcoxon's signed-rank test on paired values. */
export interface SignedRankResult {
  /** Pairs with a non-zero difference (zeros are dropped, Wilcoxon's convention). */
  n: number;
  /** Sum of the ranks of |x - y| over the pairs where x > y. */
  wPlus: number;
  /** Sum of the ranks over the pairs where x < y. */
  wMinus: number;
  /** Two-sided p-value. */
  p: number;
  /** `exact` (enumerated null distribution, ties included) or `normal` (large n, tie-corrected). */
  method: 'exact' | 'normal';
}

const EXACT_MAX = 50;

/**
 * Wilcoxon signed-rank test of paired values `x[i]` vs `y[i]` (e.g. one policy's and `random`'s
 * best reward with the same seed). Exact for up to 50 non-zero pairs: the null distribution of W+
 * is enumerated over all 2^n sign assignments of the (average, so possibly tied) ranks; beyond
 * that a normal approximation with the tie correction.
 */
export function wilcoxonSignedRank(x: readonly number[], y: readonly number[]): SignedRankResult {
  if (x.length !== y.length) throw new RangeError(`paired samples differ in length: ${x.length} vs ${y.length}`);
  const d = x.map((v, i) => v - (y[i] as number)).filter((v) => v !== 0);
  const n = d.length;
  if (n === 0) return { n: 0, wPlus: 0, wMinus: 0, p: 1, method: 'exact' };
  const r = ranks(d.map(Math.abs));
  let wPlus = 0;
  for (let i = 0; i < n; i++) if ((d[i] as number) > 0) wPlus += r[i] as number;
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  if (n <= EXACT_MAX) {
    // Ranks are multiples of 1/2: count subsets by doubled rank sums.
    const r2 = r.map((v) => Math.round(v * 2));
    const max = r2.reduce((a, b) => a + b, 0);
    let counts = new Float64Array(max + 1);
    counts[0] = 1;
    for (const k of r2) {
      const next = Float64Array.from(counts);
      for (let s = k; s <= max; s++) next[s]! += counts[s - k] as number;
      counts = next;
    }
    const all = 2 ** n;
    const w2 = Math.round(wPlus * 2);
    let le = 0;
    let ge = 0;
    for (let s = 0; s <= max; s++) {
      if (s <= w2) le += counts[s] as number;
      if (s >= w2) ge += counts[s] as number;
    }
    return { n, wPlus, wMinus, p: Math.min(1, (2 * Math.min(le, ge)) / all), method: 'exact' };
  }
  const abs = r;
  const tieGroups = new Map<number, number>();
  for (const v of abs) tieGroups.set(v, (tieGroups.get(v) ?? 0) + 1);
  let tie = 0;
  for (const t of tieGroups.values()) tie += t ** 3 - t;
  const mu = total / 2;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tie / 48);
  const z = (Math.abs(wPlus - mu) - 0.5) / sigma;
  return { n, wPlus, wMinus, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), method: 'normal' };
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Kendall's tau-b between two rankings (scores) of the same items: (C - D) / sqrt((n0 - n1)(n0 - n2))
 * with C, D the concordant and discordant pairs and n1, n2 the pairs tied in x and in y. NaN when
 * either side is all ties.
 */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`rankings differ in length: ${x.length} vs ${y.length}`);
  const n = x.length;
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = Math.sign((x[i] as number) - (x[j] as number));
      const b = Math.sign((y[i] as number) - (y[j] as number));
      if (a === 0 && b === 0) continue;
      if (a === 0) tx++;
      else if (b === 0) ty++;
      else if (a === b) c++;
      else d++;
    }
  }
  const denom = Math.sqrt((c + d + tx) * (c + d + ty));
  return denom === 0 ? NaN : (c - d) / denom;
}
