import { MagnitudeSelector, selectWhole } from '../trim.js';
import type { Precision } from './precision.js';
import { Rng } from './rng.js';

/**
 * mergekit's sparsification methods (mergekit/sparsify.py) over one task vector, in place:
 * `magnitude` (TIES), `random` (DARE), `magnitude_outliers` (Model Breadcrumbs), `della_magprune`
 * (DELLA), each optionally rescaled so the L1 norm is kept (mergekit's `rescale`, RescaleNorm.l1).
 * Ties at a threshold magnitude keep the lower flat index (torch's sort order among equal values is
 * unspecified). Random masks come from a seeded generator (`Rng`), so a merge is reproducible, but
 * they are not torch's draws.
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
    const rng = new Rng(o.seed);
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
 * Breadcrumbs: drop the `gamma` fraction of largest magnitudes and the smallest ones so that
 * `floor(density * n)` remain (fewer large ones are dropped when both do not fit). Where
 * `floor(gamma * n)` is 0 no large entry is dropped (mergekit's slice `[n_bot:-0]` would keep nothing).
 */
export function magnitudeOutliers(delta: Float32Array, density: number, gamma: number): Float32Array {
  const n = delta.length;
  const target = Math.floor(density * n);
  let top = Math.floor(gamma * n);
  let bottom = n - target - top;
  if (bottom < 0) {
    top += bottom;
    bottom = 0;
  }
  const keep = new Uint8Array(n);
  const upper = new MagnitudeSelector(n, 1, n - bottom);
  upper.observeHigh(delta);
  upper.finishHigh();
  upper.observeLow(delta);
  upper.finishLow();
  upper.mark(delta, keep);
  if (top > 0) {
    const drop = new Uint8Array(n);
    const outliers = new MagnitudeSelector(n, 1, top);
    outliers.observeHigh(delta);
    outliers.finishHigh();
    outliers.observeLow(delta);
    outliers.finishLow();
    outliers.mark(delta, drop);
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
  const rng = new Rng(seed);
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
