import { decodeToFloat32 } from './convert.js';
import { SafetensorsError } from './errors.js';
import { HEADER_LENGTH_BYTES, parseHeaderFromFileBytes, type ParsedHeader, type TensorEntry, type TensorInfo } from './header.js';
import { planLayout, type LayoutOptions, type TensorSpec } from './layout.js';

/** A tensor held in memory: spec and little-endian bytes. */
export interface TensorBytes extends TensorSpec {
  data: Uint8Array;
}

/** Builds a whole safetensors file in memory (for small models and tests). */
export function serializeSafetensors(tensors: readonly TensorBytes[], options: LayoutOptions = {}): Uint8Array {
  const layout = planLayout(tensors, options);
  const byName = new Map(tensors.map((t) => [t.name, t.data]));
  const out = new Uint8Array(layout.fileLength);
  out.set(layout.prefix, 0);
  for (const e of layout.entries) {
    const data = byName.get(e.name) as Uint8Array;
    if (data.byteLength !== e.byteLength) {
      throw new SafetensorsError('WRITE_SIZE_MISMATCH', `got ${data.byteLength} bytes, the shape needs ${e.byteLength}`, { tensor: e.name });
    }
    out.set(data, layout.prefix.byteLength + e.begin);
  }
  return out;
}

/** A whole safetensors file held in memory, validated; tensor bytes are zero-copy views into it. */
export class SafetensorsBuffer {
  readonly header: ParsedHeader;
  private readonly bytes: Uint8Array;
  private readonly byName: Map<string, TensorEntry>;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.header = parseHeaderFromFileBytes(bytes);
    this.byName = new Map(this.header.tensors.map((t) => [t.name, t]));
  }

  names(): string[] {
    return this.header.tensors.map((t) => t.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  info(name: string): TensorInfo {
    const { dtype, shape, byteLength } = this.entry(name);
    return { dtype, shape: [...shape], byteLength };
  }

  metadata(): Record<string, string> | undefined {
    return this.header.metadata === undefined ? undefined : { ...this.header.metadata };
  }

  /** The tensor's bytes: a view into the buffer, not a copy. */
  tensorBytes(name: string): Uint8Array {
    const e = this.entry(name);
    const start = HEADER_LENGTH_BYTES + this.header.headerLength + e.begin;
    return this.bytes.subarray(start, start + e.byteLength);
  }

  /** The tensor as float32 values (may be a view for aligned F32 data). */
  float32(name: string): Float32Array {
    return decodeToFloat32(this.tensorBytes(name), this.entry(name).dtype, name);
  }

  private entry(name: string): TensorEntry {
    const e = this.byName.get(name);
    if (e === undefined) throw new SafetensorsError('TENSOR_NOT_FOUND', 'no such tensor in this buffer', { tensor: name });
    return e;
  }
}

/** Parses and validates a whole file held in memory. */
export function parseSafetensors(bytes: Uint8Array): SafetensorsBuffer {
  return new SafetensorsBuffer(bytes);
}
