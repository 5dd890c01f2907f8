import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encodeFromFloat32 } from './convert.js';
import { SafetensorsError } from './errors.js';
import { fsyncDir, io, tempPathFor, writeAll } from './io.js';
import { planLayout, type Layout, type LayoutEntry, type LayoutOptions, type TensorSpec } from './layout.js';

/** What a file will hold: the tensors' names, dtypes and shapes, optional metadata and the order. */
export interface WriterPlan extends LayoutOptions {
  tensors: readonly TensorSpec[];
}

/** A tensor's little-endian bytes, or a function producing them when their turn comes (for streaming). */
export type TensorData = Uint8Array | (() => Uint8Array | Promise<Uint8Array>);

export interface TensorToWrite extends TensorSpec {
  data: TensorData;
}

type WriterState = 'open' | 'failed' | 'finished' | 'aborted';

/**
 * A streaming writer: the header is written at creation from the plan, then each tensor's bytes are
 * accepted one at a time, in layout order (the plan's order unless `order: 'reference'`), and checked
 * against their planned size. Nothing but the current tensor is held in memory. The data goes to a
 * temporary file in the target's folder; finish() fsyncs it and renames it over the target, abort()
 * removes it. Calls must not overlap (await each one).
 */
export class SafetensorsWriter {
  readonly path: string;
  readonly tempPath: string;
  readonly layout: Layout;
  private readonly handle: FileHandle;
  private index = 0;
  private position: number;
  private state: WriterState = 'open';
  private busy = false;

  private constructor(path: string, tempPath: string, layout: Layout, handle: FileHandle) {
    this.path = path;
    this.tempPath = tempPath;
    this.layout = layout;
    this.handle = handle;
    this.position = layout.prefix.byteLength;
  }

  /** Validates the plan, creates the temporary file and writes the header. */
  static async create(path: string, plan: WriterPlan): Promise<SafetensorsWriter> {
    let layout: Layout;
    try {
      layout = planLayout(plan.tensors, plan);
    } catch (error) {
      throw error instanceof SafetensorsError ? error.withPath(path) : error;
    }
    const tempPath = tempPathFor(path);
    const handle = await io(tempPath, 'create temporary file', () => open(tempPath, 'wx'));
    try {
      await io(tempPath, 'write header', () => writeAll(handle, layout.prefix, 0));
    } catch (error) {
      await handle.close();
      await unlink(tempPath).catch(() => undefined);
      throw error;
    }
    return new SafetensorsWriter(path, tempPath, layout, handle);
  }

  /** The name of the tensor expected next, or undefined when all are written. */
  get nextTensor(): string | undefined {
    return this.layout.entries[this.index]?.name;
  }

  /** Number of tensors written so far. */
  get writtenCount(): number {
    return this.index;
  }

  /** Writes the next tensor's bytes; WRITE_ORDER if `name` is not next, WRITE_SIZE_MISMATCH if the size is wrong. */
  async write(name: string, data: Uint8Array): Promise<void> {
    await this.run(async () => {
      const entry = this.expect(name);
      if (!(data instanceof Uint8Array)) {
        throw this.error('INVALID_ARGUMENT', 'tensor data must be a Uint8Array of little-endian bytes', name);
      }
      if (data.byteLength !== entry.byteLength) {
        throw this.error('WRITE_SIZE_MISMATCH', `got ${data.byteLength} bytes, the plan needs ${entry.byteLength}`, name);
      }
      await this.append(data, name);
      this.index += 1;
    });
  }

  /** Writes the next tensor from float32 values, encoded to its planned dtype (F32, F64, F16, BF16). */
  async writeFloat32(name: string, values: Float32Array | readonly number[]): Promise<void> {
    const entry = this.layout.entries[this.index];
    const dtype = entry?.name === name ? entry.dtype : undefined;
    if (dtype === undefined) {
      await this.write(name, new Uint8Array(0)); // reports the order or state error
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = encodeFromFloat32(values, dtype, name);
    } catch (error) {
      throw error instanceof SafetensorsError ? error.withPath(this.path) : error;
    }
    await this.write(name, bytes);
  }

  /**
   * Writes the next tensor from a sequence of byte chunks (for tensors too large to hold at once). If the
   * chunks add up to the wrong size the writer fails (WRITE_SIZE_MISMATCH) and only abort() is left.
   */
  async writeChunks(name: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
    await this.run(async () => {
      const entry = this.expect(name);
      let total = 0;
      try {
        for await (const chunk of chunks) {
          total += chunk.byteLength;
          if (total > entry.byteLength) {
            throw this.error('WRITE_SIZE_MISMATCH', `chunks exceed the planned ${entry.byteLength} bytes`, name);
          }
          await this.append(chunk, name);
        }
        if (total !== entry.byteLength) {
          throw this.error('WRITE_SIZE_MISMATCH', `chunks add up to ${total} bytes, the plan needs ${entry.byteLength}`, name);
        }
      } catch (error) {
        this.state = 'failed';
        throw error;
      }
      this.index += 1;
    });
  }

  /**
   * Where a planned tensor's bytes go in the temporary file, for a writer elsewhere (a worker thread with
   * its own file handle) that puts them there itself; then call writtenElsewhere(name) in its turn.
   */
  placeOf(name: string): { path: string; offset: number; byteLength: number } {
    const entry = this.layout.entries.find((e) => e.name === name);
    if (entry === undefined) throw this.error('WRITE_ORDER', 'not in the plan', name);
    return { path: this.tempPath, offset: this.layout.prefix.byteLength + entry.begin, byteLength: entry.byteLength };
  }

  /** Counts the next tensor as written: its bytes were put at placeOf(name) by someone else (WRITE_ORDER if not next). */
  async writtenElsewhere(name: string): Promise<void> {
    await this.run(async () => {
      const entry = this.expect(name);
      this.position += entry.byteLength;
      this.index += 1;
    });
  }

  /** Checks every tensor was written, fsyncs, renames over the target atomically and fsyncs the folder. */
  async finish(): Promise<void> {
    await this.run(async () => {
      if (this.index < this.layout.entries.length) {
        throw this.error('WRITE_INCOMPLETE', `${this.layout.entries.length - this.index} tensor(s) not written yet`, this.nextTensor);
      }
      try {
        await io(this.tempPath, 'fsync', () => this.handle.sync());
        await io(this.tempPath, 'close', () => this.handle.close());
        await io(this.path, 'rename', () => rename(this.tempPath, this.path));
      } catch (error) {
        this.state = 'failed';
        await this.handle.close().catch(() => undefined);
        await unlink(this.tempPath).catch(() => undefined);
        throw error;
      }
      this.state = 'finished';
      await io(dirname(this.path), 'fsync folder', () => fsyncDir(dirname(this.path)));
    });
  }

  /** Closes and removes the temporary file. Idempotent; a no-op after finish(). */
  async abort(): Promise<void> {
    if (this.state === 'finished' || this.state === 'aborted') return;
    this.state = 'aborted';
    await this.handle.close().catch(() => undefined);
    await unlink(this.tempPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  private async run(op: () => Promise<void>): Promise<void> {
    if (this.busy) throw this.error('WRITER_STATE', 'another call is still running: await each call');
    if (this.state !== 'open') throw this.error('WRITER_STATE', `writer is ${this.state}`);
    this.busy = true;
    try {
      await op();
    } finally {
      this.busy = false;
    }
  }

  private expect(name: string): LayoutEntry {
    const entry = this.layout.entries[this.index];
    if (entry === undefined) throw this.error('WRITE_ORDER', 'all planned tensors are already written', name);
    if (entry.name !== name) {
      const planned = this.layout.entries.some((e) => e.name === name);
      throw this.error('WRITE_ORDER', planned ? `out of order: the next tensor is ${JSON.stringify(entry.name)}` : 'not in the plan', name);
    }
    return entry;
  }

  private async append(bytes: Uint8Array, name: string): Promise<void> {
    try {
      await io(this.tempPath, 'write', () => writeAll(this.handle, bytes, this.position));
    } catch (error) {
      this.state = 'failed';
      throw error instanceof SafetensorsError ? new SafetensorsError(error.code, error.rule, { path: this.path, tensor: name, cause: error }) : error;
    }
    this.position += bytes.byteLength;
  }

  private error(code: SafetensorsError['code'], rule: string, tensor?: string): SafetensorsError {
    return new SafetensorsError(code, rule, { path: this.path, tensor });
  }
}

/**
 * Writes a whole file atomically. Tensors whose data is a function are produced one at a time, when
 * their turn comes, so at most one tensor is in memory.
 */
export async function writeSafetensors(path: string, tensors: readonly TensorToWrite[], options: LayoutOptions = {}): Promise<void> {
  const byName = new Map(tensors.map((t) => [t.name, t.data]));
  const writer = await SafetensorsWriter.create(path, { ...options, tensors });
  try {
    for (const entry of writer.layout.entries) {
      const data = byName.get(entry.name);
      const bytes = typeof data === 'function' ? await data() : data;
      await writer.write(entry.name, bytes as Uint8Array);
    }
    await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
