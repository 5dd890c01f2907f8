import { isDtype, shapeProblem, tensorByteLength, type Dtype } from './dtype.js';
import { SafetensorsError } from './errors.js';
import { findDuplicateKey } from './json-keys.js';

/** Largest header accepted or written, in bytes (as the reference implementation). */
export const MAX_HEADER_SIZE = 100_000_000;
/** Bytes of the little-endian u64 header length that starts every file. */
export const HEADER_LENGTH_BYTES = 8;
/** The reserved header key of the free-form string map. */
export const METADATA_KEY = '__metadata__';

/** What a reader tells about one tensor. */
export interface TensorInfo {
  dtype: Dtype;
  shape: number[];
  byteLength: number;
}

/** A tensor of a parsed header: its info and its [begin, end) offsets in the byte buffer. */
export interface TensorEntry extends TensorInfo {
  name: string;
  begin: number;
  end: number;
}

/** A validated header. `tensors` are in byte-buffer order. */
export interface ParsedHeader {
  /** N, the header's length in bytes (the byte buffer starts at 8 + N). */
  headerLength: number;
  metadata: Record<string, string> | undefined;
  tensors: TensorEntry[];
  /** Length of the byte buffer: the end offset of the last tensor (0 without tensors). */
  dataLength: number;
}

/**
 * Checks the framing of a file of `fileSize` bytes whose first 8 bytes are `prefix`, and returns N, the
 * header length. Errors: FILE_TOO_SHORT, HEADER_TOO_LARGE, HEADER_TRUNCATED.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number): number {
  if (fileSize < HEADER_LENGTH_BYTES || prefix.byteLength < HEADER_LENGTH_BYTES) {
    throw new SafetensorsError('FILE_TOO_SHORT', `file has ${fileSize} bytes, fewer than the 8-byte header length`);
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, HEADER_LENGTH_BYTES).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) {
    throw new SafetensorsError('HEADER_TOO_LARGE', `header length ${n} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  }
  const length = Number(n);
  if (HEADER_LENGTH_BYTES + length > fileSize) {
    throw new SafetensorsError('HEADER_TRUNCATED', `header length ${length} needs ${HEADER_LENGTH_BYTES + length} bytes but the file has ${fileSize}`);
  }
  return length;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and validates the N header bytes (everything but the file length, see checkDataLength). */
export function parseHeaderBytes(bytes: Uint8Array): ParsedHeader {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    throw new SafetensorsError('INVALID_UTF8', 'header is not valid UTF-8', { cause });
  }
  if (!text.startsWith('{')) {
    throw new SafetensorsError('INVALID_HEADER_START', `header must start with "{", starts with ${JSON.stringify(text.slice(0, 8))}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError('INVALID_JSON', `header is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (!isPlainObject(json)) throw new SafetensorsError('HEADER_NOT_OBJECT', 'header JSON must be an object');
  rejectDuplicates(text);

  const metadata = parseMetadata(json[METADATA_KEY]);
  const tensors: TensorEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name !== METADATA_KEY) tensors.push(parseTensorEntry(name, value));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const t of tensors) {
    if (t.begin > expected) {
      throw new SafetensorsError('OFFSET_GAP', `data starts at ${t.begin} but the previous tensor ends at ${expected}: the byte buffer must have no gaps`, {
        tensor: t.name,
      });
    }
    if (t.begin < expected) {
      throw new SafetensorsError('OFFSET_OVERLAP', `data starts at ${t.begin}, inside the previous tensor which ends at ${expected}`, { tensor: t.name });
    }
    expected = t.end;
  }
  return { headerLength: bytes.byteLength, metadata, tensors, dataLength: expected };
}

function rejectDuplicates(text: string): void {
  const dup = findDuplicateKey(text);
  if (dup === undefined) return;
  const [first] = dup.path;
  if (first === undefined) {
    if (dup.key === METADATA_KEY) throw new SafetensorsError('INVALID_METADATA', `"${METADATA_KEY}" appears twice`);
    throw new SafetensorsError('DUPLICATE_TENSOR', 'tensor name appears twice in the header', { tensor: dup.key });
  }
  if (first === METADATA_KEY) {
    throw new SafetensorsError('INVALID_METADATA', `metadata key ${JSON.stringify(dup.key)} appears twice`);
  }
  throw new SafetensorsError('INVALID_TENSOR_INFO', `field ${JSON.stringify(dup.key)} appears twice`, { tensor: first });
}

function parseMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    throw new SafetensorsError('INVALID_METADATA', `"${METADATA_KEY}" must be an object of string values`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError('INVALID_METADATA', `metadata value of ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)}`);
    }
  }
  return Object.fromEntries(Object.entries(value)) as Record<string, string>;
}

function parseTensorEntry(name: string, value: unknown): TensorEntry {
  const fail = (code: 'INVALID_TENSOR_INFO' | 'UNKNOWN_DTYPE' | 'INVALID_SHAPE' | 'INVALID_OFFSETS', rule: string): never => {
    throw new SafetensorsError(code, rule, { tensor: name });
  };
  if (!isPlainObject(value)) return fail('INVALID_TENSOR_INFO', 'entry must be an object with dtype, shape and data_offsets');
  const { dtype, shape, data_offsets: offsets } = value;
  if (dtype === undefined || shape === undefined || offsets === undefined) {
    return fail('INVALID_TENSOR_INFO', 'entry must have dtype, shape and data_offsets');
  }
  if (!isDtype(dtype)) return fail('UNKNOWN_DTYPE', `unknown dtype ${JSON.stringify(dtype)}`);
  const shapeRule = shapeProblem(shape);
  if (shapeRule !== undefined) return fail('INVALID_SHAPE', shapeRule);
  const dims = [...(shape as number[])];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o: unknown) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
    return fail('INVALID_OFFSETS', `data_offsets must be two non-negative integers [begin, end], got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) return fail('INVALID_OFFSETS', `data_offsets [${begin}, ${end}] has begin > end`);
  const size = tensorByteLength(dtype, dims);
  if (typeof size !== 'number') throw new SafetensorsError(size.code, size.rule, { tensor: name });
  if (end - begin !== size) {
    throw new SafetensorsError('SIZE_MISMATCH', `data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} x [${dims.join(', ')}] needs ${size}`, {
      tensor: name,
    });
  }
  return { name, dtype, shape: dims, byteLength: size, begin, end };
}

/** Checks that the byte buffer (file size - 8 - N bytes) ends exactly at the last tensor's end. */
export function checkDataLength(header: ParsedHeader, fileSize: number): void {
  const available = fileSize - HEADER_LENGTH_BYTES - header.headerLength;
  if (available > header.dataLength) {
    throw new SafetensorsError(
      'TRAILING_BYTES',
      `byte buffer has ${available} bytes but the tensors end at ${header.dataLength}: ${available - header.dataLength} trailing bytes`,
    );
  }
  if (available < header.dataLength) {
    const last = header.tensors[header.tensors.length - 1];
    throw new SafetensorsError('DATA_TRUNCATED', `tensors end at byte ${header.dataLength} of the buffer but the file holds only ${available} buffer bytes`, {
      tensor: last?.name,
    });
  }
}

/** Parses a whole file held in memory: framing, header and data length. */
export function parseHeaderFromFileBytes(file: Uint8Array): ParsedHeader {
  const n = readHeaderLength(file.subarray(0, HEADER_LENGTH_BYTES), file.byteLength);
  const header = parseHeaderBytes(file.subarray(HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + n));
  checkDataLength(header, file.byteLength);
  return header;
}
