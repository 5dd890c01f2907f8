import path from 'node:path';
import { StudyLockedError } from './errors.js';
import { LINE_FORMAT, LOCK_HOST, ownerLockState, tryAcquireOwnerLock, type ReleaseLock } from './owner-lock.js';

const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** `<pid> <token> <host>`; locks written before the host was kept have none and mean this host. */
const STUDY_LOCK = { format: LINE_FORMAT, unreadableStaleMs: 5_000 };

/**
 * An exclusive lock on a study folder: `.lock` holds `<pid> <token> <host>` of its owner (an owner lock, see
 * `owner-lock.ts`: created whole, taken over under a guard file when its owner died on this host, released only while it
 * holds this owner's token, never taken over from another host).
 */
export class StudyLock {
  #release: ReleaseLock | undefined;
  private constructor(release: ReleaseLock) {
    this.#release = release;
  }

  /** Takes the study in `dir`; throws `StudyLockedError` while a live process (here or on another host) holds it. */
  static acquire(dir: string): StudyLock {
    const file = path.join(dir, '.lock');
    let lastPid = NaN;
    for (let attempt = 0; attempt < 200; attempt++) {
      const release = tryAcquireOwnerLock(file, STUDY_LOCK);
      if (release) return new StudyLock(release);
      const state = ownerLockState(file, STUDY_LOCK);
      if (state === undefined) continue; // released meanwhile: try again
      const owner = state.owner;
      lastPid = owner?.pid ?? NaN;
      if (owner && state.alive) {
        if (owner.host !== undefined && owner.host !== LOCK_HOST) throw new StudyLockedError(dir, owner.pid, owner.host);
        throw new StudyLockedError(dir, owner.pid);
      }
      // An old version's lock still being written (wait for its pid), or a takeover in progress.
      sleepSync(owner ? 5 : 20);
    }
    throw new StudyLockedError(dir, lastPid);
  }

  /**
   * Who holds the study in `dir`, read without locking: `undefined` when no lock file exists, else the
   * owner's pid (`undefined` when unreadable) and whether it is alive (a lock being written by an old
   * version, unreadable and recent, counts as alive). An owner on another host (`host` set) cannot be
   * checked from here and counts as alive.
   */
  static owner(dir: string): { pid: number | undefined; alive: boolean; host?: string } | undefined {
    const state = ownerLockState(path.join(dir, '.lock'), STUDY_LOCK);
    if (state === undefined) return undefined;
    const { owner, alive } = state;
    if (owner?.host !== undefined && owner.host !== LOCK_HOST) return { pid: owner.pid, alive: true, host: owner.host };
    return { pid: owner?.pid, alive };
  }

  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}
