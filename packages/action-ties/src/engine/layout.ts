import { basename } from 'node:path';
import { SINGLE_FILE_NAME, shardFileName, type Checkpoint } from '@lamdagent/safetensors';
import type { PlannedTensor } from './plan.js';

/** Hugging Face's default largest shard. */
export const DEFAULT_SHARD_BYTES = 5_000_000_000;

export interface PlannedShard {
  file: string;
  tensors: PlannedTensor[];
}

/**
 * Output files: with `maxShardBytes`, tensors are split greedily in order (a tensor larger than the
 * limit gets a shard of its own); without it, the output mirrors the template's shards when it has the
 * same tensors, else uses Hugging Face's 5 GB default. One shard is written as `model.safetensors`.
 */
export function planShards(tensors: readonly PlannedTensor[], template: Checkpoint, maxShardBytes?: number): { shards: PlannedShard[]; indexed: boolean } {
  const sameNames = tensors.length === template.names().length && tensors.every((t) => template.has(t.name));
  if (maxShardBytes === undefined && sameNames && template.layout === 'sharded' && template.index) {
    const weightMap = template.index.weightMap;
    const byFile = new Map<string, PlannedShard>();
    for (const t of tensors) {
      const file = basename(weightMap.get(t.name) ?? SINGLE_FILE_NAME);
      let shard = byFile.get(file);
      if (!shard) byFile.set(file, (shard = { file, tensors: [] }));
      shard.tensors.push(t);
    }
    return { shards: [...byFile.values()], indexed: true };
  }
  const max = maxShardBytes ?? (sameNames && template.layout === 'single' ? Number.POSITIVE_INFINITY : DEFAULT_SHARD_BYTES);
  const groups: PlannedTensor[][] = [[]];
  let size = 0;
  for (const t of tensors) {
    const current = groups[groups.length - 1] as PlannedTensor[];
    if (current.length > 0 && size + t.byteLength > max) {
      groups.push([t]);
      size = t.byteLength;
    } else {
      current.push(t);
      size += t.byteLength;
    }
  }
  if (groups.length === 1) return { shards: [{ file: SINGLE_FILE_NAME, tensors: groups[0] ?? [] }], indexed: false };
  return { shards: groups.map((g, i) => ({ file: shardFileName(i + 1, groups.length), tensors: g })), indexed: true };
}
