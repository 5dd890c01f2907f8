import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StudyLockedError } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Writes `content` to a fresh private file, then links it to `file`: `file` appears whole or not at all. */
function createWhole(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}`;
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, content);
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

function readOrUndefined(file: string): string | undefined {
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

/** A lock file older than this with no readable owner (written by an old version mid-create) is stale. */
const UNREADABLE_STALE_MS = 5_000;
/** A takeover guard older than this belongs to a process that died during a takeover (it lasts microseconds). */
const GUARD_STALE_MS = 10_000;

/**
 * An exclusive lock on a study folder: `.lock` holds `<pid> <token>` of its owner.
 *
 * - Created whole (written to a private file, then hard-linked into place), so no process ever sees an
 *   empty lock that it could mistake for a stale one.
 * - A lock whose owner is dead (kill -9) is taken over under a guard file created with O_EXCL: the
 *   contender that holds the guard checks that the lock still holds the same dead owner, removes it,
 *   and then competes for it like everyone else, so two processes never both hold the study.
 * - `release` removes the lock only while it still holds this owner's token.
 */
export class StudyLock {
  readonly #file: string;
  readonly #content: string;
  #held = false;
  private constructor(file: string, content: string) {
    this.#file = file;
    this.#content = content;
  }

  static acquire(dir: string): StudyLock {
    const file = path.join(dir, '.lock');
    const content = `${process.pid} ${randomUUID()}`;
    let lastPid = NaN;
    for (let attempt = 0; attempt < 200; attempt++) {
      if (createWhole(file, content)) {
        const lock = new StudyLock(file, content);
        lock.#held = true;
        return lock;
      }
      const seen = readOrUndefined(file);
      if (seen === undefined) continue; // released meanwhile: try again
      const pid = Number.parseInt(seen, 10);
      lastPid = pid;
      if (Number.isInteger(pid) && pid > 0) {
        if (pid !== process.pid && alive(pid)) throw new StudyLockedError(dir, pid);
      } else if (ageMs(file) < UNREADABLE_STALE_MS) {
        sleepSync(20); // an old version's lock being written: wait for its pid
        continue;
      }
      StudyLock.#takeOver(file, seen, content);
    }
    throw new StudyLockedError(dir, lastPid);
  }

  /** Removes the stale lock holding `stale`, unless another process changed it first. */
  static #takeOver(file: string, stale: string, content: string): void {
    const guard = `${file}.takeover`;
    if (!createWhole(guard, content)) {
      if (ageMs(guard) > GUARD_STALE_MS) unlinkQuietly(guard);
      else sleepSync(5);
      return;
    }
    try {
      if (readOrUndefined(file) === stale) unlinkQuietly(file);
    } finally {
      unlinkQuietly(guard);
    }
  }

  /**
   * Who holds the study in `dir`, read without locking: `undefined` when no lock file exists, else the
   * owner's pid (`undefined` when unreadable) and whether it is alive on this host (a lock being
   * written by an old version, unreadable and recent, counts as alive).
   */
  static owner(dir: string): { pid: number | undefined; alive: boolean } | undefined {
    const file = path.join(dir, '.lock');
    const seen = readOrUndefined(file);
    if (seen === undefined) return undefined;
    const pid = Number.parseInt(seen, 10);
    if (Number.isInteger(pid) && pid > 0) return { pid, alive: pid === process.pid || alive(pid) };
    return { pid: undefined, alive: ageMs(file) < UNREADABLE_STALE_MS };
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (readOrUndefined(this.#file) === this.#content) unlinkQuietly(this.#file);
  }
}
