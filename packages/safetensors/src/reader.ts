import { open, type FileHandle } from 'node:fs/promises';
import { decodeToFloat32, toTypedArray, type TensorTypedArray } from './convert.js';
import { SafetensorsError } from './errors.js';
import { checkDataLength, HEADER_LENGTH_BYTES, parseHeaderBytes, readHeaderLength, type ParsedHeader, type TensorEntry, type TensorInfo } from './header.js';
import { io, readExactly } from './io.js';

/** Read access to named tensors, whether one file or a sharded checkpoint. */
export interface TensorReader {
  /** Tensor names, in file order (sharded: shard by shard). */
  names(): string[];
  has(name: string): boolean;
  /** dtype, shape and byte length; TENSOR_NOT_FOUND if absent. */
  info(name: string): TensorInfo;
  /** The `__metadata__` map (sharded: the first shard's), or undefined if the file has none. */
  metadata(): Record<string, string> | undefined;
  /** The tensor's raw little-endian bytes, read from disk alone (a fresh, aligned buffer). */
  readBytes(name: string): Promise<Uint8Array>;
  /** Bytes [start, end) of the tensor's data: for processing huge tensors piece by piece. */
  readByteRange(name: string, start: number, end: number): Promise<Uint8Array>;
  /** The tensor converted to float32 (see decodeToFloat32 for which dtypes convert and how). */
  readFloat32(name: string): Promise<Float32Array>;
  /** The tensor as the natural typed array of its dtype (see toTypedArray). */
  readTyped(name: string): Promise<TensorTypedArray>;
  /** An I32 tensor as an Int32Array; DTYPE_MISMATCH for other dtypes. */
  readInt32(name: string): Promise<Int32Array>;
  /** An I64 tensor as a BigInt64Array; DTYPE_MISMATCH for other dtypes. */
  readBigInt64(name: string): Promise<BigInt64Array>;
  /** Releases file handles; idempotent. Reads after close fail with CLOSED. */
  close(): Promise<void>;
}

/** A tensor's place on disk (for readers that read its bytes themselves, e.g. from a worker thread). */
export interface TensorLocation {
  path: string;
  offset: number;
  byteLength: number;
}

/** Implements the typed readers on top of readBytes and info. */
export abstract class TensorReaderBase implements TensorReader {
  abstract names(): string[];
  abstract has(name: string): boolean;
  abstract info(name: string): TensorInfo;
  abstract metadata(): Record<string, string> | undefined;
  abstract readBytes(name: string): Promise<Uint8Array>;
  abstract readByteRange(name: string, start: number, end: number): Promise<Uint8Array>;
  abstract close(): Promise<void>;
  protected abstract readonly label: string;

  async readFloat32(name: string): Promise<Float32Array> {
    const { dtype } = this.info(name);
    try {
      return decodeToFloat32(await this.readBytes(name), dtype, name);
    } catch (error) {
      throw error instanceof SafetensorsError && error.path === undefined ? error.withPath(this.label) : error;
    }
  }

  async readTyped(name: string): Promise<TensorTypedArray> {
    return toTypedArray(await this.readBytes(name), this.info(name).dtype);
  }

  async readInt32(name: string): Promise<Int32Array> {
    this.requireDtype(name, 'I32');
    return toTypedArray(await this.readBytes(name), 'I32') as Int32Array;
  }

  async readBigInt64(name: string): Promise<BigInt64Array> {
    this.requireDtype(name, 'I64');
    return toTypedArray(await this.readBytes(name), 'I64') as BigInt64Array;
  }

  private requireDtype(name: string, dtype: 'I32' | 'I64'): void {
    const actual = this.info(name).dtype;
    if (actual !== dtype) {
      throw new SafetensorsError('DTYPE_MISMATCH', `tensor is ${actual}, not ${dtype}`, { path: this.label, tensor: name });
    }
  }
}

/** One .safetensors file, opened lazily: open() reads and validates the header only. */
export class SafetensorsFile extends TensorReaderBase {
  readonly path: string;
  /** The validated header (tensors in byte-buffer order). */
  readonly header: ParsedHeader;
  /** Size of the file in bytes. */
  readonly fileSize: number;
  /** Absolute file offset where the byte buffer starts (8 + N). */
  readonly dataOffset: number;
  protected readonly label: string;
  private readonly handle: FileHandle;
  private readonly byName: Map<string, TensorEntry>;
  private closed = false;
  private readCount = 0;

  private constructor(path: string, handle: FileHandle, header: ParsedHeader, fileSize: number, bytesRead: number) {
    super();
    this.path = path;
    this.label = path;
    this.handle = handle;
    this.header = header;
    this.fileSize = fileSize;
    this.dataOffset = HEADER_LENGTH_BYTES + header.headerLength;
    this.byName = new Map(header.tensors.map((t) => [t.name, t]));
    this.readCount = bytesRead;
  }

  /** Opens `path` and validates its framing, header and length against every rule of the format. */
  static async open(path: string): Promise<SafetensorsFile> {
    const handle = await io(path, 'open', () => open(path, 'r'));
    try {
      const { size } = await io(path, 'stat', () => handle.stat());
      const prefix = new Uint8Array(Math.min(size, HEADER_LENGTH_BYTES));
      await io(path, 'read', () => readExactly(handle, prefix, 0, path));
      const n = readHeaderLength(prefix, size);
      const headerBytes = new Uint8Array(n);
      await io(path, 'read', () => readExactly(handle, headerBytes, HEADER_LENGTH_BYTES, path));
      const header = parseHeaderBytes(headerBytes);
      checkDataLength(header, size);
      return new SafetensorsFile(path, handle, header, size, prefix.byteLength + n);
    } catch (error) {
      await handle.close();
      throw error instanceof SafetensorsError && error.path === undefined ? error.withPath(path) : error;
    }
  }

  /** Bytes read from the file so far, header included (to check that reads stay per-tensor). */
  get bytesRead(): number {
    return this.readCount;
  }

  names(): string[] {
    return this.header.tensors.map((t) => t.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A tensor's entry with its offsets in the byte buffer. */
  entry(name: string): TensorEntry {
    const e = this.byName.get(name);
    if (e === undefined) throw new SafetensorsError('TENSOR_NOT_FOUND', 'no such tensor in this file', { path: this.path, tensor: name });
    return { ...e, shape: [...e.shape] };
  }

  info(name: string): TensorInfo {
    const { dtype, shape, byteLength } = this.entry(name);
    return { dtype, shape, byteLength };
  }

  /** Where a tensor's bytes are: this file's path, the absolute offset of its first byte, its length. */
  locate(name: string): TensorLocation {
    const e = this.entry(name);
    return { path: this.path, offset: this.dataOffset + e.begin, byteLength: e.byteLength };
  }

  metadata(): Record<string, string> | undefined {
    return this.header.metadata === undefined ? undefined : { ...this.header.metadata };
  }

  async readBytes(name: string): Promise<Uint8Array> {
    const e = this.entry(name);
    return this.readAt(name, this.dataOffset + e.begin, e.byteLength);
  }

  async readByteRange(name: string, start: number, end: number): Promise<Uint8Array> {
    const e = this.entry(name);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end > e.byteLength) {
      throw new SafetensorsError('INVALID_ARGUMENT', `byte range [${start}, ${end}) is outside [0, ${e.byteLength}]`, {
        path: this.path,
        tensor: name,
      });
    }
    return this.readAt(name, this.dataOffset + e.begin + start, end - start);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private async readAt(name: string, position: number, length: number): Promise<Uint8Array> {
    if (this.closed) throw new SafetensorsError('CLOSED', 'file is closed', { path: this.path, tensor: name });
    const out = new Uint8Array(length);
    await io(this.path, 'read', () => readExactly(this.handle, out, position, this.path, name));
    this.readCount += length;
    return out;
  }
}
