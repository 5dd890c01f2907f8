import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson, type JsonValue } from '../json.js';

export { canonicalJson } from '../json.js';

/** Hex sha256 of a text or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Content address of a JSON value: sha256 of its canonical JSON (object keys sorted). */
export function valueDigest(v: JsonValue): string {
  return sha256(canonicalJson(v));
}

/**
 * Digest of a folder's files: sha256 over, for each file in name order (subfolders walked in place,
 * paths joined by `/`), `<path>\0<bytes>\0`. Empty folders and anything that is not a file or a
 * folder (links included) add nothing. The world's model folders and the science tables' initial-model digests are
 * in this format (it is not `DigestCache.pathDigest`'s, which hashes file digests and skips dotfiles).
 */
export async function digestFolder(dir: string): Promise<string> {
  const hash = createHash('sha256');
  async function walk(rel: string): Promise<void> {
    const entries = (await readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        hash.update(`${p}\u0000`);
        for await (const chunk of createReadStream(path.join(dir, p))) hash.update(chunk as Buffer);
        hash.update('\u0000');
      }
    }
  }
  await walk('');
  return hash.digest('hex');
}
