import { precisionOf } from '../method/precision.js';
import { MagnitudeSelector } from '../trim.js';
import type { ComputeJob } from './compute.js';
import { GTA_WASM_BASE64 } from './gta-wasm.js';

/** Elements per block: (models + 2) blocks of bf16 stay in cache. */
const BLOCK = 1 << 14;
/** Models the kernel takes at most (native/gta_bf16.c MAX_MODELS). */
export const WASM_MAX_MODELS = 8;
const HIST_BYTES = (1 << 15) * 4;

/** The slice of the WebAssembly JS API used here (this project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface Kernel {
  memory: WasmMemory;
  delta: (base: number, m: number, n: number) => void;
  hist: (d: number, hist: number, n: number) => void;
  /** Task vectors in place over m and (hist != 0) their magnitudes counted in 4 sub-histograms at hist. */
  histDelta: (base: number, m: number, hist: number, n: number) => void;
  mix: (base: number, out: number, n: number) => void;
  settings: number;
  heap: number;
  /** First byte after the kernel's fixed areas (histograms, blocks): free for callers (split ranges). */
  end: number;
}

let kernel: Kernel | undefined;

/** The module, instantiated once per thread (each worker has its own memory). */
export function wasmKernel(): Kernel {
  if (kernel) return kernel;
  const module = new WA.Module(Buffer.from(GTA_WASM_BASE64, 'base64'));
  const e = new WA.Instance(module, {}).exports;
  const memory = e.memory as WasmMemory;
  const heap = (e.__heap_base as { value: number }).value;
  const need = heap + 4 * WASM_MAX_MODELS * HIST_BYTES + (WASM_MAX_MODELS + 2) * BLOCK * 2 + 64;
  if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  kernel = {
    memory,
    delta: e.delta_bf16 as Kernel['delta'],
    hist: e.hist_bf16 as Kernel['hist'],
    histDelta: e.hist_delta_bf16 as Kernel['histDelta'],
    mix: e.mix_bf16 as Kernel['mix'],
    settings: (e.settings_ptr as () => number)(),
    heap: Math.ceil(heap / 16) * 16,
    end: Math.ceil(need / 16) * 16,
  };
  return kernel;
}

/** What pass 2 needs of one model's trim: its threshold magnitude bits and the quota of entries equal to it. */
export interface TrimSelection {
  active: boolean;
  threshold: number;
  remaining: number;
}

interface Layout {
  k: Kernel;
  n: number;
  count: number;
  copyIn: (start: number, len: number) => void;
  histAt: (i: number) => number;
  modelAt: (i: number) => number;
  baseAt: number;
  outAt: number;
}

function layout(job: ComputeJob): Layout {
  const k = wasmKernel();
  const n = job.shape.reduce((a, b) => a * b, 1);
  const count = job.models.length;
  if (count > WASM_MAX_MODELS) throw new Error(`the merge kernel takes at most ${WASM_MAX_MODELS} models, got ${count}`);
  const src = (bytes: Uint8Array): Uint16Array => new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  const b16 = src((job.base as NonNullable<ComputeJob['base']>).bytes);
  const m16 = job.models.map((m) => src(m.bytes));
  const histAt = (i: number): number => histogramAt(k, i);
  const blocksAt = k.heap + 4 * WASM_MAX_MODELS * HIST_BYTES;
  const modelAt = (i: number): number => blocksAt + (i + 1) * BLOCK * 2;
  const baseAt = blocksAt;
  /** Base and model blocks into the kernel's memory. */
  const copyIn = (start: number, len: number): void => {
    const m = new Uint16Array(k.memory.buffer);
    m.set(b16.subarray(start, start + len), baseAt / 2);
    for (let i = 0; i < count; i++) m.set((m16[i] as Uint16Array).subarray(start, start + len), modelAt(i) / 2);
  };
  return { k, n, count, copyIn, histAt, modelAt, baseAt, outAt: blocksAt + (count + 1) * BLOCK * 2 };
}

/**
 * Pass 1: per model, the histogram of its task vector's magnitudes (32768 buckets: the bf16 bits with the
 * sign cleared), for the models in `models` (the others get an empty array).
 */
export function wasmHistograms(job: ComputeJob, models: readonly boolean[]): Uint32Array[] {
  const { k, n, count, copyIn, histAt, modelAt, baseAt } = layout(job);
  clearHistograms(k, histAt(0), count);
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    copyIn(start, len);
    for (let i = 0; i < count; i++) if (models[i]) k.histDelta(baseAt, modelAt(i), histAt(i), len);
  }
  return collectHistograms(k, histAt(0), models);
}

/** Zeroes the sub-histograms of `count` models at `at` (4 per model, as hist_delta_bf16 fills them). */
export function clearHistograms(k: Kernel, at: number, count: number): void {
  new Uint32Array(k.memory.buffer, at, (4 * count * HIST_BYTES) / 4).fill(0);
}

/** Each trimmed model's histogram, its 4 sub-histograms added up (an empty array for the others). */
export function collectHistograms(k: Kernel, at: number, models: readonly boolean[]): Uint32Array[] {
  const buckets = HIST_BYTES / 4;
  return models.map((trimmed, i) => {
    if (!trimmed) return new Uint32Array(0);
    const sub = new Uint32Array(k.memory.buffer, at + 4 * i * HIST_BYTES, 4 * buckets);
    const h = sub.slice(0, buckets);
    for (let q = 1; q < 4; q++) for (let b = 0; b < buckets; b++) h[b] = (h[b] as number) + (sub[q * buckets + b] as number);
    return h;
  });
}

/** Where model i's 4 sub-histograms start in the kernel's memory. */
export function histogramAt(k: Kernel, i: number): number {
  return k.heap + 4 * i * HIST_BYTES;
}

/**
 * Pass 2: trims (with the given selections, whose quotas start at this job's first element), weights,
 * mixes and adds the base. Returns the encoded bf16 bytes.
 */
export function wasmMix(job: ComputeJob, consensus: boolean, selections: readonly TrimSelection[]): Uint8Array {
  const { k, n, count, copyIn, modelAt, baseAt, outAt } = layout(job);
  writeSettings(
    k,
    job,
    consensus,
    selections,
    Array.from({ length: count }, (_, i) => modelAt(i)),
    false,
  );
  const out = new Uint16Array(n);
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    copyIn(start, len);
    k.mix(baseAt, outAt, len);
    out.set(new Uint16Array(k.memory.buffer, outAt, len), start);
  }
  return new Uint8Array(out.buffer);
}

/** Points the settings' model blocks (settings.models[i]) at `models[i]`. */
export function setModelBlocks(k: Kernel, models: readonly number[]): void {
  new Uint32Array(k.memory.buffer, k.settings, models.length).set(models);
}

/**
 * Writes pass 2's settings into the kernel: `models[i]` the address of model i's block (raw weights, or
 * its task vectors when `deltas`).
 */
export function writeSettings(
  k: Kernel,
  job: Pick<ComputeJob, 'params' | 'modelParams'>,
  consensus: boolean,
  selections: readonly TrimSelection[],
  models: readonly number[],
  deltas: boolean,
): void {
  const count = models.length;
  const p = precisionOf('BF16');
  const weights = job.modelParams.map((mp) => p.scalar(mp.weight as number));
  let constDivisor = 1;
  if (!consensus) {
    const s = new Float32Array(1);
    for (const w of weights) s[0] = (s[0] as number) + w;
    constDivisor = p.scalar(s[0] as number);
    if (Math.abs(constDivisor) < 1e-8) constDivisor = 1;
  }
  // Settings struct (native/gta_bf16.c): models[8] u32, weights[8] f32, thresholds[8] u32, trim[8] i32,
  // remaining[8] i32, count, consensus, normalize (i32), lambda, const_divisor (f32), deltas (i32).
  const M = WASM_MAX_MODELS;
  const u32 = new Uint32Array(k.memory.buffer, k.settings, 5 * M + 6);
  const f32 = new Float32Array(k.memory.buffer, k.settings, 5 * M + 6);
  const i32 = new Int32Array(k.memory.buffer, k.settings, 5 * M + 6);
  for (let i = 0; i < count; i++) {
    const sel = selections[i];
    const active = sel?.active === true;
    u32[i] = models[i] as number;
    f32[M + i] = weights[i] as number;
    u32[2 * M + i] = active ? sel.threshold : 0;
    i32[3 * M + i] = active ? 1 : 0;
    i32[4 * M + i] = active ? sel.remaining : 0;
  }
  i32[5 * M] = count;
  i32[5 * M + 1] = consensus ? 1 : 0;
  i32[5 * M + 2] = job.params.normalize === true ? 1 : 0;
  f32[5 * M + 3] = Math.fround(job.params.lambda as number);
  f32[5 * M + 4] = constDivisor;
  i32[5 * M + 5] = deltas ? 1 : 0;
}

/** The trim selections of a whole tensor from its models' histograms (summed over ranges by the caller). */
export function selectionsFrom(n: number, modelParams: readonly Record<string, unknown>[], trim: boolean, hists: readonly Uint32Array[][]): TrimSelection[] {
  return modelParams.map((mp, i) => {
    const selector = new MagnitudeSelector(n, mp.density as number);
    if (!trim || selector.keepsAll) return { active: false, threshold: 0, remaining: 0 };
    for (const range of hists) selector.observeHighCounts(range[i] as Uint32Array);
    selector.finishHigh();
    selector.finishLow(); // task vectors are bf16 values: the high-half bucket is the threshold
    return { active: true, ...selector.selection() };
  });
}

/** Which models are trimmed at all (density < 1 and more than the kept count). */
export function trimmedModels(n: number, modelParams: readonly Record<string, unknown>[], trim: boolean): boolean[] {
  return modelParams.map((mp) => trim && !new MagnitudeSelector(n, mp.density as number).keepsAll);
}

/**
 * The blocked bf16 TIES / task-arithmetic merge (blocked.ts) on the WebAssembly SIMD kernel: the same
 * float32 steps and bf16 roundings, so the same bits, several times faster. Inputs are copied block by
 * block into the kernel's memory; pass 1 computes the task vectors and their magnitude histograms
 * (when trimming), pass 2 recomputes the task vectors from the raw blocks, trims, weights, mixes and
 * adds the base.
 */
export function mergeBf16Wasm(job: ComputeJob, consensus: boolean, trim: boolean): Uint8Array {
  const n = job.shape.reduce((a, b) => a * b, 1);
  const models = trimmedModels(n, job.modelParams, trim);
  const hists = models.some(Boolean) ? [wasmHistograms(job, models)] : [];
  return wasmMix(job, consensus, selectionsFrom(n, job.modelParams, trim, hists));
}
