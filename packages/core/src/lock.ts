import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
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

/**
 * An exclusive lock on a study folder: `.lock` created with O_EXCL holding the owner's pid. A lock
 * left by a dead process (kill -9) is taken over; a live owner makes the second process fail clearly.
 */
export class StudyLock {
  readonly #file: string;
  #held = false;
  private constructor(file: string) {
    this.#file = file;
  }

  static acquire(dir: string): StudyLock {
    const file = path.join(dir, '.lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        const lock = new StudyLock(file);
        lock.#held = true;
        return lock;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let pid = NaN;
        try {
          pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
        } catch {
          /* vanished between open and read: retry */
        }
        if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) throw new StudyLockedError(dir, pid);
        try {
          unlinkSync(file);
        } catch {
          /* another process took it over first: retry */
        }
      }
    }
    throw new StudyLockedError(dir, NaN);
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    try {
      unlinkSync(this.#file);
    } catch {
      /* already gone */
    }
  }
}
