import { copyFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Weight files and indices: written by the merge, never copied from the base. */
const WEIGHT_FILE = /(\.safetensors|\.bin|\.pt|\.pth|\.ckpt|\.h5|\.msgpack|\.gguf|\.index\.json)$/i;

/** True for the files of a model folder that are not weights: config, tokenizer, generation config, ... */
export function isNonWeightFile(name: string): boolean {
  return !name.startsWith('.') && !WEIGHT_FILE.test(name);
}

/**
 * Copies the top-level non-weight files (config.json, generation_config.json, tokenizer files, ...) of
 * the model folder `from` into `to`; hidden files and subfolders are left out, symlinks are followed. Returns the names copied.
 * A `from` that is a single .safetensors file has nothing to copy.
 */
export async function copyNonWeightFiles(from: string, to: string): Promise<string[]> {
  if (!(await stat(from)).isDirectory()) return [];
  const copied: string[] = [];
  for (const name of await readdir(from)) {
    if (!isNonWeightFile(name)) continue;
    // stat follows symlinks (Hugging Face cache snapshots are folders of links).
    if (!(await stat(join(from, name))).isFile()) continue;
    await copyFile(join(from, name), join(to, name));
    copied.push(name);
  }
  return copied.sort();
}
