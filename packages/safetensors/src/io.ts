import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SafetensorsError } from './errors.js';

/** Largest single read or write call (fs calls take at most 2^31 - 1 bytes). */
const MAX_IO_CHUNK = 1 << 30;

/** A temporary name in the same folder as `target`, so a rename over it is atomic. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Writes all of `bytes` at `position`, looping over short writes and large buffers. */
export async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const length = Math.min(bytes.byteLength - done, MAX_IO_CHUNK);
    const { bytesWritten } = await fh.write(bytes, done, length, position + done);
    if (bytesWritten <= 0) throw new SafetensorsError('IO_ERROR', `write made no progress at byte ${position + done}`);
    done += bytesWritten;
  }
}

/** Reads exactly `into.byteLength` bytes at `position`; DATA_TRUNCATED if the file ends first. */
export async function readExactly(fh: FileHandle, into: Uint8Array, position: number, path: string, tensor?: string): Promise<void> {
  let done = 0;
  while (done < into.byteLength) {
    const length = Math.min(into.byteLength - done, MAX_IO_CHUNK);
    const { bytesRead } = await fh.read(into, done, length, position + done);
    if (bytesRead === 0) {
      throw new SafetensorsError('DATA_TRUNCATED', `file ended at byte ${position + done}, expected ${into.byteLength - done} more bytes`, {
        path,
        tensor,
      });
    }
    done += bytesRead;
  }
}

/** fsync a folder so a rename in it survives a crash; a no-op where folders cannot be opened (Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await fh?.close();
  }
}

/** Runs an fs operation, turning a Node error into an IO_ERROR that names the file. */
export async function io<T>(path: string, what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (cause) {
    if (cause instanceof SafetensorsError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code ?? 'unknown';
    throw new SafetensorsError('IO_ERROR', `${what} failed (${code}): ${(cause as Error).message}`, { path, cause });
  }
}

/** Writes a small file atomically: temporary name in the same folder, fsync, rename, fsync folder. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  const fh = await io(temp, 'create temporary file', () => open(temp, 'wx'));
  try {
    await io(temp, 'write', () => writeAll(fh, bytes, 0));
    await io(temp, 'fsync', () => fh.sync());
  } catch (error) {
    await fh.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fh.close();
  try {
    await io(path, 'rename', () => rename(temp, path));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await io(dirname(path), 'fsync folder', () => fsyncDir(dirname(path)));
}
