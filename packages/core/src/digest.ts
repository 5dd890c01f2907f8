import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './kit/fs.js';

interface CacheEntry {
  size: number;
  mtimeMs: number;
  digest: string;
}

/**
 * Content digests of files and folders (sha256 over relative paths and bytes), cached by path, size
 * and mtime in a JSON file so a large checkpoint is hashed once.
 */
export class DigestCache {
  readonly #file: string | undefined;
  readonly #entries: Record<string, CacheEntry>;
  #dirty = false;

  constructor(file?: string) {
    this.#file = file;
    let entries: Record<string, CacheEntry> = {};
    if (file && existsSync(file)) {
      try {
        entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, CacheEntry>;
      } catch {
        entries = {};
      }
    }
    this.#entries = entries;
  }

  #fileDigest(file: string): string {
    const st = statSync(file);
    const hit = this.#entries[file];
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.digest;
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    this.#entries[file] = { size: st.size, mtimeMs: st.mtimeMs, digest };
    this.#dirty = true;
    return digest;
  }

  /** Digest of a file or a folder (recursively, sorted, hidden temp files skipped). */
  pathDigest(p: string): string {
    const st = statSync(p);
    if (st.isFile()) return this.#fileDigest(p);
    const h = createHash('sha256');
    const walk = (dir: string, rel: string): void => {
      for (const name of readdirSync(dir).sort()) {
        if (name.startsWith('.')) continue;
        const abs = path.join(dir, name);
        const r = rel ? `${rel}/${name}` : name;
        if (statSync(abs).isDirectory()) walk(abs, r);
        else h.update(`${r}\0${this.#fileDigest(abs)}\n`);
      }
    };
    walk(p, '');
    return h.digest('hex');
  }

  save(): void {
    if (this.#file && this.#dirty) writeFileAtomic(this.#file, JSON.stringify(this.#entries));
    this.#dirty = false;
  }
}
