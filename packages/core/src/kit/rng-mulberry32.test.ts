import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Mulberry32 } from './rng.js';

/**
 * Golden values of tinylm's training generator (mulberry32), recorded from the implementation
 * before it moved into `@lamdagent/core/kit`: the first outputs of a few seeds and the sha256 of the
 * first 100,000 (as float64 bytes). A change here changes trained models, SFT shuffles or DARE masks.
 */
const U32 = 4294967296;
const streamDigest = (draw: () => number): string =>
  createHash('sha256')
    .update(Buffer.from(Float64Array.from({ length: 100_000 }, draw).buffer))
    .digest('hex');

const GOLDEN: [number, { first: number[]; normals: number[]; ints: number[]; shuffled: number[]; longNext: string; longNormal: string }][] = [
  [
    0,
    {
      first: [2673918951, 1525398398, 1851933717, 1087923286, 744930619, 2388801345, 3283966901, 4255083168],
      normals: [-0.5974655929268251, 0.7686562370893535, -0.026907788009150512, 1.2968049821136234, -1.7564116665175733],
      ints: [6, 3, 4, 2, 1, 5, 7, 9],
      shuffled: [5, 0, 4, 7, 2, 9, 1, 8, 3, 6],
      longNext: '834a915bdd659f7d5634844aeb9f7264bcd758a2c33f419e5bd031af5aa332d2',
      longNormal: '0ba2c2d96e90bd8fa09a782b8e89bd54644aefc7b8bbe7a941a9edd1bf7488e5',
    },
  ],
  [
    1,
    {
      first: [2243319414, 3892457524, 3774914640, 1708185691, 4150724432, 802420870, 1876607885, 2762743136],
      normals: [0.9477800771963674, -0.6329988205237268, -0.4067110050568894, 0.30449712520758304, 0.10104619771874819],
      ints: [5, 9, 8, 3, 9, 1, 4, 6],
      shuffled: [6, 4, 3, 1, 0, 9, 2, 7, 8, 5],
      longNext: '1c0e8696db521529254ecdf5f3491ca756c109b302264b919e49ad78b4d21b68',
      longNormal: '3205cddd5d2813262b40eaa336e4499fd828215703b73eedf9ae7f9f09545c28',
    },
  ],
  [
    42,
    {
      first: [1055361356, 2471454178, 1528541377, 2819395841, 3402166566, 1981767907, 1894031568, 3572063534],
      normals: [-1.4907720891230776, -0.7646698690282123, -0.7971634119489373, -1.1961565583016769, -0.6627247753461565],
      ints: [2, 5, 3, 6, 7, 4, 4, 8],
      shuffled: [3, 0, 8, 1, 7, 6, 4, 9, 5, 2],
      longNext: '0d01d5191668cb8d413d27e2427a14dfd2959226f186af5ef5f0c7631449a74d',
      longNormal: 'f8a8a96021eabf224629d0050151571d6cf6f9ea89033099c04f2c7e6fa08676',
    },
  ],
  [
    20240,
    {
      first: [78518859, 3715117889, 1105946914, 542386053, 2263401104, 3333095315, 1567699158, 677980948],
      normals: [1.8708178617194215, -2.1222067034653715, 1.1553571121090431, 1.1741524679230149, 0.18441352140120582],
      ints: [0, 8, 2, 1, 5, 7, 3, 1],
      shuffled: [4, 8, 6, 1, 5, 3, 9, 2, 7, 0],
      longNext: '28f06fc68518fb6c8bc98f639a1c194f6cea3009a2f6b1b6abb11ac5e18621da',
      longNormal: '7427e5384324616163ade39f83b67903118765664ef55e1b226d7b609849fba3',
    },
  ],
  [
    3.7,
    {
      first: [711699459, 1679400207, 1692264768, 2520730185, 1490823452, 3351641948, 471687909, 1836494360],
      normals: [-1.4686324512114268, 1.1992521564918253, -1.1663719509992707, -0.7087516429913294, 0.27586463044375037],
      ints: [1, 3, 3, 5, 3, 7, 1, 4],
      shuffled: [5, 6, 9, 0, 7, 2, 4, 8, 3, 1],
      longNext: 'deea2544e7de8fadc2f7b732579a368295e3449a55b304b99bf8fca4b4a76bfe',
      longNormal: '08268aa368d140e21b705375e75291452ae33ff308809d26c852f307e8bedeeb',
    },
  ],
  [
    -5,
    {
      first: [1688880490, 3949052133, 644008140, 2798377425, 2005515185, 2422035287, 1064844477, 2862916066],
      normals: [1.1950528359882597, -0.6622724863569642, -1.1296636033305798, -1.5870840720220434, -1.1359195227021581],
      ints: [3, 9, 1, 6, 4, 5, 2, 6],
      shuffled: [9, 6, 7, 0, 5, 2, 4, 1, 8, 3],
      longNext: 'f90974138631a88d87137cfac3f524ce1cccd4333e126ce1531725efc694b4c4',
      longNormal: '2185e52a1e0ec3ca915e5b1333ee927470efc9368ad4ee8a7d08839a90872b0b',
    },
  ],
];

describe('Mulberry32 (tinylm training stream)', () => {
  it.each(GOLDEN)('seed %s gives the recorded stream', (seed, g) => {
    const a = new Mulberry32(seed);
    expect(Array.from({ length: g.first.length }, () => a.next() * U32)).toEqual(g.first);
    const b = new Mulberry32(seed);
    expect(Array.from({ length: g.normals.length }, () => b.normal())).toEqual(g.normals);
    const c = new Mulberry32(seed);
    expect(Array.from({ length: g.ints.length }, () => c.int(10))).toEqual(g.ints);
    expect(new Mulberry32(seed).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual(g.shuffled);
    const d = new Mulberry32(seed);
    expect(streamDigest(() => d.next())).toBe(g.longNext);
    const e = new Mulberry32(seed);
    expect(streamDigest(() => e.normal())).toBe(g.longNormal);
  });
});
