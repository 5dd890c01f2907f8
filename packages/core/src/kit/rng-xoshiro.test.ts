import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSeed, Xoshiro128ss } from './rng.js';

/**
 * Golden values of action-ties' DARE mask generator (xoshiro128**) and its seed derivation, recorded from the implementation
 * before it moved into `@lamdagent/core/kit`: the first outputs of a few seeds and the sha256 of the
 * first 100,000 (as float64 bytes). A change here changes trained models, SFT shuffles or DARE masks.
 */
const U32 = 4294967296;
const streamDigest = (draw: () => number): string =>
  createHash('sha256')
    .update(Buffer.from(Float64Array.from({ length: 100_000 }, draw).buffer))
    .digest('hex');

const GOLDEN: [number, { first: number[]; longNext: string }][] = [
  [
    0,
    {
      first: [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335, 104831812, 1587294886],
      longNext: '08d102fe61e405511db3a4f693b86b8373370be0acd6562443d21465e50d7334',
    },
  ],
  [
    1,
    {
      first: [2442144158, 3238099751, 3819917871, 2104621829, 2021136066, 4223536128, 1515984730, 2298887649],
      longNext: '1920c4a1a0bbf0c3a93974bef2000080aee0f4b99167b47986e11f0bbd82eef6',
    },
  ],
  [
    42,
    {
      first: [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290, 65323186, 1112262688],
      longNext: 'bf5c8cac32d8c6ec24c4a225d3be05532a001c45f5f181ddcc6a101bf1827956',
    },
  ],
  [
    3735928559,
    {
      first: [2306529437, 2576298207, 1250671110, 2699168992, 2319502352, 3183738783, 713926983, 3696815687],
      longNext: '1ace050eebee729a691296e75bb0f84592c1558d6fb9c3ca74799fb0c6654299',
    },
  ],
  [
    4294967303,
    {
      first: [1004282400, 2200021487, 1928067689, 730003988, 827773120, 2165058266, 4029069961, 3614061875],
      longNext: 'c070a2edfef5b3ecf33be7e998ddc78bcbbd5f61edd7890d7d4faf58129630d4',
    },
  ],
];

describe('Xoshiro128ss (DARE drop masks)', () => {
  it.each(GOLDEN)('seed %s gives the recorded stream', (seed, g) => {
    const a = new Xoshiro128ss(seed);
    expect(Array.from({ length: g.first.length }, () => a.next() * U32)).toEqual(g.first);
    const d = new Xoshiro128ss(seed);
    expect(streamDigest(() => d.next())).toBe(g.longNext);
  });

  it('deriveSeed gives the recorded seeds', () => {
    expect(deriveSeed(0, 'model.layers.0.mlp.down_proj.weight')).toBe(3397216757);
    expect(deriveSeed(42, 3)).toBe(470581588);
    expect(deriveSeed(7, 'a', 'b')).toBe(3456954939);
    expect(deriveSeed(0xffffffff)).toBe(2128831034);
    expect(deriveSeed(123, 'ünï', 0)).toBe(1965975789);
  });
});
