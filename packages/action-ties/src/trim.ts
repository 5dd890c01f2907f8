/**
 * TIES step 1, "trim": keep the `density` fraction of a task vector with the largest magnitudes.
 *
 * Follows mergekit's `sparsify.magnitude` (mergekit/sparsify.py): `k = int(density * numel)`, i.e.
 * floor of the float64 product, and no trimming at all when `density >= 1`. Two choices where
 * mergekit is silent or crashes:
 * - ties at the threshold magnitude are broken by position: among equal magnitudes the entry with
 *   the lower flat index is kept (mergekit uses `torch.argsort(descending=True)`, which is not
 *   stable, so its choice is unspecified);
 * - when `floor(density * n)` is 0 (a tiny tensor with a small density) one entry is kept, where
 *   mergekit fails its assertion "not gonna zero out the whole tensor".
 * Magnitudes compare as IEEE-754 bit patterns with the sign cleared, which orders finite values,
 * infinities and NaN (NaN counts as the largest) without any float comparison.
 */

/** How many entries of an `n`-entry task vector survive trimming at `density` (in (0, 1]). */
export function keepCount(n: number, density: number): number {
  if (density >= 1 || n === 0) return n;
  return Math.min(n, Math.max(1, Math.floor(density * n)));
}

const HIGH_BUCKETS = 1 << 15; // the sign bit is cleared, so the high half is at most 0x7fff
const LOW_BUCKETS = 1 << 16;

/**
 * Zeroes, in place, every entry of `delta` outside its top `keepCount(n, density)` by magnitude, then
 * multiplies the kept entries by `scale` (rounding each product to float32), and returns `delta`.
 * Linear time: a two-level radix select on the magnitude bits, then one masking pass.
 */
export function trimInPlace(delta: Float32Array, density: number, scale = 1): Float32Array {
  const n = delta.length;
  const k = keepCount(n, density);
  if (k >= n) return scaleInPlace(delta, scale);
  const bits = new Uint32Array(delta.buffer, delta.byteOffset, n);

  // Level 1: which high-16-bit bucket holds the k-th largest magnitude.
  const high = new Uint32Array(HIGH_BUCKETS);
  for (let i = 0; i < n; i++) high[((bits[i] as number) & 0x7fffffff) >>> 16]!++;
  let remaining = k;
  let hi = HIGH_BUCKETS - 1;
  for (; hi > 0; hi--) {
    const c = high[hi] as number;
    if (c >= remaining) break;
    remaining -= c;
  }

  // Level 2: the exact low bits inside that bucket.
  const low = new Uint32Array(LOW_BUCKETS);
  for (let i = 0; i < n; i++) {
    const m = (bits[i] as number) & 0x7fffffff;
    if (m >>> 16 === hi) low[m & 0xffff]!++;
  }
  let lo = LOW_BUCKETS - 1;
  for (; lo > 0; lo--) {
    const c = low[lo] as number;
    if (c >= remaining) break;
    remaining -= c;
  }
  const threshold = (hi << 16) | lo;

  // Mask: keep everything above the threshold and the first `remaining` entries equal to it (in
  // index order). Branch-free on the common path: the comparison becomes an all-ones or zero mask.
  for (let i = 0; i < n; i++) {
    const b = bits[i] as number;
    const m = b & 0x7fffffff;
    if (m === threshold) {
      if (remaining > 0) remaining--;
      else bits[i] = 0;
      continue;
    }
    bits[i] = b & -(+(m > threshold) | 0);
  }
  return scaleInPlace(delta, scale);
}

function scaleInPlace(a: Float32Array, scale: number): Float32Array {
  if (scale !== 1) for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) * scale;
  return a;
}

/** A trimmed copy of `delta` (see `trimInPlace`); the input is left untouched. */
export function magnitudeTrim(delta: Float32Array, density: number): Float32Array {
  return trimInPlace(Float32Array.from(delta), density);
}
