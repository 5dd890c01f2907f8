/**
 * The two steps of a split tensor's range on a worker thread (split.ts), with no copy of the inputs: the
 * range of the base and of each model is read from its file straight into the merge kernel's memory,
 * `rangeHistograms` turns the models' ranges into task vectors in place (and counts their magnitudes
 * when trimming), `rangeMix` merges them into the base's range in place and hands out the result.
 * Between the two steps the range stays in the kernel's memory, under its key.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { clearHistograms, collectHistograms, histogramAt, setModelBlocks, wasmKernel, writeSettings, type Kernel, type TrimSelection } from './blocked-wasm.js';
import type { ComputeJob } from './compute.js';

/** Bytes of one tensor's range in a safetensors file. */
export interface FileSpan {
  path: string;
  /** Absolute file offset of the range's first byte. */
  offset: number;
  length: number;
}

const PAGE = 65536;

/**
 * Elements per kernel call. WebAssembly code starts in V8's baseline tier and is optimized in the
 * background, but a running call never switches tiers: one call over a 65-million-element range would
 * run in the baseline code throughout. Calls over pieces of this size pick up the optimized code.
 */
const CALL_ELEMENTS = 1 << 18;

/** First-fit allocation of kernel memory above its fixed areas; grows the memory when nothing fits. */
class Arena {
  private readonly free: [number, number][] = [];
  private top: number;
  constructor(private readonly k: Kernel) {
    this.top = k.end;
  }

  alloc(size: number): number {
    size = Math.ceil(size / 16) * 16;
    for (let i = 0; i < this.free.length; i++) {
      const [start, end] = this.free[i] as [number, number];
      if (end - start < size) continue;
      if (end - start === size) this.free.splice(i, 1);
      else this.free[i] = [start + size, end];
      return start;
    }
    const at = this.top;
    const need = at + size - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / PAGE));
    this.top += size;
    return at;
  }

  release(at: number, size: number): void {
    size = Math.ceil(size / 16) * 16;
    let start = at;
    let end = at + size;
    // merge with the neighbours, then give the tail back to the top
    for (let i = this.free.length - 1; i >= 0; i--) {
      const [s, e] = this.free[i] as [number, number];
      if (e === start || s === end) {
        start = Math.min(start, s);
        end = Math.max(end, e);
        this.free.splice(i, 1);
      }
    }
    if (end === this.top) this.top = start;
    else this.free.push([start, end]);
  }
}

interface Kept {
  at: number;
  stride: number;
  n: number;
  count: number;
}

let arena: Arena | undefined;
const kept = new Map<string, Kept>();

/** Reads `span` into kernel memory at `at` (positional reads until every byte is in). */
function readInto(k: Kernel, at: number, span: FileSpan): void {
  const fd = openSync(span.path, 'r');
  try {
    let done = 0;
    while (done < span.length) {
      const got = readSync(fd, new Uint8Array(k.memory.buffer, at + done, span.length - done), 0, span.length - done, span.offset + done);
      if (got === 0) throw new Error(`${span.path}: file ends before byte ${span.offset + span.length} (a tensor's data is missing)`);
      done += got;
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes kernel memory [at, at + span.length) into `span` of an existing file. */
function writeFrom(k: Kernel, at: number, span: FileSpan): void {
  const fd = openSync(span.path, 'r+');
  try {
    let done = 0;
    while (done < span.length) {
      done += writeSync(fd, new Uint8Array(k.memory.buffer, at + done, span.length - done), 0, span.length - done, span.offset + done);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Step 1: reads the base's range (sources[0]) and the models' ranges into kernel memory, replaces each
 * model's range by its task vector and returns, for the models marked in `trimmed`, the histogram of its
 * magnitudes (an empty array for the others). The range is kept under `key` for rangeMix.
 */
export function rangeHistograms(key: string, sources: readonly FileSpan[], trimmed: readonly boolean[]): Uint32Array[] {
  const k = wasmKernel();
  arena ??= new Arena(k);
  const bytes = (sources[0] as FileSpan).length;
  if (bytes % 2 !== 0 || sources.some((s) => s.length !== bytes)) throw new Error(`merge worker: ranges of ${key} differ in length`);
  const n = bytes / 2;
  const count = sources.length - 1;
  const stride = Math.ceil(bytes / 16) * 16;
  const at = arena.alloc(stride * sources.length);
  try {
    sources.forEach((s, i) => readInto(k, at + i * stride, s));
  } catch (error) {
    arena.release(at, stride * sources.length);
    throw error;
  }
  kept.set(key, { at, stride, n, count });
  clearHistograms(k, histogramAt(k, 0), count);
  for (let i = 0; i < count; i++) {
    const m = at + (i + 1) * stride;
    for (let j = 0; j < n; j += CALL_ELEMENTS) k.histDelta(at + 2 * j, m + 2 * j, trimmed[i] ? histogramAt(k, i) : 0, Math.min(CALL_ELEMENTS, n - j));
  }
  return collectHistograms(k, histogramAt(k, 0), trimmed);
}

/**
 * Step 2: trims (selections with this range's quotas), weights and mixes the kept task vectors and adds
 * them to the base, in place; writes the range's merged bf16 bytes into `out` (a span of the output file)
 * and returns an empty array, or without `out` returns them; frees the range.
 */
export function rangeMix(
  key: string,
  job: Pick<ComputeJob, 'params' | 'modelParams'>,
  consensus: boolean,
  selections: readonly TrimSelection[],
  out?: FileSpan,
): Uint8Array {
  const range = kept.get(key);
  if (!range || !arena) throw new Error(`merge worker: no inputs kept for ${key}`);
  kept.delete(key);
  const k = wasmKernel();
  const { at, stride, n, count } = range;
  try {
    const models = Array.from({ length: count }, (_, i) => at + (i + 1) * stride);
    writeSettings(k, job, consensus, selections, models, true);
    // pieces in index order (a multiple of 8 elements each): the quotas of threshold-equal entries carry over in the settings
    for (let j = 0; j < n; j += CALL_ELEMENTS) {
      setModelBlocks(
        k,
        models.map((m) => m + 2 * j),
      );
      k.mix(at + 2 * j, at + 2 * j, Math.min(CALL_ELEMENTS, n - j));
    }
    if (!out) return new Uint8Array(k.memory.buffer, at, 2 * n).slice();
    if (out.length !== 2 * n) throw new Error(`merge worker: output span of ${key} has ${out.length} bytes, the range ${2 * n}`);
    writeFrom(k, at, out);
    return new Uint8Array(0);
  } finally {
    arena.release(at, stride * (count + 1));
  }
}
