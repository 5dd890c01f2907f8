/**
 * A small seeded PRNG (sfc32 seeded through splitmix32): same seed, same sequence, on every platform.
 * `new Rng(seed, ...more)` mixes numbers (a study seed and a trial index); `Rng.labelled(seed, ...labels)`
 * derives a stream from text labels, so one stream does not shift when another is drawn more often.
 */
export class Rng {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;
  #spare: number | undefined;

  constructor(...seeds: number[]) {
    let h = 0x9e3779b9;
    for (const s of seeds) h = (h ^ Math.imul((s >>> 0) + 0x632be5ab, 0x5bd1e995)) | 0;
    this.#init(h);
  }

  /** A stream named by labels: `Rng.labelled(seed, 'arith', 'test')`. */
  static labelled(seed: number, ...labels: string[]): Rng {
    let h = 0x9e3779b9 ^ (seed >>> 0);
    const mix = (x: number): void => {
      h = Math.imul(h ^ (x >>> 0), 0x5bd1e995);
      h ^= h >>> 15;
    };
    mix(Math.floor(seed / 4294967296));
    for (const label of labels) {
      mix(label.length);
      for (let i = 0; i < label.length; i++) mix(label.charCodeAt(i));
    }
    const r = new Rng();
    r.#init(h);
    return r;
  }

  #init(seedHash: number): void {
    let h = seedHash;
    const next = (): number => {
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    this.#spare = undefined;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). Exact for n up to 2^53 (uses two draws above 2^32). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int needs a positive integer, got ${n}`);
    if (n <= 4294967296) return Math.floor(this.next() * n);
    const x = this.nextUint32() * 4294967296 + this.nextUint32();
    return x % n;
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  range(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) throw new RangeError(`Rng.range(${lo}, ${hi})`);
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('Rng.pick on an empty list');
    return item;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** `n` distinct items, in random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    if (n > items.length) throw new RangeError(`Rng.sample: ${n} of ${items.length}`);
    return this.shuffle(items).slice(0, n);
  }

  /** Standard normal (Box-Muller; the second value of a pair is kept for the next call). */
  normal(): number {
    if (this.#spare !== undefined) {
      const v = this.#spare;
      this.#spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}
