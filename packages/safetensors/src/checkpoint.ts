import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsError } from './errors.js';
import type { TensorInfo } from './header.js';
import { io } from './io.js';
import { SafetensorsFile, TensorReaderBase, type TensorLocation } from './reader.js';
import { INDEX_FILE_NAME, parseShardIndex, SINGLE_FILE_NAME, type ShardIndex } from './shard-index.js';

/** One read interface over a single-file or a sharded checkpoint. */
export class Checkpoint extends TensorReaderBase {
  /** The folder (or, for a file opened directly, the file) this checkpoint was opened from. */
  readonly path: string;
  readonly layout: 'single' | 'sharded';
  /** The validated index of a sharded checkpoint. */
  readonly index: ShardIndex | undefined;
  protected readonly label: string;
  private readonly shards: SafetensorsFile[];
  private readonly owner: Map<string, SafetensorsFile>;

  private constructor(path: string, layout: 'single' | 'sharded', index: ShardIndex | undefined, shards: SafetensorsFile[]) {
    super();
    this.path = path;
    this.label = path;
    this.layout = layout;
    this.index = index;
    this.shards = shards;
    this.owner = new Map();
    for (const shard of shards) for (const name of shard.names()) this.owner.set(name, shard);
  }

  /**
   * Opens a checkpoint: `path` is a .safetensors file, or a folder with `model.safetensors` (preferred when
   * both exist, as Hugging Face loaders do) or `model.safetensors.index.json` and its shards.
   */
  static async open(path: string): Promise<Checkpoint> {
    const kind = await stat(path).catch(() => undefined);
    if (kind === undefined) throw new SafetensorsError('CHECKPOINT_NOT_FOUND', 'no such file or folder', { path });
    if (kind.isFile()) return new Checkpoint(path, 'single', undefined, [await SafetensorsFile.open(path)]);
    const single = join(path, SINGLE_FILE_NAME);
    if (await isFile(single)) return new Checkpoint(path, 'single', undefined, [await SafetensorsFile.open(single)]);
    const indexPath = join(path, INDEX_FILE_NAME);
    if (!(await isFile(indexPath))) {
      throw new SafetensorsError('CHECKPOINT_NOT_FOUND', `folder has neither ${SINGLE_FILE_NAME} nor ${INDEX_FILE_NAME}`, { path });
    }
    const text = await io(indexPath, 'read index', () => readFile(indexPath, 'utf8'));
    const index = parseShardIndex(text, indexPath);
    const files = [...new Set(index.weightMap.values())].sort();
    const shards: SafetensorsFile[] = [];
    try {
      for (const file of files) {
        const shardPath = join(path, file);
        if (!(await isFile(shardPath))) {
          const tensor = [...index.weightMap].find(([, f]) => f === file)?.[0];
          throw new SafetensorsError('SHARD_MISSING', `shard ${JSON.stringify(file)} listed in the index does not exist`, {
            path: indexPath,
            tensor,
          });
        }
        shards.push(await SafetensorsFile.open(shardPath));
      }
      checkShards(indexPath, index, files, shards);
    } catch (error) {
      await Promise.all(shards.map((s) => s.close()));
      throw error;
    }
    return new Checkpoint(path, 'sharded', index, shards);
  }

  /** The files read, in order. */
  files(): string[] {
    return this.shards.map((s) => s.path);
  }

  /** Total bytes read from all files so far (headers included). */
  get bytesRead(): number {
    return this.shards.reduce((sum, s) => sum + s.bytesRead, 0);
  }

  names(): string[] {
    return this.shards.flatMap((s) => s.names());
  }

  has(name: string): boolean {
    return this.owner.has(name);
  }

  info(name: string): TensorInfo {
    return this.shardOf(name).info(name);
  }

  metadata(): Record<string, string> | undefined {
    return this.shards[0]?.metadata();
  }

  readBytes(name: string): Promise<Uint8Array> {
    return this.shardOf(name).readBytes(name);
  }

  /** Where a tensor's bytes are: its shard's path, the absolute file offset of its first byte, its length. */
  locate(name: string): TensorLocation {
    return this.shardOf(name).locate(name);
  }

  readByteRange(name: string, start: number, end: number): Promise<Uint8Array> {
    return this.shardOf(name).readByteRange(name, start, end);
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.close()));
  }

  private shardOf(name: string): SafetensorsFile {
    const shard = this.owner.get(name);
    if (shard === undefined) throw new SafetensorsError('TENSOR_NOT_FOUND', 'no such tensor in this checkpoint', { path: this.path, tensor: name });
    return shard;
  }
}

/** Opens a checkpoint (see Checkpoint.open). */
export function openCheckpoint(path: string): Promise<Checkpoint> {
  return Checkpoint.open(path);
}

async function isFile(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  return s?.isFile() ?? false;
}

/** Every mapped tensor is in its shard; every shard tensor is mapped there (so none is in two shards). */
function checkShards(indexPath: string, index: ShardIndex, files: string[], shards: SafetensorsFile[]): void {
  const byFile = new Map(files.map((f, i) => [f, shards[i] as SafetensorsFile]));
  for (const [tensor, file] of index.weightMap) {
    if (!byFile.get(file)?.has(tensor)) {
      throw new SafetensorsError('SHARD_TENSOR_MISSING', `index maps the tensor to ${JSON.stringify(file)}, which does not hold it`, {
        path: indexPath,
        tensor,
      });
    }
  }
  for (const [file, shard] of byFile) {
    for (const tensor of shard.names()) {
      const mapped = index.weightMap.get(tensor);
      if (mapped === file) continue;
      if (mapped !== undefined) {
        throw new SafetensorsError('SHARD_DUPLICATE_TENSOR', `tensor is in both ${JSON.stringify(mapped)} and ${JSON.stringify(file)}`, {
          path: indexPath,
          tensor,
        });
      }
      throw new SafetensorsError('SHARD_TENSOR_UNMAPPED', `shard ${JSON.stringify(file)} holds a tensor the index does not list`, {
        path: indexPath,
        tensor,
      });
    }
  }
}
