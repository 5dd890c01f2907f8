/**
 * Keeps the last loaded model of a backend, keyed by a string (the model path): evaluating the same
 * model on several tasks loads it once; loading another one evicts the previous model, which is
 * disposed once no generation uses it any more. A failed load is forgotten, so the next call retries.
 */
export interface LastModelCache<M> {
  /** Run `fn` with the model for `key`, loading it if it is not the cached one. */
  use<R>(key: string, fn: (model: M) => Promise<R>): Promise<R>;
}

export function lastModelCache<M>(load: (key: string) => Promise<M>, dispose?: (model: M) => void | Promise<void>): LastModelCache<M> {
  interface Entry {
    key: string;
    model: Promise<M>;
    users: number;
    evicted: boolean;
  }
  let cached: Entry | undefined;

  function release(entry: Entry): void {
    if (entry.evicted && entry.users === 0 && dispose) {
      entry.model.then(
        (m) => Promise.resolve(dispose(m)).catch(() => undefined),
        () => undefined,
      );
    }
  }

  function acquire(key: string): Entry {
    if (cached?.key !== key) {
      const previous = cached;
      const model = load(key).catch((err: unknown) => {
        if (cached === entry) cached = undefined;
        throw err;
      });
      const entry: Entry = { key, model, users: 0, evicted: false };
      cached = entry;
      if (previous) {
        previous.evicted = true;
        release(previous);
      }
    }
    cached.users++;
    return cached;
  }

  return {
    async use(key, fn) {
      const entry = acquire(key);
      try {
        return await fn(await entry.model);
      } finally {
        entry.users--;
        release(entry);
      }
    },
  };
}
