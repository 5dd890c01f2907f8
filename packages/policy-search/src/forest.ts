import type { Rng } from '@lamdagent/core/kit';

export interface ForestOptions {
  trees: number;
  minLeaf: number;
  maxDepth: number;
  /** Fraction of the features tried at each split (at least one). */
  featureFraction: number;
}

type Node = { leaf: number } | { f: number; t: number; lo: Node; hi: Node };

const avg = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * A small regression forest (bagged CART trees with random feature subsets, as in Breiman's random
 * forests; SMAC uses the same surrogate for mixed, categorical spaces). Each tree is a bootstrap
 * sample's fit, so the spread of the trees' predictions is the surrogate's uncertainty, and one tree
 * drawn at random is a Thompson sample.
 */
export class Forest {
  readonly #trees: Node[] = [];

  constructor(x: readonly number[][], y: readonly number[], rng: Rng, o: ForestOptions) {
    if (x.length === 0 || x.length !== y.length) throw new RangeError(`forest: ${x.length} rows and ${y.length} targets`);
    const d = x[0]!.length;
    const m = Math.max(1, Math.round(d * o.featureFraction));
    for (let t = 0; t < o.trees; t++) {
      const rows = Array.from({ length: x.length }, () => rng.int(x.length));
      this.#trees.push(grow(x, y, rows, 0, rng, o, d, m));
    }
  }

  /** Each tree's prediction for one feature vector. */
  perTree(v: readonly number[]): number[] {
    return this.#trees.map((n) => {
      let node = n;
      while (!('leaf' in node)) node = (v[node.f] ?? 0) <= node.t ? node.lo : node.hi;
      return node.leaf;
    });
  }

  predict(v: readonly number[]): { mean: number; sd: number } {
    const p = this.perTree(v);
    const mean = avg(p);
    return { mean, sd: Math.sqrt(avg(p.map((q) => (q - mean) ** 2))) };
  }
}

function grow(x: readonly number[][], y: readonly number[], rows: number[], depth: number, rng: Rng, o: ForestOptions, d: number, m: number): Node {
  const ys = rows.map((r) => y[r]!);
  const mean = avg(ys);
  if (rows.length < 2 * o.minLeaf || depth >= o.maxDepth || ys.every((v) => v === ys[0])) return { leaf: mean };
  let best: { f: number; t: number; score: number } | undefined;
  const feats = rng.sample(
    Array.from({ length: d }, (_, i) => i),
    m,
  );
  for (const f of feats) {
    const vals = [...new Set(rows.map((r) => x[r]![f]!))].sort((a, b) => a - b);
    for (let i = 0; i + 1 < vals.length; i++) {
      const t = (vals[i]! + vals[i + 1]!) / 2;
      let nl = 0;
      let sl = 0;
      let ql = 0;
      let sr = 0;
      let qr = 0;
      for (const r of rows) {
        const v = y[r]!;
        if (x[r]![f]! <= t) {
          nl++;
          sl += v;
          ql += v * v;
        } else {
          sr += v;
          qr += v * v;
        }
      }
      const nr = rows.length - nl;
      if (nl < o.minLeaf || nr < o.minLeaf) continue;
      const sse = ql - (sl * sl) / nl + (qr - (sr * sr) / nr);
      if (!best || sse < best.score) best = { f, t, score: sse };
    }
  }
  if (!best) return { leaf: mean };
  const lo = rows.filter((r) => x[r]![best.f]! <= best.t);
  const hi = rows.filter((r) => x[r]![best.f]! > best.t);
  return { f: best.f, t: best.t, lo: grow(x, y, lo, depth + 1, rng, o, d, m), hi: grow(x, y, hi, depth + 1, rng, o, d, m) };
}
