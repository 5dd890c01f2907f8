import { MagnitudeSelector, selectWhole } from '../trim.js';
import type { Precision } from './precision.js';
import { Xoshiro128ss } from '@lamdagent/core/kit';

/**
 * mergekit's sparsification methods (mergekit/sparsify.py) over one task vector, in place:
 * `magnitude` (TIES), `random` (DARE), `magnitude_outliers` (Model Breadcrumbs), `della_magprune`
 * (DELLA), each optionally rescaled so the L1 norm is kept (mergekit's `rescale`, RescaleNorm.l1).
 * Ties at a threshold magnitude keep the lower flat index (torch's sort order among equal values is
 * unspecified). Random masks come from a seeded generator (`Xoshiro128ss`, `@lamdagent/core/kit`), so
 * a merge is reproducible, but they are not torch's draws.
 */
export type SparsifyMethod = 'magnitude' | 'random' | 'magnitude_outliers' | 'della_magprune';

export interface SparsifyOptions {
  density: number;
  /** magnitude_outliers: fraction of the largest entries removed (default 0.01). */
  gamma?: number;
  /** della_magprune: half-width of the keep-probability range (default 0.15). */
  epsilon?: number;
  /** Rescale the kept entries so the L1 norm matches the original (mergekit's `rescale`). */
  rescale: boolean;
  precision: Precision;
  /** Seed for the random methods. */
  seed: number;
  /** Tensor shape (della ranks within rows of the last dimension). */
  shape: readonly number[];
}

function l1(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] as number);
  return s;
}

/** mergekit's rescaled_masked_tensor with norm l1: masked * (|t|_1 / |masked|_1) unless either is below 1e-7. */
function rescaleL1(masked: Float32Array, before: number, p: Precision): void {
  const b = p.scalar(before);
  const a = p.scalar(l1(masked));
  if (b < 1e-7 || a < 1e-7) return;
  const factor = p.scalar(b / a);
  for (let i = 0; i < masked.length; i++) masked[i] = (masked[i] as number) * factor;
  p.round(masked);
}

/** Sparsifies `delta` in place with `method`; returns it. */
export function sparsifyInPlace(delta: Float32Array, method: SparsifyMethod, o: SparsifyOptions): Float32Array {
  if (o.density >= 1) return delta;
  const before = o.rescale ? l1(delta) : 0;
  const n = delta.length;
  if (method === 'magnitude') {
    selectWhole(new MagnitudeSelector(n, o.density), delta);
  } else if (method === 'random') {
    const rng = new Xoshiro128ss(o.seed);
    const p = o.density;
    for (let i = 0; i < n; i++) if (!(rng.next() < p)) delta[i] = 0;
  } else if (method === 'magnitude_outliers') {
    magnitudeOutliers(delta, o.density, o.gamma ?? 0.01);
  } else {
    dellaMagprune(delta, o.density, o.epsilon ?? 0.15, o.shape, o.seed);
  }
  if (o.rescale) rescaleL1(delta, before, o.precision);
  return delta;
}

/**
 * Breadcrumbs (mergekit 0.1.5's magnitude_outliers): with the magnitudes in ascending order (a stable
 * sort: ties by index), keep positions [n_bot, n_bot + floor(density * n)) where
 * n_bot = max(0, n - floor(density * n) - floor(gamma * n)): the smallest entries and the largest
 * (about gamma * n of them) are dropped, exactly floor(density * n) are kept.
 */
export function magnitudeOutliers(delta: Float32Array, density: number, gamma: number): Float32Array {
  const n = delta.length;
  const target = Math.floor(density * n);
  const bottom = Math.max(0, n - target - Math.floor(gamma * n));
  const top = n - bottom - target; // dropped from the large end
  const select = (k: number): Uint8Array => {
    const s = new MagnitudeSelector(n, 1, k);
    s.observeHigh(delta);
    s.finishHigh();
    s.observeLow(delta);
    s.finishLow();
    return s.mark(delta, new Uint8Array(n), true);
  };
  const keep = select(n - bottom);
  if (top > 0) {
    const drop = select(top);
    for (let i = 0; i < n; i++) if (drop[i]) keep[i] = 0;
  }
  for (let i = 0; i < n; i++) if (!keep[i]) delta[i] = 0;
  return delta;
}

/**
 * DELLA's MAGPRUNE: within each row (the last dimension; a 1-D tensor is one row, a tensor of 3 or
 * more dimensions is seen as [shape[0], rest]), rank the magnitudes (1 = smallest, ties by index),
 * keep each entry with probability (density - epsilon) + 2 * epsilon * (rank - 1) / (cols - 1).
 */
export function dellaMagprune(delta: Float32Array, density: number, epsilon: number, shape: readonly number[], seed: number): Float32Array {
  const n = delta.length;
  const cols = shape.length >= 2 ? n / (shape[0] as number) : n;
  const rows = cols > 0 ? n / cols : 0;
  const rng = new Xoshiro128ss(seed);
  const keys = new Float64Array(cols);
  const bits = new Uint32Array(delta.buffer, delta.byteOffset, n);
  const rankOf = new Uint32Array(cols);
  const lo = density - epsilon;
  const span = cols > 1 ? (2 * epsilon) / (cols - 1) : 0;
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    // magnitude bits (31) then column index (< 2^22) in one exactly representable float64 key
    for (let c = 0; c < cols; c++) keys[c] = ((bits[start + c] as number) & 0x7fffffff) * 4194304 + c;
    keys.sort();
    for (let k = 0; k < cols; k++) rankOf[(keys[k] as number) % 4194304] = k;
    for (let c = 0; c < cols; c++) {
      const p = lo + (rankOf[c] as number) * span;
      if (!(rng.next() < p)) delta[start + c] = 0;
    }
  }
  return delta;
}
