import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsError } from './errors.js';
import { io, writeFileAtomic } from './io.js';
import { planLayout, type LayoutEntry, type LayoutOptions } from './layout.js';
import { formatShardIndex, INDEX_FILE_NAME, SHARD_FILE_PATTERN, shardFileName, SINGLE_FILE_NAME } from './shard-index.js';
import { writeSafetensors, type TensorData, type TensorToWrite } from './writer.js';

/** Default largest shard, in bytes of tensor data (Hugging Face's default "5GB"). */
export const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

export interface WriteShardedOptions extends LayoutOptions {
  /** A new shard starts when the next tensor would take the current one past this many bytes of data. */
  maxShardBytes?: number | undefined;
}

export interface WriteShardedResult {
  /** The files written, as plain names in the folder (the shards, then the index if any). */
  files: string[];
  /** The index file name when more than one shard was written. */
  index: string | undefined;
  /** Sum of the tensors' byte lengths (the index's `total_size`). */
  totalSize: number;
}

/**
 * Writes a checkpoint into `dir` (created if needed) in the Hugging Face layout: one `model.safetensors`
 * when everything fits in one shard, else `model-00001-of-0000K.safetensors` shards and
 * `model.safetensors.index.json`. Tensors are placed in order (see LayoutOptions.order); a shard is closed
 * when the next tensor would exceed `maxShardBytes` (a tensor larger than that gets a shard of its own).
 * Each file is written atomically; the index is written after all shards; then checkpoint files of
 * this naming scheme that the new checkpoint does not use (a stale `model.safetensors`, index or
 * shards) are removed. Data given as functions is produced one tensor at a time.
 */
export async function writeSharded(dir: string, tensors: readonly TensorToWrite[], options: WriteShardedOptions = {}): Promise<WriteShardedResult> {
  const max = options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  if (!Number.isSafeInteger(max) || max <= 0) {
    throw new SafetensorsError('INVALID_ARGUMENT', `maxShardBytes must be a positive integer, got ${max}`, { path: dir });
  }
  let layout;
  try {
    layout = planLayout(tensors, options);
  } catch (error) {
    throw error instanceof SafetensorsError ? error.withPath(dir) : error;
  }
  const groups = splitIntoShards(layout.entries, max);
  const data = new Map<string, TensorData>(tensors.map((t) => [t.name, t.data]));
  await io(dir, 'create folder', () => mkdir(dir, { recursive: true }));

  const names = groups.length === 1 ? [SINGLE_FILE_NAME] : groups.map((_, i) => shardFileName(i + 1, groups.length));
  const weightMap = new Map<string, string>();
  for (const [i, group] of groups.entries()) {
    const file = names[i] as string;
    const shardTensors = group.map((e): TensorToWrite => ({ name: e.name, dtype: e.dtype, shape: e.shape, data: data.get(e.name) as TensorData }));
    await writeSafetensors(join(dir, file), shardTensors, { metadata: options.metadata, order: 'given' });
    for (const e of group) weightMap.set(e.name, file);
  }
  let index: string | undefined;
  if (groups.length > 1) {
    index = INDEX_FILE_NAME;
    await writeFileAtomic(join(dir, index), new TextEncoder().encode(formatShardIndex(layout.dataLength, weightMap)));
  }
  const files = index === undefined ? names : [...names, index];
  await removeStale(dir, new Set(files));
  return { files, index, totalSize: layout.dataLength };
}

/** Greedy split in order; an empty checkpoint is one empty shard. */
function splitIntoShards(entries: readonly LayoutEntry[], max: number): LayoutEntry[][] {
  const groups: LayoutEntry[][] = [[]];
  let size = 0;
  for (const e of entries) {
    const current = groups[groups.length - 1] as LayoutEntry[];
    if (current.length > 0 && size + e.byteLength > max) {
      groups.push([e]);
      size = e.byteLength;
    } else {
      current.push(e);
      size += e.byteLength;
    }
  }
  return groups;
}

async function removeStale(dir: string, keep: ReadonlySet<string>): Promise<void> {
  const present = await io(dir, 'list folder', () => readdir(dir));
  for (const name of present) {
    const ours = name === SINGLE_FILE_NAME || name === INDEX_FILE_NAME || SHARD_FILE_PATTERN.test(name);
    if (ours && !keep.has(name)) {
      await io(join(dir, name), 'remove stale file', () => unlink(join(dir, name)));
    }
  }
}
