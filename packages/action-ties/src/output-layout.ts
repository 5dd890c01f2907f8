import { basename } from 'node:path';
import { SINGLE_FILE_NAME, shardFileName, type Checkpoint, type Dtype, type TensorInfo } from '@lamdagent/safetensors';

/** One output file: its plain name and the tensors it holds, in order. */
export interface OutputShard {
  file: string;
  tensors: { name: string; dtype: Dtype; shape: number[]; byteLength: number }[];
}

/** The output checkpoint's files; `indexed` when a `model.safetensors.index.json` goes with them. */
export interface OutputLayout {
  shards: OutputShard[];
  indexed: boolean;
  totalBytes: number;
}

/**
 * Where each merged tensor goes. Without `maxShardBytes` the output mirrors the template checkpoint
 * (the base): one `model.safetensors`, or the same shard files holding the same tensors in the same
 * order, with an index. With `maxShardBytes` the tensors are split greedily in the template's order,
 * as Hugging Face does: a shard closes when the next tensor would take it past the limit (a larger
 * tensor gets a shard of its own); one shard is written as `model.safetensors`, more as
 * `model-0000i-of-0000K.safetensors` plus an index.
 */
export function planOutputLayout(template: Checkpoint, maxShardBytes?: number): OutputLayout {
  const tensors = template.names().map((name) => {
    const info: TensorInfo = template.info(name);
    return { name, dtype: info.dtype, shape: [...info.shape], byteLength: info.byteLength };
  });
  const totalBytes = tensors.reduce((s, t) => s + t.byteLength, 0);
  if (maxShardBytes === undefined) {
    if (template.layout === 'single' || template.index === undefined) {
      return { shards: [{ file: SINGLE_FILE_NAME, tensors }], indexed: false, totalBytes };
    }
    const weightMap = template.index.weightMap;
    const byFile = new Map<string, OutputShard>();
    for (const t of tensors) {
      const file = basename(weightMap.get(t.name) ?? SINGLE_FILE_NAME);
      let shard = byFile.get(file);
      if (!shard) byFile.set(file, (shard = { file, tensors: [] }));
      shard.tensors.push(t);
    }
    return { shards: [...byFile.values()], indexed: true, totalBytes };
  }
  const groups: OutputShard['tensors'][] = [[]];
  let size = 0;
  for (const t of tensors) {
    const current = groups[groups.length - 1] as OutputShard['tensors'];
    if (current.length > 0 && size + t.byteLength > maxShardBytes) {
      groups.push([t]);
      size = t.byteLength;
    } else {
      current.push(t);
      size += t.byteLength;
    }
  }
  if (groups.length === 1) return { shards: [{ file: SINGLE_FILE_NAME, tensors: groups[0] ?? [] }], indexed: false, totalBytes };
  return {
    shards: groups.map((g, i) => ({ file: shardFileName(i + 1, groups.length), tensors: g })),
    indexed: true,
    totalBytes,
  };
}
