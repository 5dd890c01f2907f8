import { SafetensorsError } from './errors.js';
import { findDuplicateKey } from './json-keys.js';

/** The single-file checkpoint name of the Hugging Face layout. */
export const SINGLE_FILE_NAME = 'model.safetensors';
/** The index of a sharded checkpoint. */
export const INDEX_FILE_NAME = 'model.safetensors.index.json';
/** Shard names this package writes (and removes when stale): model-00001-of-00003.safetensors. */
export const SHARD_FILE_PATTERN = /^model-(\d{5,})-of-(\d{5,})\.safetensors$/;

/** A validated `model.safetensors.index.json`. */
export interface ShardIndex {
  /** The index's `metadata` object, as found (usually just `total_size`). */
  metadata: Record<string, unknown>;
  /** `metadata.total_size` (the sum of the tensors' byte lengths, by convention), if present. */
  totalSize: number | undefined;
  /** Tensor name -> shard file name (a plain name in the same folder), in the index's order. */
  weightMap: Map<string, string>;
}

/** The name of shard `index` (1-based) of `count`: model-00001-of-00003.safetensors. */
export function shardFileName(index: number, count: number): string {
  const pad = (n: number): string => String(n).padStart(5, '0');
  return `model-${pad(index)}-of-${pad(count)}.safetensors`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a plain file name: not empty, no folder separators, not "." or "..". */
export function isPlainFileName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** Parses and validates an index file's text. */
export function parseShardIndex(text: string, path: string): ShardIndex {
  const fail = (rule: string, tensor?: string): never => {
    throw new SafetensorsError('INVALID_INDEX', rule, { path, tensor });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError('INVALID_INDEX', `index is not valid JSON (${(cause as Error).message})`, { path, cause });
  }
  if (!isPlainObject(json)) return fail('index JSON must be an object');
  const dup = findDuplicateKey(text);
  if (dup !== undefined && dup.path.length === 1 && dup.path[0] === 'weight_map') {
    throw new SafetensorsError('SHARD_DUPLICATE_TENSOR', 'tensor is listed twice in weight_map', { path, tensor: dup.key });
  }
  if (dup !== undefined) fail(`key ${JSON.stringify(dup.key)} appears twice${dup.path.length > 0 ? ` in ${dup.path.join('.')}` : ''}`);

  const metadata = json.metadata ?? {};
  if (!isPlainObject(metadata)) return fail('"metadata" must be an object');
  const total = metadata.total_size;
  if (total !== undefined && (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0)) {
    fail(`"metadata.total_size" must be a non-negative integer, got ${JSON.stringify(total)}`);
  }
  const map = json.weight_map;
  if (!isPlainObject(map)) return fail('"weight_map" must be an object mapping tensor names to shard file names');
  const weightMap = new Map<string, string>();
  for (const [tensor, file] of Object.entries(map)) {
    if (typeof file !== 'string') return fail(`shard file name must be a string, got ${JSON.stringify(file)}`, tensor);
    if (!isPlainFileName(file)) return fail(`shard ${JSON.stringify(file)} must be a plain file name in the checkpoint folder`, tensor);
    weightMap.set(tensor, file);
  }
  return { metadata, totalSize: total as number | undefined, weightMap };
}

/** The index file's text as the reference tools write it: 2-space indent, keys sorted, final newline. */
export function formatShardIndex(totalSize: number, weightMap: ReadonlyMap<string, string>): string {
  const names = [...weightMap.keys()].sort();
  const lines = names.map((name) => `    ${JSON.stringify(name)}: ${JSON.stringify(weightMap.get(name))}`);
  const body = lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n  }`;
  return `{\n  "metadata": {\n    "total_size": ${totalSize}\n  },\n  "weight_map": ${body}\n}\n`;
}
