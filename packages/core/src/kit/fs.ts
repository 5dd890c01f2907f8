import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Write a file atomically: temp name in the same folder, fsync, rename, fsync the folder. With
 * `durable: false` the fsyncs are skipped (still atomic: readers see the old or the new file).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: { durable?: boolean } = {}): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, data);
    if (opts.durable !== false) {
      const fd = openSync(tmp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  if (opts.durable !== false) fsyncDir(path.dirname(file));
}

/** fsync a folder so a rename inside it is durable. */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* some file systems refuse fsync on folders; the rename is still atomic */
  }
}

/** Last `maxChars` characters of a text file (for error excerpts). */
export function tailFile(file: string, maxChars = 2000): string | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return text.length > maxChars ? text.slice(-maxChars) : text;
}
