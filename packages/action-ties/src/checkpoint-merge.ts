import { runMerge, type RunMergeProgress } from './engine/execute.js';
import { MergeOptionsError } from './errors.js';
import { getMergeMethod } from './method/index.js';
import { specToRequest, type MergeSpecInput } from './methods.js';

export type MergeProgress = RunMergeProgress;

export interface MergeCheckpointsOptions {
  /** Method, one weight per model, and the method's parameters (mergekit's names and defaults). */
  merge: MergeSpecInput;
  /**
   * Base model folder (or .safetensors file): required by methods that take task vectors from it. It is
   * also the template: its tensor names, dtypes, sharding and non-weight files are those of the output.
   * For methods without a base (linear) it is only a template; the first model is the template when absent.
   */
  base?: string;
  /** Model folders (or .safetensors files) to merge, in order (per-model parameters follow this order). */
  models: readonly string[];
  /** Folder the merged model is written into (created if needed). */
  outputDir: string;
  /** Split the output into shards of at most this many bytes of tensor data; default: shard as the base. */
  maxShardBytes?: number;
  /** Copy the template's non-weight files (config.json, tokenizer files, ...); default true. */
  copyFiles?: boolean;
  /** Worker threads (default one per core; 0 merges on the main thread). */
  threads?: number;
  /** Accepted for compatibility; tensors are now merged whole on worker threads. */
  chunkElements?: number;
  signal?: AbortSignal;
  onProgress?: (progress: MergeProgress) => void;
}

export interface MergeCheckpointsResult {
  method: string;
  tensors: number;
  mergedTensors: number;
  copiedTensors: number;
  bytesRead: number;
  bytesWritten: number;
  seconds: number;
  /** bytesWritten / 1e6 / seconds: merged model size per second. */
  mbPerSec: number;
  files: string[];
  copiedFiles: string[];
}

/** Merges checkpoints of the same architecture with a compact spec (see `runMerge` for the full form). */
export async function mergeCheckpoints(options: MergeCheckpointsOptions): Promise<MergeCheckpointsResult> {
  if (options.models.length === 0) throw new MergeOptionsError('no models to merge');
  if (options.chunkElements !== undefined && !(Number.isSafeInteger(options.chunkElements) && options.chunkElements > 0)) {
    throw new MergeOptionsError(`chunkElements must be a positive integer, got ${options.chunkElements}`);
  }
  const def = getMergeMethod(options.merge.method);
  if (def.base === 'required' && options.base === undefined) throw new MergeOptionsError(`${def.name} needs a base model`);
  const request = specToRequest(options.merge, options.base, options.models);
  const r = await runMerge(request, {
    outputDir: options.outputDir,
    ...(options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.copyFiles !== undefined ? { copyFiles: options.copyFiles } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return {
    method: def.name,
    tensors: r.tensors,
    mergedTensors: r.mergedTensors,
    copiedTensors: r.copiedTensors,
    bytesRead: r.bytesRead,
    bytesWritten: r.bytesWritten,
    seconds: r.seconds,
    mbPerSec: r.seconds > 0 ? r.bytesWritten / 1e6 / r.seconds : 0,
    files: r.files,
    copiedFiles: r.copiedFiles,
  };
}
