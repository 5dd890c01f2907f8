/**
 * Scalar conversions between float32 and the 16- and 8-bit float formats, by bit manipulation.
 * Encoders take a float32 value (a JS number is first rounded to float32 with Math.fround) and round to
 * nearest, ties to even; overflow gives infinity; NaN stays NaN (quiet, sign kept).
 */

const scratch = new DataView(new ArrayBuffer(4));

/** The IEEE-754 bits of `value` rounded to float32. */
export function float32Bits(value: number): number {
  scratch.setFloat32(0, value);
  return scratch.getUint32(0);
}

/** The float32 whose IEEE-754 bits are `bits`. */
export function float32FromBits(bits: number): number {
  scratch.setUint32(0, bits >>> 0);
  return scratch.getFloat32(0);
}

/** float32 -> IEEE half (F16) bits, round to nearest even. */
export function float32ToF16Bits(value: number): number {
  return f32BitsToF16Bits(float32Bits(value));
}

/** The same, from float32 bits (the array encoder's inner loop). */
export function f32BitsToF16Bits(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) {
    if (mant === 0) return sign | 0x7c00;
    return sign | 0x7e00 | (mant >>> 13); // quiet NaN, top payload bits kept
  }
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00; // too large: infinity
  if (e <= 0) {
    // an F16 subnormal (or zero): value = m * 2^-24, m = full significand >> (14 - e)
    if (e < -10) return sign; // below half the smallest subnormal: zero
    const full = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rem = full & ((1 << shift) - 1);
    let r = full >>> shift;
    if (rem > half || (rem === half && (r & 1) === 1)) r += 1; // may carry into the smallest normal: right
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1) === 1)) r += 1; // a carry into the exponent is right, up to infinity
  return sign | r;
}

/** IEEE half (F16) bits -> float32 value (exact). */
export function f16BitsToFloat32(h: number): number {
  const sign = (h & 0x8000) !== 0 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** float32 -> bfloat16 (BF16) bits, round to nearest even. */
export function float32ToBf16Bits(value: number): number {
  return f32BitsToBf16Bits(float32Bits(value));
}

/** The same, from float32 bits. */
export function f32BitsToBf16Bits(b: number): number {
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) {
    return ((b >>> 16) | 0x0040) & 0xffff; // quiet NaN, sign and top payload bits kept
  }
  const lsb = (b >>> 16) & 1;
  return Math.floor(((b >>> 0) + 0x7fff + lsb) / 65536) & 0xffff;
}

/** bfloat16 (BF16) bits -> float32 value (exact). */
export function bf16BitsToFloat32(h: number): number {
  return float32FromBits((h & 0xffff) << 16);
}

/** F8_E4M3 (the "fn" variant: no infinities, S.1111.111 is NaN) bits -> float32 value. */
export function f8e4m3BitsToFloat32(v: number): number {
  const sign = (v & 0x80) !== 0 ? -1 : 1;
  const exp = (v >>> 3) & 0xf;
  const mant = v & 0x7;
  if (exp === 0xf && mant === 0x7) return NaN;
  if (exp === 0) return sign * mant * 2 ** -9;
  return sign * (8 + mant) * 2 ** (exp - 10);
}

/** F8_E5M2 bits -> float32 value (IEEE-like: infinities and NaN). */
export function f8e5m2BitsToFloat32(v: number): number {
  return f16BitsToFloat32((v & 0xff) << 8);
}

/** F8_E8M0 (scale format: 2^(e-127), 0xff is NaN) bits -> float32 value. */
export function f8e8m0BitsToFloat32(v: number): number {
  const e = v & 0xff;
  return e === 0xff ? NaN : Math.fround(2 ** (e - 127));
}
