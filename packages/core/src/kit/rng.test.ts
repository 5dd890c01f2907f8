import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import golden from './rng.golden.json' with { type: 'json' };
import { deriveSeed, Mulberry32, Rng, SeededRng, Xoshiro128ss } from './rng.js';

/**
 * Golden values recorded from the implementations before they moved here (tinylm's mulberry32,
 * action-ties' xoshiro128**, `Rng` before its helpers went into `SeededRng`): the first outputs of a
 * few seeds, a call of the helpers, and the sha256 of the first 100,000 `next`/`normal` values. A
 * change here changes world data, study streams, trained models, SFT shuffles or DARE masks.
 */
const streamDigest = (make: () => SeededRng, draw: (r: SeededRng) => number): string => {
  const r = make();
  return createHash('sha256')
    .update(Buffer.from(Float64Array.from({ length: 100_000 }, () => draw(r)).buffer))
    .digest('hex');
};

/** The recorded first outputs and the digests of the first 100,000 `next` (and `normal`, when recorded). */
function expectStream(make: () => SeededRng, g: { first: number[]; longNext: string; longNormal?: string }): void {
  const r = make();
  expect(Array.from({ length: g.first.length }, () => r.nextUint32())).toEqual(g.first);
  expect(streamDigest(make, (x) => x.next())).toBe(g.longNext);
  if (g.longNormal !== undefined) expect(streamDigest(make, (x) => x.normal())).toBe(g.longNormal);
}

const SFC32: Record<string, () => Rng> = {
  'new Rng(0)': () => new Rng(0),
  'new Rng(42, 3)': () => new Rng(42, 3),
  'new Rng()': () => new Rng(),
  "Rng.labelled(7, 'arith', 'test')": () => Rng.labelled(7, 'arith', 'test'),
  'Rng.labelled(2 ** 40 + 9)': () => Rng.labelled(2 ** 40 + 9),
};

describe('Rng (sfc32)', () => {
  it.each(golden.sfc32)('$make gives the recorded stream', (g) => {
    const make = SFC32[g.make];
    if (!make) throw new Error(`no factory for ${g.make}`);
    expectStream(make, g);
    const b = make();
    const mixed = [
      b.int(10),
      b.int(2 ** 40),
      b.range(-3, 3),
      b.pick(['x', 'y', 'z']),
      b.normal(),
      b.normal(),
      b.normal(),
      b.shuffle([1, 2, 3, 4, 5, 6]),
      b.sample([1, 2, 3, 4, 5, 6], 3),
    ];
    expect(mixed).toEqual(g.mixed);
  });
});

describe('Mulberry32 (tinylm: weight init, SFT/DPO batch order)', () => {
  it.each(golden.mulberry32)('seed $seed gives the recorded stream', (g) => {
    const make = (): Mulberry32 => new Mulberry32(g.seed);
    expectStream(make, g);
    const b = make();
    expect(Array.from({ length: g.normals.length }, () => b.normal())).toEqual(g.normals);
    const c = make();
    expect(Array.from({ length: g.ints.length }, () => c.int(10))).toEqual(g.ints);
    expect(make().shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual(g.shuffled);
  });
});

describe('Xoshiro128ss (action-ties: DARE drop masks)', () => {
  it.each(golden.xoshiro128ss)('seed $seed gives the recorded stream', (g) => {
    expectStream(() => new Xoshiro128ss(g.seed), g);
  });

  it('deriveSeed gives the recorded seeds', () => {
    for (const [seed, labels, expected] of golden.deriveSeed as [number, (string | number)[], number][]) {
      expect(deriveSeed(seed, ...labels), `${seed} ${labels.join(',')}`).toBe(expected);
    }
  });
});

describe('SeededRng', () => {
  it('gives every generator the same helpers, each drawing from its own stream', () => {
    const gens: SeededRng[] = [new Rng(5), new Mulberry32(5), new Xoshiro128ss(5)];
    expect(new Set(gens.map((r) => r.nextUint32())).size).toBe(3);
    for (const r of gens) {
      const items = [1, 2, 3, 4, 5];
      const shuffled = r.shuffle(items);
      expect(shuffled).not.toBe(items);
      expect([...shuffled].sort()).toEqual(items);
      expect(r.int(7)).toBeGreaterThanOrEqual(0);
      expect(() => r.int(0)).toThrow(RangeError);
      expect(() => r.pick([])).toThrow(RangeError);
    }
  });
});
