import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatShardIndex, INDEX_FILE_NAME, openCheckpoint, SafetensorsWriter, type Checkpoint } from '@lamdagent/safetensors';
import { copyNonWeightFiles } from '../copy-files.js';
import { checkSettingNames, evaluateParams, getMergeMethod } from '../method/index.js';
import { MergeOptionsError } from '../errors.js';
import type { ComputeJob, RawTensor } from './compute.js';
import { planShards } from './layout.js';
import { planMerge, type MergePlan, type PlannedTensor, type SourceRef } from './plan.js';
import { ComputePool, defaultThreads } from './pool.js';
import { mergeSplit, splittable } from './split.js';
import type { FileSpan } from './range.js';
import type { MergeRequest } from './request.js';

/** Default read-ahead budget: bounds peak memory to about one large tensor's inputs plus this. */
export const DEFAULT_INFLIGHT_BYTES = 256e6;

/** Below this much input, the default is the main thread only. */
export const SMALL_MERGE_BYTES = 64e6;

export interface RunMergeProgress {
  tensor: string;
  done: number;
  total: number;
  /** Output bytes written so far / in all. */
  bytesDone: number;
  bytesTotal: number;
  /** Input bytes read so far. */
  bytesRead: number;
}

export interface RunMergeOptions {
  outputDir: string;
  /** Only open the inputs' headers and plan: check names, shapes, dtypes and parameters; write nothing. */
  dryRun?: boolean;
  /** Refuse an output folder that exists (the CLI); otherwise it is created or reused. */
  refuseExisting?: boolean;
  /** Split the output into shards of at most this many bytes. */
  maxShardBytes?: number;
  /** Worker threads merging tensors (default: one per core, none below 64 MB of input; 0: the main thread). */
  threads?: number;
  /** Input bytes read ahead while earlier tensors merge (default 256 MB; one tensor per thread is always allowed). */
  inflightBytes?: number;
  /** Copy config, tokenizer and other non-weight files (default true). */
  copyFiles?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: RunMergeProgress) => void;
}

export interface RunMergeResult {
  plan: MergePlan;
  tensors: number;
  mergedTensors: number;
  copiedTensors: number;
  bytesRead: number;
  bytesWritten: number;
  /** Sum of the input tensors' sizes (what input MB/s is measured on). */
  inputBytes: number;
  seconds: number;
  files: string[];
  copiedFiles: string[];
  threads: number;
  /** Tensors split into ranges merged on every worker thread (large bf16 TIES / task arithmetic). */
  splitTensors: number;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

function requestPaths(r: MergeRequest): string[] {
  const paths = [
    ...(r.base ? [r.base] : []),
    ...(r.models ?? []).map((m) => m.path),
    ...(r.slices ?? []).flatMap((s) => [...(s.base ? [s.base] : []), ...s.sources.map((x) => x.path)]),
  ];
  return [...new Set(paths)];
}

/** Method, parameter names and values checked before any file is opened (values again per tensor in the plan). */
function precheck(r: MergeRequest): void {
  const def = getMergeMethod(r.method);
  if (!r.models) return;
  const settings = { params: r.params ?? {}, modelParams: r.models.filter((m) => !(def.base !== 'none' && m.path === r.base)).map((m) => m.params ?? {}) };
  checkSettingNames(def, settings);
  evaluateParams(def, settings, '', 0);
}

/** Opens every input's header(s) and plans the merge; the caller closes the checkpoints. */
export async function openAndPlan(request: MergeRequest): Promise<{ plan: MergePlan; open: Map<string, Checkpoint> }> {
  const open = new Map<string, Checkpoint>();
  try {
    for (const path of requestPaths(request)) open.set(path, await openCheckpoint(path));
    return { plan: planMerge(request, open), open };
  } catch (error) {
    await Promise.all([...open.values()].map((c) => c.close()));
    throw error;
  }
}

/**
 * Runs a merge: plans it from the inputs' headers (every problem reported before a byte of weights is
 * read), then streams tensor by tensor: reads the sources of the next tensors while worker threads
 * merge the current ones, writes the results in order into shards as they come, copies the tokenizer
 * and config. Memory: about (threads + 1) tensors' inputs and outputs in flight.
 */
export async function runMerge(request: MergeRequest, options: RunMergeOptions): Promise<RunMergeResult> {
  const started = performance.now();
  if (options.maxShardBytes !== undefined && !(Number.isSafeInteger(options.maxShardBytes) && options.maxShardBytes > 0)) {
    throw new MergeOptionsError(`maxShardBytes must be a positive integer, got ${options.maxShardBytes}`);
  }
  if (options.refuseExisting && (await exists(options.outputDir))) {
    throw new MergeOptionsError(`output folder ${options.outputDir} exists: give a new folder (nothing was written)`);
  }
  if (request.tokenizerSource && !(await exists(request.tokenizerSource))) {
    throw new MergeOptionsError(`tokenizer_source ${request.tokenizerSource} does not exist`);
  }
  precheck(request);
  const { plan, open } = await openAndPlan(request);
  const inputBytes = plan.tensors.reduce(
    (s, t) => s + [t.base, ...t.models].reduce((a, r) => a + (r ? (open.get(r.path)?.info(r.name).byteLength ?? 0) : 0), 0),
    0,
  );
  // small merges (tests, tiny models in a loop) run on the main thread: starting workers costs more
  const threads = options.threads ?? (inputBytes < SMALL_MERGE_BYTES ? 0 : defaultThreads());
  const result = (
    files: string[],
    copiedFiles: string[],
    bytesWritten: number,
    usedThreads: number,
    splitTensors = 0,
    workerBytesRead = 0,
  ): RunMergeResult => ({
    plan,
    tensors: plan.tensors.length,
    mergedTensors: plan.tensors.filter((t) => t.kind === 'merge').length,
    copiedTensors: plan.tensors.filter((t) => t.kind === 'copy').length,
    bytesRead: [...open.values()].reduce((s, c) => s + c.bytesRead, 0) + workerBytesRead,
    bytesWritten,
    inputBytes,
    seconds: (performance.now() - started) / 1000,
    files,
    copiedFiles,
    threads: usedThreads,
    splitTensors,
  });
  if (options.dryRun) {
    await Promise.all([...open.values()].map((c) => c.close()));
    return result([], [], 0, 0);
  }
  // With refuseExisting, everything goes into a temporary sibling folder renamed at the end.
  const target = options.outputDir;
  const dir = options.refuseExisting ? join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}`) : target;
  const pool = new ComputePool(threads);
  try {
    await mkdir(dir, { recursive: true });
    const layout = planShards(plan.tensors, open.get(plan.template) as Checkpoint, options.maxShardBytes);
    const bytesTotal = plan.tensors.reduce((s, t) => s + t.byteLength, 0);
    await writeAll(plan, layout.shards, open, pool, dir, options, bytesTotal, request.seed ?? 0);
    const files = layout.shards.map((s) => s.file);
    if (layout.indexed) {
      const weightMap = new Map<string, string>();
      for (const s of layout.shards) for (const t of s.tensors) weightMap.set(t.name, s.file);
      await writeFile(join(dir, INDEX_FILE_NAME), formatShardIndex(bytesTotal, weightMap));
      files.push(INDEX_FILE_NAME);
    }
    const copiedFiles = options.copyFiles === false ? [] : await copyNonWeightFiles(request.tokenizerSource ?? plan.template, dir);
    if (options.copyFiles !== false) await adjustConfig(dir, plan, request);
    if (dir !== target) await rename(dir, target);
    return result(files, copiedFiles, bytesTotal, pool.threads, pool.splitTensors, pool.bytesRead);
  } catch (error) {
    if (dir !== target) await rm(dir, { recursive: true, force: true });
    throw error;
  } finally {
    await pool.close();
    await Promise.all([...open.values()].map((c) => c.close()));
  }
}

/** config.json: the layer count after slicing, the dtype written. */
async function adjustConfig(dir: string, plan: MergePlan, request: MergeRequest): Promise<void> {
  const path = join(dir, 'config.json');
  if (!(await exists(path))) return;
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  let changed = false;
  if (plan.layers !== undefined) {
    for (const key of ['num_hidden_layers', 'n_layer', 'num_layers']) {
      if (typeof config[key] === 'number' && config[key] !== plan.layers) {
        config[key] = plan.layers;
        changed = true;
      }
    }
  }
  const out = request.outDtype ?? request.dtype;
  if (out && 'torch_dtype' in config) {
    config.torch_dtype = { F32: 'float32', BF16: 'bfloat16', F16: 'float16', F64: 'float64' }[out as string] ?? config.torch_dtype;
    changed = true;
  }
  if (changed) await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
}

async function readSource(open: ReadonlyMap<string, Checkpoint>, ref: SourceRef): Promise<RawTensor> {
  const bytes = await (open.get(ref.path) as Checkpoint).readBytes(ref.name);
  return { bytes, dtype: ref.dtype, shape: ref.shape };
}

/** A tensor's merged bytes, or WRITTEN: already in its place in the output file. */
const WRITTEN = Symbol('written');
type Produced = Uint8Array | typeof WRITTEN;

async function produce(
  t: PlannedTensor,
  plan: MergePlan,
  open: ReadonlyMap<string, Checkpoint>,
  pool: ComputePool,
  seed: number,
  place: (name: string) => FileSpan,
): Promise<Produced> {
  if (t.kind === 'copy') return (await readSource(open, t.base as SourceRef)).bytes;
  if (splittable(t, plan.method.name, pool)) {
    pool.splitTensors++;
    // the workers write the ranges' outputs into the output file themselves
    await mergeSplit(t, plan.method.name, open, pool, place(t.name));
    return WRITTEN;
  }
  const [base, ...models] = await Promise.all([t.base ? readSource(open, t.base) : null, ...t.models.map((m) => readSource(open, m))]);
  const job: ComputeJob = {
    method: plan.method.name,
    name: t.name,
    shape: t.shape,
    work: t.work,
    dtype: t.dtype,
    base: base ?? null,
    models: models as RawTensor[],
    params: t.params,
    modelParams: t.modelParams,
    seed,
  };
  return pool.run(job);
}

async function writeAll(
  plan: MergePlan,
  shards: ReturnType<typeof planShards>['shards'],
  open: ReadonlyMap<string, Checkpoint>,
  pool: ComputePool,
  dir: string,
  options: RunMergeOptions,
  bytesTotal: number,
  seed: number,
): Promise<void> {
  const items = shards.flatMap((s) => s.tensors);
  const ahead = Math.max(2, pool.threads + 1);
  const inflight: (Promise<Produced> | undefined)[] = [];
  let started = 0;
  // Input bytes of the tensors in flight: a new tensor starts while under the budget (or when none is in flight).
  const inputSize = (t: PlannedTensor): number =>
    [t.base, ...t.models].reduce((s, r) => s + (r ? (open.get(r.path) as Checkpoint).info(r.name).byteLength : 0), 0);
  const budget = options.inflightBytes ?? DEFAULT_INFLIGHT_BYTES;
  let inflightBytes = 0;
  const startUpTo = (limit: number): void => {
    for (; started < Math.min(limit, items.length); started++) {
      const t = items[started] as PlannedTensor;
      const size = inputSize(t);
      // every worker gets a tensor; beyond that, read ahead only within the budget
      if (started - done >= Math.max(1, pool.threads) && inflightBytes + size > budget) break;
      inflightBytes += size;
      const p = produce(t, plan, open, pool, seed, place).finally(() => {
        inflightBytes -= size;
      });
      p.catch(() => undefined); // awaited in order below; a later failure must not go unhandled meanwhile
      inflight[started] = p;
    }
  };
  const metadata = { format: 'pt', merge_method: plan.method.name };
  let done = 0;
  let bytesDone = 0;
  // every shard's file is created first: a split tensor's ranges are written into it by the workers
  const writers: SafetensorsWriter[] = [];
  const writerOf = new Map<string, SafetensorsWriter>();
  const place = (name: string): FileSpan => {
    const where = (writerOf.get(name) as SafetensorsWriter).placeOf(name);
    return { path: where.path, offset: where.offset, length: where.byteLength };
  };
  try {
    for (const shard of shards) {
      const writer = await SafetensorsWriter.create(join(dir, shard.file), {
        tensors: shard.tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
        metadata,
        order: 'given',
      });
      writers.push(writer);
      for (const t of shard.tensors) writerOf.set(t.name, writer);
    }
    for (const [s, shard] of shards.entries()) {
      const writer = writers[s] as SafetensorsWriter;
      for (const t of shard.tensors) {
        options.signal?.throwIfAborted();
        startUpTo(done + ahead);
        const bytes = await (inflight[done] as Promise<Produced>);
        inflight[done] = undefined;
        await (bytes === WRITTEN ? writer.writtenElsewhere(t.name) : writer.write(t.name, bytes));
        done++;
        bytesDone += t.byteLength;
        options.onProgress?.({
          tensor: t.name,
          done,
          total: items.length,
          bytesDone,
          bytesTotal,
          bytesRead: [...open.values()].reduce((sum, c) => sum + c.bytesRead, 0) + pool.bytesRead,
        });
      }
      await writer.finish();
    }
  } catch (error) {
    // workers may still be writing into the temporary files: let them finish before removing them
    await Promise.all(inflight.filter((p) => p !== undefined).map((p) => p.catch(() => undefined)));
    await Promise.all(writers.map((w) => w.abort().catch(() => undefined)));
    throw error;
  }
}
