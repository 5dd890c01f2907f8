import { float32ToF16Bits, f16BitsToFloat32 } from '@lamdagent/safetensors';

/**
 * The precision a merge computes in, as mergekit does: tensors are loaded in the config's `dtype`
 * (else their stored dtype) and every torch operation rounds its result to that dtype. Values live in
 * Float32Arrays (each store rounds to float32); for BF16 and F16 every step is then rounded again.
 * torch computes a bf16/f16 operation in float32 and rounds the result once, which is what
 * `op` + `round` does here (a float64 operation on float32 operands rounded to float32 is the
 * correctly rounded float32 operation: double rounding is innocuous when 53 >= 2*24 + 2).
 */
export type WorkDtype = 'F32' | 'BF16' | 'F16';

export interface Precision {
  readonly dtype: WorkDtype;
  /** Rounds every entry of `a` to the working dtype, in place; returns `a`. */
  round(a: Float32Array): Float32Array;
  /** One value rounded to the working dtype. */
  scalar(x: number): number;
}

const one32 = new Float32Array(1);
const one32Bits = new Uint32Array(one32.buffer);

function roundBf16InPlace(a: Float32Array): Float32Array {
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  for (let i = 0; i < bits.length; i++) {
    const u = bits[i] as number;
    if ((u & 0x7f800000) === 0x7f800000) {
      // infinity stays; NaN becomes a quiet NaN with its top payload bits
      if ((u & 0x7fffff) !== 0) bits[i] = (u | 0x400000) & 0xffff0000;
      continue;
    }
    bits[i] = (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
  }
  return a;
}

function bf16Scalar(x: number): number {
  one32[0] = x;
  roundBf16InPlace(one32);
  return one32[0] as number;
}

function f16Scalar(x: number): number {
  return f16BitsToFloat32(float32ToF16Bits(x));
}

const F32: Precision = { dtype: 'F32', round: (a) => a, scalar: Math.fround };
const BF16: Precision = { dtype: 'BF16', round: roundBf16InPlace, scalar: bf16Scalar };
const F16: Precision = {
  dtype: 'F16',
  round(a) {
    for (let i = 0; i < a.length; i++) a[i] = f16Scalar(a[i] as number);
    return a;
  },
  scalar: f16Scalar,
};

/** The precision of a working dtype (F64 inputs are computed in float32). */
export function precisionOf(dtype: string): Precision {
  if (dtype === 'BF16') return BF16;
  if (dtype === 'F16') return F16;
  return F32;
}

/** Bits of a float32, for tests. */
export function f32Bits(x: number): number {
  one32[0] = x;
  return one32Bits[0] as number;
}
