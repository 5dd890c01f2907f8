import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Mulberry32, Rng, SeededRng, Xoshiro128ss } from './rng.js';

/**
 * Golden values of `Rng` (sfc32), recorded before its helpers moved into `SeededRng`: the first
 * outputs, one call of every helper, and the sha256 of the first 100,000 `next`/`normal` values (as
 * float64 bytes). World data, study trial streams and bootstrap intervals depend on this stream.
 */
const streamDigest = (draw: () => number): string =>
  createHash('sha256')
    .update(Buffer.from(Float64Array.from({ length: 100_000 }, draw).buffer))
    .digest('hex');

type Golden = { first: number[]; mixed: unknown[]; longNext: string; longNormal: string };
const GOLDEN: [string, () => Rng, Golden][] = [
  [
    'new Rng(0)',
    () => new Rng(0),
    {
      first: [1462077617, 1105567215, 695057967, 1755867197, 1260701162, 1769558024],
      mixed: [3, 1027192242176, -1, 'x', 1.304481840557328, -0.26787195952622456, 0.585298093556082, [2, 6, 3, 1, 5, 4], [1, 4, 3]],
      longNext: 'a54581d028ea352e0f3337c8b6b54dee23e1207777d410199e54629cf43e2cf4',
      longNormal: '9aa55d87a1b579a6509ec73f70a4d308c2e729f2ab679a0d4dfc75d8b03f94d6',
    },
  ],
  [
    'new Rng(42, 3)',
    () => new Rng(42, 3),
    {
      first: [4214286716, 3542500856, 867126727, 453328454, 3970239761, 3030687112],
      mixed: [9, 1066019016704, -3, 'z', 0.15274567075677323, -0.8209615795571394, 1.8696599460876866, [3, 2, 5, 1, 4, 6], [2, 1, 6]],
      longNext: '41ca6b2fc933d9096fb6ea8a06276ef720c6b5f579666af2238bdfe5de6a7c67',
      longNormal: 'a4f4262df40c9646afe0a017adb4b45584b9b6276a3d8e5f50d8261eb5e35f86',
    },
  ],
  [
    'new Rng()',
    () => new Rng(),
    {
      first: [1255788323, 229556502, 1129684417, 4139637878, 1673523051, 3071729761],
      mixed: [2, 95618964992, 3, 'y', -0.6929239825656272, 0.4361909562864325, 0.4280416723985223, [1, 6, 2, 4, 5, 3], [5, 6, 3]],
      longNext: 'fb90c342126fbc303afa1082b27005b573b63b4214d17bb0ef8b8c3abf108027',
      longNormal: '0aa572c4f672030ea9e3c3715e9bcf1d0bac5dd9ebcfaa2df4405695f6a88e14',
    },
  ],
  [
    "Rng.labelled(7, 'arith', 'test')",
    () => Rng.labelled(7, 'arith', 'test'),
    {
      first: [491006487, 3432172123, 3684138486, 2518045761, 3713837725, 3420550455],
      mixed: [1, 394526162944, 1, 'z', 0.6000904055817768, 0.30850673787984684, -0.594198552875621, [2, 3, 5, 6, 4, 1], [1, 2, 3]],
      longNext: '8af09141a4facfdae5bf0d7120c73ca009437414c521c021c4a33b192fc93711',
      longNormal: 'cba8a65595fed77ad155994df075c83abde25676ca1d369d0bd02ae806888800',
    },
  ],
  [
    'Rng.labelled(2 ** 40 + 9)',
    () => Rng.labelled(2 ** 40 + 9),
    {
      first: [3821837893, 3324732302, 3788070736, 4096349895, 1788066552, 883350707],
      mixed: [8, 613673426944, 3, 'y', 0.3210242039762177, 1.7492562143745936, -0.8013838895208346, [3, 4, 5, 2, 6, 1], [4, 1, 5]],
      longNext: 'b103ba60205af316a8265c000f4ccc02098b31cd33239b8875301f7b76def6d7',
      longNormal: 'c88c425358f35e804104f9e0dd99996ad361ba7a64ab15df7aecf0311f4e7b13',
    },
  ],
];

describe('Rng (sfc32)', () => {
  it.each(GOLDEN)('%s gives the recorded stream', (_name, make, g) => {
    const a = make();
    expect(Array.from({ length: g.first.length }, () => a.nextUint32())).toEqual(g.first);
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
    const c = make();
    expect(streamDigest(() => c.next())).toBe(g.longNext);
    const d = make();
    expect(streamDigest(() => d.normal())).toBe(g.longNormal);
  });
});

describe('SeededRng', () => {
  it('gives every generator the same helpers, each drawing from its own stream', () => {
    const gens: SeededRng[] = [new Rng(5), new Mulberry32(5), new Xoshiro128ss(5)];
    const firsts = gens.map((r) => r.nextUint32());
    expect(new Set(firsts).size).toBe(3);
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
