import { describe, expect, it } from 'vitest';
import { decodeToFloat32, encodeFromFloat32 } from './convert.js';
import {
  bf16BitsToFloat32,
  f16BitsToFloat32,
  f8e4m3BitsToFloat32,
  f8e5m2BitsToFloat32,
  f8e8m0BitsToFloat32,
  float32Bits,
  float32FromBits,
  float32ToBf16Bits,
  float32ToF16Bits,
} from './float.js';

/** A deterministic pseudo-random 32-bit generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Independent oracle for float32 -> F16: search the sorted list of all finite non-negative F16 values for
 * the nearest, breaking ties to the even code; at or beyond 65520 (max + half an ulp) round to infinity.
 */
const positiveF16: number[] = [];
for (let h = 0; h < 0x7c00; h++) positiveF16.push(f16BitsToFloat32(h));
function oracleF16(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = positiveF16.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((positiveF16[mid] as number) <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - (positiveF16[lo] as number);
  const dHi = (positiveF16[hi] as number) - a;
  const pick = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  return sign | pick;
}

/** Independent oracle for float32 -> BF16 from the two neighbouring BF16 values, by distance. */
function oracleBf16(x: number): number {
  const b = float32Bits(x);
  const sign = b & 0x80000000 ? 0x8000 : 0;
  const mag = b & 0x7fffffff;
  const lowCode = mag >>> 16;
  const low = bf16BitsToFloat32(lowCode);
  const high = lowCode + 1 === 0x7f80 ? 2 ** 128 : bf16BitsToFloat32(lowCode + 1); // 2^128: where infinity "sits"
  const a = Math.abs(x);
  const dLo = a - low;
  const dHi = high - a;
  const pick = dLo < dHi ? lowCode : dHi < dLo ? lowCode + 1 : lowCode % 2 === 0 ? lowCode : lowCode + 1;
  return sign | pick;
}

describe('F16', () => {
  it('decodes known bit patterns exactly', () => {
    expect(f16BitsToFloat32(0x3c00)).toBe(1);
    expect(f16BitsToFloat32(0xc000)).toBe(-2);
    expect(f16BitsToFloat32(0x7bff)).toBe(65504);
    expect(f16BitsToFloat32(0x0400)).toBe(2 ** -14); // smallest normal
    expect(f16BitsToFloat32(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(f16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24); // largest subnormal
    expect(f16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(f16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(Object.is(f16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(f16BitsToFloat32(0x7e00)).toBeNaN();
    expect(f16BitsToFloat32(0x7c01)).toBeNaN();
  });

  it('encodes exact values and the special cases', () => {
    expect(float32ToF16Bits(1)).toBe(0x3c00);
    expect(float32ToF16Bits(-2)).toBe(0xc000);
    expect(float32ToF16Bits(65504)).toBe(0x7bff);
    expect(float32ToF16Bits(0)).toBe(0x0000);
    expect(float32ToF16Bits(-0)).toBe(0x8000);
    expect(float32ToF16Bits(Infinity)).toBe(0x7c00);
    expect(float32ToF16Bits(-Infinity)).toBe(0xfc00);
    const nan = float32ToF16Bits(NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x03ff).not.toBe(0);
    // a NaN whose payload sits only in the low float32 bits must stay NaN, not become infinity
    const lowPayloadNaN = float32ToF16Bits(float32FromBits(0xff800001));
    expect(lowPayloadNaN & 0x7c00).toBe(0x7c00);
    expect(lowPayloadNaN & 0x03ff).not.toBe(0);
    expect(lowPayloadNaN & 0x8000).toBe(0x8000);
  });

  it('rounds to nearest, ties to even', () => {
    // between 1 (0x3c00) and 1 + 2^-10 (0x3c01): the midpoint goes to the even 0x3c00
    expect(float32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00);
    // between 0x3c01 and 0x3c02: the midpoint goes to the even 0x3c02
    expect(float32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    // just above / below a midpoint
    expect(float32ToF16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(float32ToF16Bits(1 + 3 * 2 ** -11 - 2 ** -20)).toBe(0x3c01);
    // rounding up carries into the exponent: largest mantissa below 2 rounds up to 2
    expect(float32ToF16Bits(2 - 2 ** -12)).toBe(0x4000);
  });

  it('overflows to infinity from max + half an ulp, and keeps max below it', () => {
    expect(float32ToF16Bits(65519)).toBe(0x7bff);
    expect(float32ToF16Bits(65520)).toBe(0x7c00); // tie between 65504 (odd code) and 65536 -> even = infinity
    expect(float32ToF16Bits(1e6)).toBe(0x7c00);
    expect(float32ToF16Bits(-1e30)).toBe(0xfc00);
  });

  it('produces subnormals, rounding ties to even, and underflows to signed zero', () => {
    expect(float32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToF16Bits(3 * 2 ** -25)).toBe(0x0002); // 1.5 x min subnormal: tie -> even 2
    expect(float32ToF16Bits(5 * 2 ** -25)).toBe(0x0002); // 2.5 x: tie -> even 2
    expect(float32ToF16Bits(2 ** -25)).toBe(0x0000); // half the smallest subnormal: tie -> 0
    expect(float32ToF16Bits(2 ** -25 + 2 ** -40)).toBe(0x0001); // just above the tie
    expect(float32ToF16Bits(-(2 ** -26))).toBe(0x8000);
    expect(float32ToF16Bits(1e-30)).toBe(0x0000);
    expect(float32ToF16Bits(2 ** -14 - 2 ** -26)).toBe(0x0400); // largest subnormal region rounds up into the smallest normal
    expect(float32ToF16Bits(float32FromBits(0x00000001))).toBe(0x0000); // float32 subnormal input
  });

  it('round-trips every F16 bit pattern (NaNs stay NaN)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const f = f16BitsToFloat32(h);
      if (Number.isNaN(f)) expect(Number.isNaN(f16BitsToFloat32(float32ToF16Bits(f)))).toBe(true);
      else if (float32ToF16Bits(f) !== h) expect.fail(`0x${h.toString(16)} -> ${f} -> 0x${float32ToF16Bits(f).toString(16)}`);
    }
  });

  it('agrees with an independent nearest-value oracle on 200k random float32 values and all boundaries', () => {
    const next = rng(42);
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      // bias the exponent towards the F16 range so most samples are interesting
      const bits = (next() & 0x807fffff) | ((96 + (next() % 64)) << 23);
      values.push(float32FromBits(bits));
    }
    for (let h = 0; h < 0x7c00; h++) {
      const v = f16BitsToFloat32(h);
      const up = h + 1 === 0x7c00 ? 65536 : f16BitsToFloat32(h + 1);
      values.push(Math.fround((v + up) / 2), -Math.fround((v + up) / 2)); // midpoints (exact in float32)
    }
    for (const x of values) {
      const got = float32ToF16Bits(x);
      const want = oracleF16(x);
      if (got !== want) expect.fail(`${x}: got 0x${got.toString(16)}, oracle 0x${want.toString(16)}`);
    }
  });
});

describe('BF16', () => {
  it('decodes and encodes known values', () => {
    expect(bf16BitsToFloat32(0x3f80)).toBe(1);
    expect(bf16BitsToFloat32(0xc040)).toBe(-3);
    expect(bf16BitsToFloat32(0x7f80)).toBe(Infinity);
    expect(bf16BitsToFloat32(0x0001)).toBe(float32FromBits(0x00010000)); // subnormal
    expect(float32ToBf16Bits(1)).toBe(0x3f80);
    expect(float32ToBf16Bits(-3)).toBe(0xc040);
    expect(float32ToBf16Bits(-0)).toBe(0x8000);
    expect(float32ToBf16Bits(-Infinity)).toBe(0xff80);
  });

  it('rounds to nearest, ties to even, and overflows to infinity', () => {
    expect(float32ToBf16Bits(float32FromBits(0x3f808000))).toBe(0x3f80); // tie, even stays
    expect(float32ToBf16Bits(float32FromBits(0x3f818000))).toBe(0x3f82); // tie, odd rounds up
    expect(float32ToBf16Bits(float32FromBits(0x3f808001))).toBe(0x3f81); // above the tie
    expect(float32ToBf16Bits(float32FromBits(0x3f807fff))).toBe(0x3f80); // below the tie
    expect(float32ToBf16Bits(float32FromBits(0x7f7fffff))).toBe(0x7f80); // float32 max -> infinity
    expect(float32ToBf16Bits(float32FromBits(0x7f7f7fff))).toBe(0x7f7f); // stays at bf16 max
    expect(float32ToBf16Bits(float32FromBits(0x00008000))).toBe(0x0000); // subnormal tie -> even 0
    expect(float32ToBf16Bits(float32FromBits(0x00018000))).toBe(0x0002); // subnormal tie -> even 2
  });

  it('keeps NaN as NaN, sign included, even with a payload only in the low bits', () => {
    for (const bits of [0x7fc00000, 0x7f800001, 0xff800001, 0x7fffffff]) {
      const out = float32ToBf16Bits(float32FromBits(bits));
      expect(Number.isNaN(bf16BitsToFloat32(out))).toBe(true);
      expect(out & 0x8000).toBe((bits >>> 16) & 0x8000);
    }
  });

  it('round-trips every BF16 bit pattern and agrees with an oracle on random values', () => {
    for (let h = 0; h < 0x10000; h++) {
      const f = bf16BitsToFloat32(h);
      if (!Number.isNaN(f) && float32ToBf16Bits(f) !== h) expect.fail(`0x${h.toString(16)}`);
    }
    const next = rng(7);
    for (let i = 0; i < 200_000; i++) {
      const x = float32FromBits(next());
      if (Number.isNaN(x) || !Number.isFinite(x)) continue;
      const got = float32ToBf16Bits(x);
      const want = oracleBf16(x);
      if (got !== want) expect.fail(`${x}: got 0x${got.toString(16)}, oracle 0x${want.toString(16)}`);
    }
  });
});

describe('F8', () => {
  it('decodes E4M3 (fn variant: no infinity, 0x7f NaN) and E5M2 and E8M0', () => {
    expect(f8e4m3BitsToFloat32(0x38)).toBe(1); // exp 7, mant 0
    expect(f8e4m3BitsToFloat32(0x7e)).toBe(448); // max
    expect(f8e4m3BitsToFloat32(0x01)).toBe(2 ** -9); // smallest subnormal
    expect(f8e4m3BitsToFloat32(0x7f)).toBeNaN();
    expect(f8e4m3BitsToFloat32(0xb8)).toBe(-1);
    expect(f8e5m2BitsToFloat32(0x3c)).toBe(1);
    expect(f8e5m2BitsToFloat32(0x7b)).toBe(57344);
    expect(f8e5m2BitsToFloat32(0x7c)).toBe(Infinity);
    expect(f8e5m2BitsToFloat32(0x7d)).toBeNaN();
    expect(f8e8m0BitsToFloat32(127)).toBe(1);
    expect(f8e8m0BitsToFloat32(130)).toBe(8);
    expect(f8e8m0BitsToFloat32(0xff)).toBeNaN();
  });
});

describe('array conversions', () => {
  it('encodes and decodes whole arrays for every float dtype', () => {
    const values = Float32Array.from([0, -0, 1, -2.5, 65504, 1e-7, Infinity, -Infinity, NaN, 3.140625]);
    for (const dtype of ['F32', 'F64', 'F16', 'BF16'] as const) {
      const bytes = encodeFromFloat32(values, dtype);
      const size = { F32: 4, F64: 8, F16: 2, BF16: 2 }[dtype];
      expect(bytes.byteLength).toBe(values.length * size);
      const back = decodeToFloat32(bytes, dtype);
      for (let i = 0; i < values.length; i++) {
        const want =
          dtype === 'F16'
            ? f16BitsToFloat32(float32ToF16Bits(values[i] as number))
            : dtype === 'BF16'
              ? bf16BitsToFloat32(float32ToBf16Bits(values[i] as number))
              : (values[i] as number);
        expect(Object.is(back[i], Math.fround(want)) || (Number.isNaN(back[i]) && Number.isNaN(want)), `${dtype}[${i}]`).toBe(true);
      }
    }
  });

  it('writes little-endian bytes', () => {
    expect([...encodeFromFloat32([1], 'F16')]).toEqual([0x00, 0x3c]);
    expect([...encodeFromFloat32([1], 'BF16')]).toEqual([0x80, 0x3f]);
    expect([...encodeFromFloat32([1], 'F32')]).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect([...encodeFromFloat32([1], 'F64')]).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it('decodes unaligned input by copying', () => {
    const buf = new Uint8Array(9);
    buf.set([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40], 1);
    expect([...decodeToFloat32(buf.subarray(1), 'F32')]).toEqual([1, 2]);
  });
});
