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

function bitsOf(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/**
 * The top-k selection of one task vector, fed in chunks so a tensor of any size can be trimmed while
 * streamed: a two-level radix select on the magnitude bits (`observeHigh` over all chunks, then
 * `observeLow` over all chunks), then `apply` over the chunks again, in index order (the order
 * decides which entries at the threshold magnitude are kept). With one chunk it is `trimInPlace`.
 */
export class MagnitudeSelector {
  /** Entries kept. */
  readonly k: number;
  /** True when nothing is trimmed (density 1, or k = n): only `apply` is needed. */
  readonly keepsAll: boolean;
  private high: Uint32Array | undefined;
  private low: Uint32Array | undefined;
  private hi = 0;
  private threshold = 0;
  private remaining = 0;

  /** `k` overrides the count of entries kept (default `keepCount(n, density)`). */
  constructor(n: number, density: number, k?: number) {
    this.k = k ?? keepCount(n, density);
    this.keepsAll = this.k >= n;
    this.remaining = this.k;
  }

  /**
   * Pass 1, for every chunk in turn. With `base`, the chunk holds model values and first becomes the
   * task vector (chunk − base, in place, rounded to float32) in the same loop.
   */
  observeHigh(chunk: Float32Array, base?: Float32Array): void {
    if (base) {
      if (this.keepsAll) {
        for (let i = 0; i < chunk.length; i++) chunk[i] = (chunk[i] as number) - (base[i] as number);
        return;
      }
      const high = (this.high ??= new Uint32Array(HIGH_BUCKETS));
      const bits = bitsOf(chunk);
      for (let i = 0; i < chunk.length; i++) {
        chunk[i] = (chunk[i] as number) - (base[i] as number);
        high[((bits[i] as number) & 0x7fffffff) >>> 16]!++;
      }
      return;
    }
    if (this.keepsAll) return;
    const high = (this.high ??= new Uint32Array(HIGH_BUCKETS));
    const bits = bitsOf(chunk);
    for (let i = 0; i < bits.length; i++) high[((bits[i] as number) & 0x7fffffff) >>> 16]!++;
  }

  /**
   * Pass 1 from counts made elsewhere (the WebAssembly kernel): `counts[h]` entries whose magnitude has
   * high half `h`, added to this selector's histogram.
   */
  observeHighCounts(counts: Uint32Array): void {
    if (this.keepsAll) return;
    const high = (this.high ??= new Uint32Array(HIGH_BUCKETS));
    for (let h = 0; h < HIGH_BUCKETS; h++) high[h] = (high[h] as number) + (counts[h] as number);
  }

  /** After the passes: the threshold magnitude bits and the quota of entries equal to it still to keep. */
  selection(): { threshold: number; remaining: number } {
    return { threshold: this.threshold, remaining: this.remaining };
  }

  /** Between the passes: the high-16-bit bucket holding the k-th largest magnitude. */
  finishHigh(): void {
    if (this.keepsAll) return;
    const high = this.high ?? new Uint32Array(HIGH_BUCKETS);
    let remaining = this.k;
    let hi = HIGH_BUCKETS - 1;
    for (; hi > 0; hi--) {
      const c = high[hi] as number;
      if (c >= remaining) break;
      remaining -= c;
    }
    this.hi = hi;
    this.remaining = remaining;
    this.high = undefined;
  }

  /** Pass 2, for every chunk in turn. */
  observeLow(chunk: Float32Array): void {
    if (this.keepsAll) return;
    const low = (this.low ??= new Uint32Array(LOW_BUCKETS));
    const bits = bitsOf(chunk);
    const hi = this.hi;
    for (let i = 0; i < bits.length; i++) {
      const m = (bits[i] as number) & 0x7fffffff;
      if (m >>> 16 === hi) low[m & 0xffff]!++;
    }
  }

  /** After pass 2: the exact threshold magnitude, and how many entries equal to it are kept. */
  finishLow(): void {
    if (this.keepsAll) return;
    const low = this.low ?? new Uint32Array(LOW_BUCKETS);
    let remaining = this.remaining;
    let lo = LOW_BUCKETS - 1;
    for (; lo > 0; lo--) {
      const c = low[lo] as number;
      if (c >= remaining) break;
      remaining -= c;
    }
    this.threshold = (this.hi << 16) | lo;
    this.remaining = remaining;
    this.low = undefined;
  }

  /** `apply`, then each scaled value rounded to bf16, in the same loop. */
  private applyBf16(chunk: Float32Array, scale: number): Float32Array {
    const bits = bitsOf(chunk);
    const threshold = this.keepsAll ? -1 : this.threshold;
    let remaining = this.keepsAll ? 0 : this.remaining;
    for (let i = 0; i < bits.length; i++) {
      const b = bits[i] as number;
      const m = b & 0x7fffffff;
      if (m === threshold) {
        if (remaining > 0) remaining--;
        else bits[i] = 0;
      } else {
        bits[i] = b & -(+(m > threshold) | 0);
      }
      chunk[i] = (chunk[i] as number) * scale;
      bits[i] = bf16RoundBits(bits[i] as number);
    }
    if (!this.keepsAll) this.remaining = remaining;
    return chunk;
  }

  /**
   * Like `apply`, but only marks the kept entries: mask[i] = 1 when kept, else 0; the chunk is unchanged.
   * `preferHigh`: among entries equal to the threshold, keep the highest indices (a stable ascending
   * sort's top end) instead of the lowest. One whole array only.
   */
  mark(chunk: Float32Array, mask: Uint8Array, preferHigh = false): Uint8Array {
    if (this.keepsAll) return mask.fill(1);
    const bits = bitsOf(chunk);
    const threshold = this.threshold;
    let remaining = this.remaining;
    const n = bits.length;
    for (let k = 0; k < n; k++) {
      const i = preferHigh ? n - 1 - k : k;
      const m = (bits[i] as number) & 0x7fffffff;
      if (m === threshold) {
        mask[i] = remaining > 0 ? 1 : 0;
        if (remaining > 0) remaining--;
      } else {
        mask[i] = +(m > threshold);
      }
    }
    this.remaining = remaining;
    return mask;
  }

  /**
   * Pass 3, for every chunk in index order: zeroes the entries outside the selection, in place, then
   * multiplies by `scale` (rounding each product to float32). Returns the chunk.
   */
  apply(chunk: Float32Array, scale = 1, roundBf16 = false): Float32Array {
    if (roundBf16) return this.applyBf16(chunk, scale);
    if (this.keepsAll) return scaleInPlace(chunk, scale);
    const bits = bitsOf(chunk);
    const threshold = this.threshold;
    let remaining = this.remaining;
    // Keep everything above the threshold and the first `remaining` entries equal to it, scaled.
    // Branch-free on the common path: the comparison becomes an all-ones or zero bit mask.
    for (let i = 0; i < bits.length; i++) {
      const b = bits[i] as number;
      const m = b & 0x7fffffff;
      if (m === threshold) {
        if (remaining > 0) remaining--;
        else bits[i] = 0;
      } else {
        bits[i] = b & -(+(m > threshold) | 0);
      }
      chunk[i] = (chunk[i] as number) * scale;
    }
    this.remaining = remaining;
    return chunk;
  }
}

/** Rounds float32 bits to the nearest bf16 (ties to even) as float32 bits; NaN stays NaN, infinities stay. */
export function bf16RoundBits(u: number): number {
  return (u & 0x7f800000) === 0x7f800000 ? (u & 0xffff0000) | ((u & 0x7fffff) !== 0 ? 0x400000 : 0) : (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
}

/**
 * Zeroes, in place, every entry of `delta` outside its top `keepCount(n, density)` by magnitude, then
 * multiplies the kept entries by `scale` (rounding each product to float32), and returns `delta`.
 * Linear time: a two-level radix select on the magnitude bits, then one masking pass.
 */
export function trimInPlace(delta: Float32Array, density: number, scale = 1): Float32Array {
  const selector = new MagnitudeSelector(delta.length, density);
  return selectWhole(selector, delta, scale);
}

/** The three passes of a selector over one whole array (see `trimInPlace`); `base` as in observeHigh. */
export function selectWhole(selector: MagnitudeSelector, values: Float32Array, scale = 1, base?: Float32Array): Float32Array {
  selector.observeHigh(values, base);
  selector.finishHigh();
  selector.observeLow(values);
  selector.finishLow();
  return selector.apply(values, scale);
}

function scaleInPlace(a: Float32Array, scale: number): Float32Array {
  if (scale !== 1) for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) * scale;
  return a;
}

/** A trimmed copy of `delta` (see `trimInPlace`); the input is left untouched. */
export function magnitudeTrim(delta: Float32Array, density: number): Float32Array {
  return trimInPlace(Float32Array.from(delta), density);
}
