import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fsyncDir, writeFileAtomic } from './kit/fs.js';
import { JSON_FORMAT, pause, tryAcquireOwnerLock, type ReleaseLock } from './owner-lock.js';
import { ActionRefSchema } from './trial.js';

/**
 * The shared action cache (issue 12): a folder several studies (and `compare`) share, so an action any
 * of them ran is never run again. Entries are content-addressed by `cacheKey(actionKey, evalDigest)`:
 * the action key already covers the type, the input digests (chains included), the runner version and
 * the params; the evaluation digest covers the tasks and evaluator options the scores were taken with.
 *
 * Layout: `entries/<key>/{entry.json, model/}` (an entry exists only once committed by one rename, so a
 * half-written entry after kill -9 is never seen), `locks/<key>.lock` (an owner lock holding
 * `{"pid","host","token"}`: one runner per key across processes; a lock whose owner died on this host is taken over), `tmp/` (work in
 * progress, removed by the next owner of the key).
 */

export const CacheEntrySchema = z.object({
  version: z.literal(1),
  key: z.string(),
  action: ActionRefSchema,
  scores: z.record(z.string(), z.number()),
  /**
   * 95% bootstrap interval of each task's score over its items, as the trial that ran the action journaled it (entries
   * committed before issue 19's last gaps have none: `cacheEntryIntervals` recomputes them from the source's items).
   */
  intervals: z.record(z.string(), z.object({ lo: z.number(), hi: z.number() })).optional(),
  metrics: z.record(z.string(), z.number()).default({}),
  durations: z.record(z.string(), z.number()).default({}),
  resources: z.object({ gpuHours: z.number().default(0), wallSec: z.number().default(0) }).optional(),
  /** The study folder and trial that ran the action. */
  source: z.object({ study: z.string(), trial: z.number().int() }),
  createdAt: z.string(),
});
export type CacheEntry = z.infer<typeof CacheEntrySchema>;

export interface CacheHit {
  entry: CacheEntry;
  /** The cached model folder (read-only: studies use it in place). */
  modelPath: string;
}

/** A key's lock: JSON, as every version of the cache reads it; an unreadable one is stale after 5 s. */
const KEY_LOCK = { format: JSON_FORMAT, unreadableStaleMs: 5_000 };

/** Key of an action in a shared cache. */
export function cacheKey(actionKey: string, evalDigest: string): string {
  return createHash('sha256').update(`${actionKey}\n${evalDigest}`).digest('hex').slice(0, 40);
}

/** A job seed derived from the action key alone: with a shared cache, an action's outcome does not depend on which study ran it first. */
export function actionSeed(actionKey: string): number {
  return createHash('sha256').update(`seed:${actionKey}`).digest().readUInt32LE(0) & 0x7fffffff;
}

/** Hard-link a tree of immutable files (copy where links are refused, e.g. across devices). */
function linkTree(src: string, dst: string): void {
  mkdirSync(dst, { recursive: true });
  for (const name of readdirSync(src)) {
    const s = path.join(src, name);
    const d = path.join(dst, name);
    if (statSync(s).isDirectory()) linkTree(s, d);
    else {
      try {
        linkSync(s, d);
      } catch {
        copyFileSync(s, d);
      }
    }
  }
}

/** The right to run one action and commit it into the cache; release it in a `finally`. */
export class CacheLease {
  #release: ReleaseLock | undefined;
  constructor(
    private readonly cache: ActionCache,
    readonly key: string,
    /** Releases the key's lock (only while the lock file still holds this lease's token). */
    release: ReleaseLock,
  ) {
    this.#release = release;
  }

  /** Commit a finished action: link its model into the cache, write the entry, publish both by one rename. */
  commit(modelDir: string | undefined, entry: Omit<CacheEntry, 'version' | 'key' | 'createdAt'>): CacheHit {
    const tmp = path.join(this.cache.root, 'tmp', `${this.key}.${randomUUID()}`);
    mkdirSync(tmp, { recursive: true });
    if (modelDir) linkTree(modelDir, path.join(tmp, 'model'));
    const full: CacheEntry = { version: 1, key: this.key, createdAt: new Date().toISOString(), ...entry };
    writeFileAtomic(path.join(tmp, 'entry.json'), JSON.stringify(full, null, 2));
    const final = this.cache.entryDir(this.key);
    mkdirSync(path.dirname(final), { recursive: true });
    if (existsSync(final)) rmSync(tmp, { recursive: true, force: true });
    else {
      renameSync(tmp, final);
      fsyncDir(path.dirname(final));
    }
    return this.cache.get(this.key)!;
  }

  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}

export class ActionCache {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    for (const sub of ['entries', 'locks', 'tmp']) mkdirSync(path.join(this.root, sub), { recursive: true });
  }

  entryDir(key: string): string {
    return path.join(this.root, 'entries', key);
  }

  /** The committed entry of `key`, or undefined. */
  get(key: string): CacheHit | undefined {
    const dir = this.entryDir(key);
    const file = path.join(dir, 'entry.json');
    if (!existsSync(file)) return undefined;
    const parsed = CacheEntrySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success || parsed.data.key !== key) return undefined;
    return { entry: parsed.data, modelPath: path.join(dir, 'model') };
  }

  /** Number of committed entries. */
  size(): number {
    return readdirSync(path.join(this.root, 'entries')).filter((n) => !n.startsWith('.')).length;
  }

  /**
   * The entry of `key` if one is committed; otherwise the lease to run it. While another live process
   * (or another study in this process) holds the key, wait for it: its entry then answers, or (it
   * failed or died) the lease passes to the caller.
   */
  async claim(key: string, signal?: AbortSignal, pollMs = 100): Promise<{ hit: CacheHit } | { lease: CacheLease }> {
    const lockFile = path.join(this.root, 'locks', `${key}.lock`);
    for (;;) {
      const hit = this.get(key);
      if (hit) return { hit };
      signal?.throwIfAborted();
      const release = tryAcquireOwnerLock(lockFile, KEY_LOCK);
      if (release) {
        // The previous owner commits before it unlocks: an entry may have appeared since `get`.
        const late = this.get(key);
        const lease = new CacheLease(this, key, release);
        if (late) {
          lease.release();
          return { hit: late };
        }
        for (const n of readdirSync(path.join(this.root, 'tmp')))
          if (n.startsWith(`${key}.`)) rmSync(path.join(this.root, 'tmp', n), { recursive: true, force: true });
        return { lease };
      }
      await pause(pollMs, signal);
    }
  }
}
