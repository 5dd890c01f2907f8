import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Digest of a folder's files (names and bytes, sorted by name; subfolders included). */
export async function digestFolder(dir: string): Promise<string> {
  const hash = createHash('sha256');
  async function walk(rel: string): Promise<void> {
    const entries = (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path);
      else if (e.isFile()) {
        hash.update(`${path}\u0000`);
        for await (const chunk of createReadStream(join(dir, path))) hash.update(chunk as Buffer);
        hash.update('\u0000');
      }
    }
  }
  await walk('');
  return hash.digest('hex');
}
