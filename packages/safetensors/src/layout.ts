import { dtypeRank, isDtype, requireByteLength, shapeProblem, type Dtype } from './dtype.js';
import { SafetensorsError } from './errors.js';
import { HEADER_LENGTH_BYTES, MAX_HEADER_SIZE, METADATA_KEY } from './header.js';

/** A tensor to be written: name, dtype and shape (the data comes separately). */
export interface TensorSpec {
  name: string;
  dtype: Dtype;
  shape: readonly number[];
}

/**
 * Tensor order in the byte buffer. `given`: as listed (the default). `reference`: as the reference
 * (Hugging Face) writer, by descending dtype (the wider dtypes first, which keeps every tensor aligned to its
 * element size), then by name (UTF-8 byte order).
 */
export type TensorOrder = 'given' | 'reference';

export interface LayoutOptions {
  metadata?: Readonly<Record<string, string>> | undefined;
  order?: TensorOrder | undefined;
}

export interface LayoutEntry extends TensorSpec {
  byteLength: number;
  /** Offsets in the byte buffer. */
  begin: number;
  end: number;
}

/** The complete plan of a file: its first 8 + N bytes and where every tensor's bytes go. */
export interface Layout {
  /** 8-byte little-endian N, then the N-byte JSON header padded with spaces to a multiple of 8. */
  prefix: Uint8Array;
  /** Entries in byte-buffer order. */
  entries: LayoutEntry[];
  /** Length of the byte buffer. */
  dataLength: number;
  /** Length of the whole file. */
  fileLength: number;
}

const utf8 = new TextEncoder();

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Validates tensor specs and metadata, places the tensors and builds the header. */
export function planLayout(specs: readonly TensorSpec[], options: LayoutOptions = {}): Layout {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (typeof spec.name !== 'string') throw new SafetensorsError('INVALID_NAME', 'tensor name must be a string');
    if (spec.name === METADATA_KEY) {
      throw new SafetensorsError('INVALID_NAME', `"${METADATA_KEY}" is reserved and cannot name a tensor`, { tensor: spec.name });
    }
    if (seen.has(spec.name)) throw new SafetensorsError('DUPLICATE_TENSOR', 'tensor name listed twice', { tensor: spec.name });
    seen.add(spec.name);
    if (!isDtype(spec.dtype)) {
      throw new SafetensorsError('UNKNOWN_DTYPE', `unknown dtype ${JSON.stringify(spec.dtype)}`, { tensor: spec.name });
    }
    const rule = shapeProblem(spec.shape);
    if (rule !== undefined) throw new SafetensorsError('INVALID_SHAPE', rule, { tensor: spec.name });
  }
  const metadata = options.metadata;
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new SafetensorsError('INVALID_METADATA', 'metadata must be an object of string values');
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SafetensorsError('INVALID_METADATA', `metadata value of ${JSON.stringify(k)} must be a string`);
      }
    }
  }

  const ordered = [...specs];
  if (options.order === 'reference') {
    ordered.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareUtf8(a.name, b.name));
  }
  let offset = 0;
  const entries: LayoutEntry[] = ordered.map((spec) => {
    const byteLength = requireByteLength(spec.dtype, spec.shape, spec.name);
    const entry: LayoutEntry = { name: spec.name, dtype: spec.dtype, shape: [...spec.shape], byteLength, begin: offset, end: offset + byteLength };
    offset += byteLength;
    return entry;
  });
  if (offset > Number.MAX_SAFE_INTEGER) throw new SafetensorsError('SIZE_MISMATCH', 'total tensor size overflows a safe integer');

  const parts: string[] = [];
  let jsonBytes = 2; // the braces
  const add = (part: string): void => {
    jsonBytes += Buffer.byteLength(part, 'utf8') + (parts.length > 0 ? 1 : 0);
    if (jsonBytes > MAX_HEADER_SIZE) {
      throw new SafetensorsError('HEADER_TOO_LARGE', `header would exceed the ${MAX_HEADER_SIZE}-byte limit`);
    }
    parts.push(part);
  };
  if (metadata !== undefined) {
    const pairs = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    add(`${JSON.stringify(METADATA_KEY)}:{${pairs.join(',')}}`);
  }
  for (const e of entries) {
    add(`${JSON.stringify(e.name)}:{"dtype":${JSON.stringify(e.dtype)},"shape":[${e.shape.join(',')}],"data_offsets":[${e.begin},${e.end}]}`);
  }
  const json = utf8.encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.byteLength / 8) * 8;
  if (n > MAX_HEADER_SIZE) {
    throw new SafetensorsError('HEADER_TOO_LARGE', `header would be ${n} bytes, over the ${MAX_HEADER_SIZE}-byte limit`);
  }
  const prefix = new Uint8Array(HEADER_LENGTH_BYTES + n).fill(0x20);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(n), true);
  prefix.set(json, HEADER_LENGTH_BYTES);
  return { prefix, entries, dataLength: offset, fileLength: prefix.byteLength + offset };
}
