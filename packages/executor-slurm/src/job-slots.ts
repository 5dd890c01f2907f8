/**
 * The executor's `maxConcurrency`: at most that many of its jobs are in Slurm at once; further
 * submissions wait for a slot, in order, and stop waiting when their study is interrupted.
 */
export class JobSlots {
  readonly #max: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  /** A slot and the function that frees it; undefined when `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<(() => void) | undefined> {
    const release = (): void => {
      this.#active--;
      this.#waiting.shift()?.();
    };
    if (this.#active < this.#max) {
      this.#active++;
      return Promise.resolve(release);
    }
    return new Promise((resolve) => {
      const go = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.#active++;
        resolve(release);
      };
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(go);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(undefined);
      };
      if (signal.aborted) return resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(go);
    });
  }
}
