/** n choose k as a float-exact integer (fine up to 2^53). */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/**
 * The `rank`-th k-subset of {0..n-1} in lexicographic order, without materialising the others
 * (combinatorial number system).
 */
export function unrankCombination(n: number, k: number, rank: number): number[] {
  const out: number[] = [];
  let x = 0;
  let r = rank;
  for (let i = 0; i < k; i++) {
    for (;;) {
      const c = choose(n - x - 1, k - i - 1);
      if (r < c) break;
      r -= c;
      x++;
    }
    out.push(x);
    x++;
  }
  return out;
}

/** Inverse of `unrankCombination` for a sorted k-subset. */
export function rankCombination(n: number, subset: readonly number[]): number {
  const k = subset.length;
  let rank = 0;
  let prev = -1;
  for (let i = 0; i < k; i++) {
    const s = subset[i] as number;
    for (let x = prev + 1; x < s; x++) rank += choose(n - x - 1, k - i - 1);
    prev = s;
  }
  return rank;
}

/** Number of k-permutations of n (ordered, distinct picks): n! / (n-k)!. */
export function permutations(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 0; i < k; i++) r *= n - i;
  return r;
}

/**
 * The `rank`-th k-permutation of {0..n-1} in lexicographic order (the first pick is the most
 * significant digit, in base n, the next in base n-1 over what is left, ...).
 */
export function unrankPermutation(n: number, k: number, rank: number): number[] {
  const left = Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  let r = rank;
  for (let i = 0; i < k; i++) {
    const below = permutations(n - i - 1, k - i - 1);
    const d = Math.floor(r / below);
    r -= d * below;
    out.push(left.splice(d, 1)[0] as number);
  }
  return out;
}

/** Inverse of `unrankPermutation` for k distinct values of {0..n-1} in their order. */
export function rankPermutation(n: number, picks: readonly number[]): number {
  const k = picks.length;
  let rank = 0;
  picks.forEach((p, i) => {
    const smallerLeft = p - picks.slice(0, i).filter((q) => q < p).length;
    rank += smallerLeft * permutations(n - i - 1, k - i - 1);
  });
  return rank;
}
