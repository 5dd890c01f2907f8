/**
 * Seeded generators: same seed, same sequence, on every platform. `Rng` (sfc32) is the one to use
 * for new code. `Mulberry32` and `Xoshiro128ss` are named algorithms kept bit for bit because
 * recorded results depend on their streams: tinylm's weight initialisation and SFT/DPO batch order
 * (the shipped models and the science tables), and action-ties' DARE drop masks. All three share the
 * helpers of `SeededRng` (uniform, integers, pick, shuffle, sample, normal).
 */
export abstract class SeededRng {
  #spare: number | undefined;

  /** The next 32 random bits, as an unsigned integer. */
  abstract nextUint32(): number;

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

  /** A shuffled copy (Fisher-Yates, from the last item down). */
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

/** splitmix32's output mix (the 32-bit murmur3 finalizer). */
function mix32(x: number): number {
  let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * sfc32 seeded through splitmix32. `new Rng(seed, ...more)` mixes numbers (a study seed and a trial
 * index); `Rng.labelled(seed, ...labels)` derives a stream from text labels, so one stream does not
 * shift when another is drawn more often.
 */
export class Rng extends SeededRng {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;

  constructor(...seeds: number[]) {
    super();
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
      return mix32(h);
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
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
}

/**
 * mulberry32, its seed mixed once by splitmix32's finalizer so nearby seeds give unrelated streams.
 * tinylm's stream: weight initialisation (`normal`) and SFT/DPO batch order (`shuffle`).
 */
export class Mulberry32 extends SeededRng {
  #state: number;

  constructor(seed: number) {
    super();
    this.#state = mix32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  }

  nextUint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

/**
 * xoshiro128**, its four words drawn from splitmix32 (the last forced odd). action-ties' stream for
 * DARE drop masks; pair it with `deriveSeed` for one stream per tensor.
 */
export class Xoshiro128ss extends SeededRng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    super();
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return mix32(s);
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next() | 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A 32-bit seed from a seed and labels: FNV-1a over the labels joined by NUL, started from the seed. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  const text = labels.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
