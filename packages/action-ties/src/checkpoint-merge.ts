import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  encodeFromFloat32,
  formatShardIndex,
  INDEX_FILE_NAME,
  openCheckpoint,
  SafetensorsWriter,
  type Checkpoint,
  type Dtype,
} from '@lamdagent/safetensors';
import { DEFAULT_CHUNK_ELEMENTS, mergeTensorChunked } from './chunked-merge.js';
import { copyNonWeightFiles } from './copy-files.js';
import { MergeOptionsError, TensorMismatchError } from './errors.js';
import { mergeTensorsInPlace, resolveMergeSpec, type MergeMethod, type MergeSpec, type MergeSpecInput } from './methods.js';
import { planOutputLayout, type OutputShard } from './output-layout.js';

/** Dtypes that are merged: read as float32, merged, written back in the base's dtype. */
const MERGED_DTYPES: ReadonlySet<Dtype> = new Set<Dtype>(['F32', 'F16', 'BF16', 'F64']);
/** Dtypes copied unchanged from the base (integer buffers such as position ids, masks). */
const COPIED_DTYPES: ReadonlySet<Dtype> = new Set<Dtype>(['BOOL', 'U8', 'I8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64']);

export interface MergeProgress {
  /** Tensor just written. */
  tensor: string;
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface MergeCheckpointsOptions {
  /** Method, one weight per model, and the method's options (see `resolveMergeSpec` for defaults). */
  merge: MergeSpecInput;
  /**
   * Base model folder (or .safetensors file). Required for `ties` and `task_arithmetic`. It is also the
   * template: its tensor names, dtypes, sharding and non-weight files are those of the output. For
   * `linear` it is optional and only a template (its values are not merged); the first model is the
   * template when it is absent.
   */
  base?: string;
  /** Model folders (or .safetensors files) to merge, one weight each. */
  models: readonly string[];
  /** Folder the merged model is written into (created if needed). */
  outputDir: string;
  /** Split the output into shards of at most this many bytes of tensor data; default: shard as the base. */
  maxShardBytes?: number;
  /** Copy the template's non-weight files (config.json, tokenizer files, ...); default true. */
  copyFiles?: boolean;
  /**
   * Tensors with more elements than this are streamed in chunks of this many elements instead of
   * being held whole (default 2^24: 64 MB per input as float32). Bounds memory for any tensor size.
   */
  chunkElements?: number;
  signal?: AbortSignal;
  onProgress?: (progress: MergeProgress) => void;
}

export interface MergeCheckpointsResult {
  method: MergeMethod;
  /** Tensors written in all. */
  tensors: number;
  /** Float tensors merged. */
  mergedTensors: number;
  /** Integer and bool tensors copied unchanged from the template. */
  copiedTensors: number;
  /** Bytes read from all inputs (headers included). */
  bytesRead: number;
  /** Bytes of tensor data written. */
  bytesWritten: number;
  seconds: number;
  /** bytesWritten / 1e6 / seconds: merged model size per second. */
  mbPerSec: number;
  /** Weight files written (shards, then the index if any), plain names in outputDir. */
  files: string[];
  /** Non-weight files copied from the template. */
  copiedFiles: string[];
}

interface Input {
  path: string;
  ckpt: Checkpoint;
}

type Loaded =
  | { kind: 'merge'; base: Float32Array | null; models: Float32Array[] }
  | { kind: 'copy'; bytes: Uint8Array }
  | { kind: 'chunked'; n: number };

/**
 * Merges checkpoints of the same architecture tensor by tensor: for each tensor, reads it from every
 * input (prefetching the next tensor while the current one is merged), merges in float32, encodes it to
 * the base's dtype (F16/BF16 round to nearest, ties to even) and streams it to the output. Tensors
 * larger than `chunkElements` are streamed in chunks. Peak memory is about two tensors (at most
 * `chunkElements` each) per input, whatever the model size. Every input is checked first (names,
 * shapes, dtypes), so a mismatch fails before anything is written.
 */
export async function mergeCheckpoints(options: MergeCheckpointsOptions): Promise<MergeCheckpointsResult> {
  const started = performance.now();
  const spec = resolveMergeSpec(options.merge, options.models.length);
  if (options.models.length === 0) throw new MergeOptionsError('no models to merge');
  if (spec.method !== 'linear' && options.base === undefined) throw new MergeOptionsError(`${spec.method} needs a base model`);
  if (options.maxShardBytes !== undefined && !(Number.isSafeInteger(options.maxShardBytes) && options.maxShardBytes > 0)) {
    throw new MergeOptionsError(`maxShardBytes must be a positive integer, got ${options.maxShardBytes}`);
  }
  if (options.chunkElements !== undefined && !(Number.isSafeInteger(options.chunkElements) && options.chunkElements > 0)) {
    throw new MergeOptionsError(`chunkElements must be a positive integer, got ${options.chunkElements}`);
  }

  const opened: Input[] = [];
  try {
    const open = async (path: string): Promise<Input> => {
      const input = { path, ckpt: await openCheckpoint(path) };
      opened.push(input);
      return input;
    };
    const base = options.base === undefined ? undefined : await open(options.base);
    const models: Input[] = [];
    for (const path of options.models) models.push(await open(path));
    const template = base ?? (models[0] as Input);
    const useBase = spec.method === 'linear' ? undefined : base;
    checkCompatible(template, opened.filter((i) => i !== template));

    await mkdir(options.outputDir, { recursive: true });
    const layout = planOutputLayout(template.ckpt, options.maxShardBytes);
    const written = await writeShards(spec, layout.shards, template, useBase, models, options, layout.totalBytes);
    const files = layout.shards.map((s) => s.file);
    if (layout.indexed) {
      const weightMap = new Map<string, string>();
      for (const s of layout.shards) for (const t of s.tensors) weightMap.set(t.name, s.file);
      await writeFileAtomic(join(options.outputDir, INDEX_FILE_NAME), formatShardIndex(layout.totalBytes, weightMap));
      files.push(INDEX_FILE_NAME);
    }
    const copiedFiles = options.copyFiles === false ? [] : await copyNonWeightFiles(template.path, options.outputDir);
    const seconds = (performance.now() - started) / 1000;
    return {
      method: spec.method,
      tensors: written.merged + written.copied,
      mergedTensors: written.merged,
      copiedTensors: written.copied,
      bytesRead: opened.reduce((s, i) => s + i.ckpt.bytesRead, 0),
      bytesWritten: layout.totalBytes,
      seconds,
      mbPerSec: seconds > 0 ? layout.totalBytes / 1e6 / seconds : 0,
      files,
      copiedFiles,
    };
  } finally {
    await Promise.all(opened.map((i) => i.ckpt.close()));
  }
}

/** Every input has the template's tensor names, with the same shapes and usable dtypes. */
function checkCompatible(template: Input, others: readonly Input[]): void {
  const names = template.ckpt.names();
  for (const name of names) {
    const dtype = template.ckpt.info(name).dtype;
    if (!MERGED_DTYPES.has(dtype) && !COPIED_DTYPES.has(dtype)) {
      throw new TensorMismatchError(template.path, name, `cannot merge ${dtype} tensors (merged: F32, F16, BF16, F64; copied: integer and BOOL)`);
    }
  }
  for (const other of others) {
    for (const name of names) {
      if (!other.ckpt.has(name)) throw new TensorMismatchError(other.path, name, `missing (${template.path} has it)`);
      const want = template.ckpt.info(name);
      const got = other.ckpt.info(name);
      if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
        throw new TensorMismatchError(other.path, name, `shape [${got.shape.join(', ')}] differs from [${want.shape.join(', ')}] in ${template.path}`);
      }
      if (MERGED_DTYPES.has(want.dtype) && !MERGED_DTYPES.has(got.dtype)) {
        throw new TensorMismatchError(other.path, name, `dtype ${got.dtype} cannot be merged with ${want.dtype} in ${template.path}`);
      }
    }
    if (other.ckpt.names().length !== names.length) {
      const known = new Set(names);
      const extra = other.ckpt.names().find((n) => !known.has(n)) as string;
      throw new TensorMismatchError(other.path, extra, `not in ${template.path}`);
    }
  }
}

async function writeShards(
  spec: MergeSpec,
  shards: readonly OutputShard[],
  template: Input,
  base: Input | undefined,
  models: readonly Input[],
  options: MergeCheckpointsOptions,
  bytesTotal: number,
): Promise<{ merged: number; copied: number }> {
  const items = shards.flatMap((s) => s.tensors);
  const chunkElements = options.chunkElements ?? DEFAULT_CHUNK_ELEMENTS;
  const read = async (i: number): Promise<Loaded> => {
    const { name, dtype, shape } = items[i] as (typeof items)[number];
    if (!MERGED_DTYPES.has(dtype)) return { kind: 'copy', bytes: await template.ckpt.readBytes(name) };
    const n = shape.reduce((a, b) => a * b, 1);
    if (n > chunkElements) return { kind: 'chunked', n };
    const [b, ...ms] = await Promise.all([base ? base.ckpt.readFloat32(name) : null, ...models.map((m) => m.ckpt.readFloat32(name))]);
    return { kind: 'merge', base: b ?? null, models: ms as Float32Array[] };
  };
  // A prefetch may fail while the previous tensor is still being written: mark it handled at once
  // (awaiting it later still throws) so the process does not see an unhandled rejection.
  const load = (i: number): Promise<Loaded> => {
    const p = read(i);
    p.catch(() => undefined);
    return p;
  };
  const metadata = { format: 'pt', merge_method: spec.method };
  let pending: Promise<Loaded> | undefined = items.length > 0 ? load(0) : undefined;
  let next = 1;
  let merged = 0;
  let copied = 0;
  let bytesDone = 0;
  try {
    for (const shard of shards) {
      const plan = shard.tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape }));
      const writer = await SafetensorsWriter.create(join(options.outputDir, shard.file), { tensors: plan, metadata, order: 'given' });
      try {
        for (const item of shard.tensors) {
          options.signal?.throwIfAborted();
          const loaded = await (pending as Promise<Loaded>);
          pending = next < items.length ? load(next) : undefined;
          next++;
          if (loaded.kind === 'copy') {
            await writer.write(item.name, loaded.bytes);
            copied++;
          } else if (loaded.kind === 'chunked') {
            const t = { name: item.name, dtype: item.dtype, n: loaded.n };
            const ms = models.map((m) => m.ckpt);
            await mergeTensorChunked(spec, t, base?.ckpt, ms, writer, chunkElements, options.signal);
            merged++;
          } else {
            // The base's array (or the first model's, for linear) receives the result.
            const out = loaded.base ?? (loaded.models[0] as Float32Array);
            mergeTensorsInPlace(spec, loaded.base, loaded.models, out);
            await writer.write(item.name, encodeFromFloat32(out, item.dtype, item.name));
            merged++;
          }
          bytesDone += item.byteLength;
          options.onProgress?.({ tensor: item.name, done: merged + copied, total: items.length, bytesDone, bytesTotal });
        }
        await writer.finish();
      } catch (error) {
        await writer.abort();
        throw error;
      }
    }
  } catch (error) {
    await pending?.catch(() => undefined);
    throw error;
  }
  return { merged, copied };
}

async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, path);
}
