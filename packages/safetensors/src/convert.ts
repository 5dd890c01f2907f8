import type { Dtype } from './dtype.js';
import { SafetensorsError } from './errors.js';
import { f16BitsToFloat32, f32BitsToF16Bits, f8e4m3BitsToFloat32, f8e5m2BitsToFloat32, f8e8m0BitsToFloat32 } from './float.js';

/** The typed arrays tensors are read into. */
export type TensorTypedArray =
  Float64Array | Float32Array | BigInt64Array | BigUint64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** True on little-endian hosts (all the platforms Node ships for in practice). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface TypedArrayCtor<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
}

/** Reverses every `size`-byte group of `bytes` in place. */
function swapInPlace(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a] as number;
      bytes[a] = bytes[b] as number;
      bytes[b] = t;
    }
  }
}

/**
 * Little-endian bytes seen as a typed array of `size`-byte elements: a zero-copy view when the host is
 * little-endian and the bytes are aligned, otherwise a copy (byte-swapped on big-endian hosts).
 */
function view<T>(bytes: Uint8Array, Ctor: TypedArrayCtor<T>, size: number): T {
  const n = Math.floor(bytes.byteLength / size);
  if (HOST_LITTLE_ENDIAN && bytes.byteOffset % size === 0) return new Ctor(bytes.buffer, bytes.byteOffset, n);
  const copy = bytes.slice(0, n * size);
  if (!HOST_LITTLE_ENDIAN) swapInPlace(copy, size);
  return new Ctor(copy.buffer, 0, n);
}

/**
 * A tensor's little-endian bytes as the natural typed array of its dtype: F64 Float64Array, F32 and C64
 * (interleaved real, imaginary) Float32Array, F16 and BF16 Uint16Array (raw bits), I64 BigInt64Array,
 * U64 BigUint64Array, I32/U32/I16/U16/I8 their arrays, and U8, BOOL, F8_*, F6_*, F4 Uint8Array (raw bytes).
 * Zero-copy where possible: the result may share memory with `bytes`.
 */
export function toTypedArray(bytes: Uint8Array, dtype: Dtype): TensorTypedArray {
  switch (dtype) {
    case 'F64':
      return view(bytes, Float64Array, 8);
    case 'F32':
    case 'C64':
      return view(bytes, Float32Array, 4);
    case 'F16':
    case 'BF16':
    case 'U16':
      return view(bytes, Uint16Array, 2);
    case 'I64':
      return view(bytes, BigInt64Array, 8);
    case 'U64':
      return view(bytes, BigUint64Array, 8);
    case 'I32':
      return view(bytes, Int32Array, 4);
    case 'U32':
      return view(bytes, Uint32Array, 4);
    case 'I16':
      return view(bytes, Int16Array, 2);
    case 'I8':
      return view(bytes, Int8Array, 1);
    default:
      return bytes;
  }
}

let f16Table: Float32Array | undefined;

function byteTable(decode: (v: number) => number): Float32Array {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = decode(i);
  return t;
}

function mapThrough(codes: ArrayLike<number>, table: Float32Array): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i] as number] as number;
  return out;
}

/**
 * Decodes a tensor's little-endian bytes to float32 values. Exact for F16, BF16, F8_* and the integer
 * types up to 24 bits; F64, 32- and 64-bit integers are rounded to the nearest float32. BOOL gives 0 or 1.
 * F32 may be returned as a view sharing memory with `bytes`. C64, F6_* and F4 are not convertible
 * (DTYPE_MISMATCH); read their raw bytes instead.
 */
export function decodeToFloat32(bytes: Uint8Array, dtype: Dtype, tensor?: string): Float32Array {
  switch (dtype) {
    case 'F32':
      return view(bytes, Float32Array, 4);
    case 'F64':
      return Float32Array.from(view(bytes, Float64Array, 8));
    case 'F16': {
      if (f16Table === undefined) {
        f16Table = new Float32Array(65536);
        for (let i = 0; i < 65536; i++) f16Table[i] = f16BitsToFloat32(i);
      }
      return mapThrough(view(bytes, Uint16Array, 2), f16Table);
    }
    case 'BF16': {
      const src = view(bytes, Uint16Array, 2);
      const out = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = (src[i] as number) << 16;
      return new Float32Array(out.buffer);
    }
    case 'F8_E4M3':
      return mapThrough(bytes, byteTable(f8e4m3BitsToFloat32));
    case 'F8_E5M2':
      return mapThrough(bytes, byteTable(f8e5m2BitsToFloat32));
    case 'F8_E8M0':
      return mapThrough(bytes, byteTable(f8e8m0BitsToFloat32));
    case 'BOOL':
      return Float32Array.from(bytes, (v) => (v === 0 ? 0 : 1));
    case 'U8':
    case 'I8':
    case 'I16':
    case 'U16':
    case 'I32':
    case 'U32': {
      const typed = toTypedArray(bytes, dtype) as Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
      return Float32Array.from(typed);
    }
    case 'I64':
    case 'U64': {
      const typed = toTypedArray(bytes, dtype) as BigInt64Array | BigUint64Array;
      const out = new Float32Array(typed.length);
      for (let i = 0; i < typed.length; i++) out[i] = Number(typed[i]);
      return out;
    }
    default:
      throw new SafetensorsError('DTYPE_MISMATCH', `cannot convert ${dtype} to float32; read the raw bytes`, { tensor });
  }
}

/**
 * Encodes float32 values as little-endian bytes of a float dtype: F32 (exact), F64 (exact), F16 and BF16
 * (round to nearest, ties to even; overflow to infinity; NaN kept). Other dtypes: DTYPE_MISMATCH.
 */
export function encodeFromFloat32(values: Float32Array | readonly number[], dtype: Dtype, tensor?: string): Uint8Array {
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  switch (dtype) {
    case 'F32':
      return littleEndianBytes(f32);
    case 'F64':
      return littleEndianBytes(Float64Array.from(f32));
    case 'F16':
    case 'BF16': {
      const bits = f32.byteOffset % 4 === 0 ? new Uint32Array(f32.buffer, f32.byteOffset, f32.length) : new Uint32Array(f32.slice().buffer);
      const out = new Uint16Array(f32.length);
      if (dtype === 'F16') {
        for (let i = 0; i < bits.length; i++) out[i] = f32BitsToF16Bits(bits[i] as number);
      } else {
        // inline round-to-nearest-even (f32BitsToBf16Bits, without a call and a division per element)
        for (let i = 0; i < bits.length; i++) {
          const u = bits[i] as number;
          out[i] = (u & 0x7fffffff) > 0x7f800000 ? ((u >>> 16) | 0x40) & 0xffff : (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
        }
      }
      return littleEndianBytes(out);
    }
    default:
      throw new SafetensorsError('DTYPE_MISMATCH', `cannot encode float32 values as ${dtype}`, { tensor });
  }
}

/**
 * The bytes of a typed array in little-endian order, as the format stores them: a zero-copy view on
 * little-endian hosts, a byte-swapped copy on big-endian ones.
 */
export function littleEndianBytes(array: ArrayBufferView): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const size = 'BYTES_PER_ELEMENT' in array ? Number(array.BYTES_PER_ELEMENT) : 1;
  if (HOST_LITTLE_ENDIAN || size === 1) return bytes;
  const copy = bytes.slice();
  swapInPlace(copy, size);
  return copy;
}
