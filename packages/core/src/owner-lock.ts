import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * An owner lock: a file that names the process holding it (`pid`, a `token` unique to this hold, the `host`).
 *
 * - Created whole: the owner's text is written to a private file which is then hard-linked into place, so the lock file
 *   appears complete or not at all (no process ever reads an empty lock it could mistake for a dead one).
 * - Held while its owner lives: a lock held by a live process is waited for (`acquireOwnerLock`) or reported
 *   (`tryAcquireOwnerLock` returns undefined). A lock held from another host is never taken over: whether its pid lives
 *   cannot be checked from here.
 * - Taken over when its owner died on this host (kill -9), never letting two processes both hold it (see `removeStale`).
 * - Released only while the file still holds this hold's token.
 */

/** Who holds a lock, as its file says. Files written by old versions may lack the token or the host (= this host). */
export interface LockOwner {
  pid: number;
  token?: string;
  host?: string;
}

/** How a family of locks writes and reads its owner; `read` answers undefined for a file it cannot read. */
export interface LockFormat {
  write(owner: Required<LockOwner>): string;
  read(text: string): LockOwner | undefined;
}

function validPid(pid: number): boolean {
  return Number.isInteger(pid) && pid > 0;
}

/** `<pid> <token> <host>` (a study's `.lock`); older files have `<pid> <token>` or `<pid>` alone. */
export const LINE_FORMAT: LockFormat = {
  write: (o) => `${o.pid} ${o.token} ${o.host}`,
  read: (text) => {
    const [p, token, host] = text.trim().split(/\s+/);
    const pid = Number.parseInt(p ?? '', 10);
    return validPid(pid) ? { pid, ...(token ? { token } : {}), ...(host ? { host } : {}) } : undefined;
  },
};

const JsonOwnerSchema = z.object({ pid: z.number().int(), host: z.string(), token: z.string() });

/** `{"pid":…,"host":…,"token":…}` (the shared action cache's `locks/<key>.lock`). */
export const JSON_FORMAT: LockFormat = {
  write: (o) => JSON.stringify({ pid: o.pid, host: o.host, token: o.token }),
  read: (text) => {
    try {
      const r = JsonOwnerSchema.safeParse(JSON.parse(text));
      return r.success && validPid(r.data.pid) ? r.data : undefined;
    } catch {
      return undefined;
    }
  },
};

export interface OwnerLockOptions {
  /** How the owner is written in the file (default `LINE_FORMAT`). */
  format?: LockFormat;
  /**
   * A lock file its format cannot read (an old version's lock being written, or torn by a crash) counts as held for this
   * long after its last change, then as stale (default 5 s).
   */
  unreadableStaleMs?: number;
}

export interface WaitOptions extends OwnerLockOptions {
  /** Stops the wait: `acquireOwnerLock` then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Time between two attempts while the lock is held (default 50 ms). */
  pollMs?: number | undefined;
}

/** Releases a hold; a second call does nothing. */
export type ReleaseLock = () => void;

const HOST = hostname();
/** Tokens this process holds now: a lock with our pid but another token was left by an earlier process that had our pid. */
const heldTokens = new Set<string>();
/** How deep a takeover may recover guards of takeovers that died themselves (each level needs a death within microseconds). */
const MAX_GUARD_DEPTH = 4;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/** Writes `text` to a fresh private file, then links it to `file`: `file` appears whole or not at all. False when `file` exists. */
function createWhole(file: string, text: string): boolean {
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}`;
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

interface Options {
  format: LockFormat;
  unreadableStaleMs: number;
}

function options(o: OwnerLockOptions | undefined): Options {
  return { format: o?.format ?? LINE_FORMAT, unreadableStaleMs: o?.unreadableStaleMs ?? 5_000 };
}

/** Whether the lock `file`, read as `text`, is held by a live owner (or one that cannot be checked from here). */
function isAlive(file: string, text: string, o: Options): { owner: LockOwner | undefined; alive: boolean } {
  const owner = o.format.read(text);
  if (!owner) return { owner, alive: ageMs(file) < o.unreadableStaleMs };
  if (owner.host !== undefined && owner.host !== HOST) return { owner, alive: true };
  if (owner.pid === process.pid) return { owner, alive: owner.token !== undefined && heldTokens.has(owner.token) };
  return { owner, alive: alive(owner.pid) };
}

/**
 * Removes `file`, seen holding the dead owner's `seen`, unless it changed meanwhile. True when the caller should try
 * again at once (the lock or the guard changed); false when a live process is taking the lock over (try later).
 *
 * Why two processes never both hold the lock: a lock file is removed only (a) by its owner, while it still holds the
 * owner's token, or (b) by the holder of its guard `<file>.takeover`, created whole with O_EXCL semantics (link), after
 * re-reading under the guard that the file still holds the same dead owner. Between that re-read and the unlink the file
 * cannot change: no one creates it (it exists), its owner is dead (no release), and every other remover needs the guard
 * we hold. A later guard holder who saw the same dead owner finds a different file (tokens are unique) and removes
 * nothing. The guard itself is released by its holder, or taken over the same way (its own guard `<file>.takeover.takeover`)
 * only when its holder is dead: a slow but live holder is never robbed, unlike a guard broken by age alone.
 * (Moving the lock aside and putting it back when it proves fresh is not race-free: while it is aside a third process
 * can create the lock, and the moved owner then holds a lock that is no longer there.)
 */
function removeStale(file: string, seen: string, mine: string, o: Options, depth: number): boolean {
  const guard = `${file}.takeover`;
  if (!createWhole(guard, mine)) {
    const held = readText(guard);
    if (held === undefined) return true; // the guard was released meanwhile
    if (isAlive(guard, held, o).alive || depth >= MAX_GUARD_DEPTH) return false;
    return removeStale(guard, held, mine, o, depth + 1);
  }
  try {
    const now = readText(file);
    if (now === seen && !isAlive(file, now, o).alive) unlinkQuietly(file);
  } finally {
    if (readText(guard) === mine) unlinkQuietly(guard);
  }
  return true;
}

/**
 * Takes the lock `file` if it is free or its owner died on this host; returns its release, or undefined while a live
 * process (or one on another host, or a takeover in progress) holds it.
 */
export function tryAcquireOwnerLock(file: string, opts?: OwnerLockOptions): ReleaseLock | undefined {
  const o = options(opts);
  const token = randomUUID();
  const mine = o.format.write({ pid: process.pid, token, host: HOST });
  for (let attempt = 0; attempt < 8; attempt++) {
    if (createWhole(file, mine)) {
      heldTokens.add(token);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        if (readText(file) === mine) unlinkQuietly(file);
        heldTokens.delete(token);
      };
    }
    const seen = readText(file);
    if (seen === undefined) continue; // released meanwhile
    if (isAlive(file, seen, o).alive) return undefined;
    if (!removeStale(file, seen, mine, o, 0)) return undefined;
  }
  return undefined;
}

/** Waits `ms`, or less when `signal` aborts (never rejects). */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Takes the lock `file`, waiting while a live process holds it; rejects with `signal.reason` once `signal` aborts. */
export async function acquireOwnerLock(file: string, opts: WaitOptions = {}): Promise<ReleaseLock> {
  for (;;) {
    opts.signal?.throwIfAborted();
    const release = tryAcquireOwnerLock(file, opts);
    if (release) return release;
    await pause(opts.pollMs ?? 50, opts.signal);
  }
}

/**
 * Who holds the lock `file`, read without locking: undefined when there is no lock file; else its owner (undefined when
 * the file cannot be read) and whether it counts as alive (an owner on another host always does; an unreadable file does
 * until it is `unreadableStaleMs` old).
 */
export function ownerLockState(file: string, opts?: OwnerLockOptions): { owner: LockOwner | undefined; alive: boolean } | undefined {
  const text = readText(file);
  return text === undefined ? undefined : isAlive(file, text, options(opts));
}

/** This host's name, as locks record it. */
export const LOCK_HOST = HOST;
