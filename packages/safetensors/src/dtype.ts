import { SafetensorsError } from './errors.js';

/**
 * Every dtype of the safetensors specification, in the order of the reference implementation's `Dtype`
 * enum (which grows with element size; the reference writer sorts tensors by it, descending).
 */
export const DTYPES = [
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
] as const;

export type Dtype = (typeof DTYPES)[number];

const BITS: Readonly<Record<Dtype, number>> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

const DTYPE_SET: ReadonlySet<string> = new Set<string>(DTYPES);

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && DTYPE_SET.has(value);
}

/** Bits per element (4 and 6 for the sub-byte float formats). */
export function dtypeBits(dtype: Dtype): number {
  return BITS[dtype];
}

/** Position in the reference `Dtype` enum (used for the reference writer's tensor order). */
export function dtypeRank(dtype: Dtype): number {
  return DTYPES.indexOf(dtype);
}

/** Number of elements of a shape: 1 for a 0-d tensor, 0 if any dimension is 0. */
export function elementCount(shape: readonly number[]): bigint {
  let n = 1n;
  for (const d of shape) n *= BigInt(d);
  return n;
}

export interface SizeError {
  code: 'MISALIGNED_SIZE' | 'SIZE_MISMATCH';
  rule: string;
}

/**
 * Byte length of a tensor of this dtype and shape, or an error when the bit length is not a whole number
 * of bytes (sub-byte dtypes) or does not fit a safe integer.
 */
export function tensorByteLength(dtype: Dtype, shape: readonly number[]): number | SizeError {
  const bits = elementCount(shape) * BigInt(BITS[dtype]);
  if (bits % 8n !== 0n) {
    return {
      code: 'MISALIGNED_SIZE',
      rule: `${dtype} tensor of shape [${shape.join(', ')}] has ${bits} bits, not a whole number of bytes`,
    };
  }
  const bytes = bits / 8n;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { code: 'SIZE_MISMATCH', rule: `shape [${shape.join(', ')}] overflows the largest safe byte size` };
  }
  return Number(bytes);
}

/** Same as tensorByteLength, throwing a SafetensorsError. */
export function requireByteLength(dtype: Dtype, shape: readonly number[], tensor?: string, path?: string): number {
  const size = tensorByteLength(dtype, shape);
  if (typeof size !== 'number') throw new SafetensorsError(size.code, size.rule, { tensor, path });
  return size;
}

/** Checks a shape: an array of non-negative safe integers. Returns the rule broken, or undefined. */
export function shapeProblem(shape: unknown): string | undefined {
  if (!Array.isArray(shape)) return 'shape must be an array of non-negative integers';
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      return `shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`;
    }
  }
  return undefined;
}
