import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
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

/**
 * Build a folder atomically: `fill` writes into a temporary sibling (`.<name>.tmp-…`), whose files
 * are fsynced before it is renamed over `dir`; an existing `dir` is moved aside first and removed
 * after. A crash leaves the old folder or the new one, plus at most a stray temporary sibling; a
 * `fill` that throws leaves `dir` as it was. `durable: false` skips the fsyncs (still atomic).
 */
export async function writeFolderAtomic(dir: string, fill: (tmp: string) => Promise<void>, opts: { durable?: boolean } = {}): Promise<void> {
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(parent, `.${path.basename(dir)}.tmp-${tag}`);
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    if (opts.durable !== false) await fsyncTree(tmp);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const old = path.join(parent, `.${path.basename(dir)}.old-${tag}`);
  let moved = false;
  try {
    await rename(dir, old);
    moved = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await rename(tmp, dir);
  if (opts.durable !== false) fsyncDir(parent);
  if (moved) await rm(old, { recursive: true, force: true });
}

/** fsync every file and folder below `dir` (and `dir` itself). */
async function fsyncTree(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await fsyncTree(p);
    else if (e.isFile()) {
      const fh = await open(p, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  }
  fsyncDir(dir);
}

/** Last `maxChars` characters of a text file (for error excerpts). */
export function tailFile(file: string, maxChars = 2000): string | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return text.length > maxChars ? text.slice(-maxChars) : text;
}
