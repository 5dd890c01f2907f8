import { DEFAULT_OBSERVER_RETRY, eventTrial, type Observer, type ObserverContext, type ObserverRetry } from './observer.js';
import type { StudyEvent } from './study-services.js';

/** One event an observer could not take after every attempt (journaled as `observer-failure`). */
export interface ObserverFailure {
  observer: string;
  /** The event type (`trial-end`, ...), or `close`. */
  event: string;
  index?: number;
  attempts: number;
  error: string;
}

export interface ObserverHubOptions {
  /** Retry per observer name (default `DEFAULT_OBSERVER_RETRY`). */
  retry?: (observer: string) => ObserverRetry;
  /** Where failures go (the study journals them and logs a warning). */
  onFailure: (f: ObserverFailure) => void;
  sleep?: (ms: number) => Promise<void>;
  /**
   * How long `close` waits for the queues to drain (default 30 s): a tracker that hangs must not hold the
   * study's end. Events still queued then are dropped and reported as one `undelivered` failure per observer.
   */
  closeTimeoutMs?: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Delivers study events to observers: per observer in order, one at a time, off the loop's path
 * (`emit` returns at once). A failing `notify` is retried with a doubling delay; after the last attempt
 * the failure is reported and the observer gets the next event. `close` waits for every queue to drain.
 */
export class ObserverHub {
  readonly #observers: Observer[];
  readonly #ctx: ObserverContext;
  readonly #opts: ObserverHubOptions;
  readonly #queues = new Map<Observer, Promise<void>>();
  /** Events queued and not yet settled, per observer. */
  readonly #pending = new Map<Observer, number>();
  #closed = false;
  #abandoned = false;

  constructor(observers: readonly Observer[], ctx: ObserverContext, opts: ObserverHubOptions) {
    this.#observers = [...observers];
    this.#ctx = ctx;
    this.#opts = opts;
    for (const o of this.#observers) this.#queues.set(o, Promise.resolve());
  }

  get size(): number {
    return this.#observers.length;
  }

  /** Queue an event for every observer (a copy: observers cannot change what the study holds). */
  emit(e: StudyEvent): void {
    if (this.#closed || this.#observers.length === 0) return;
    const copy = structuredClone(e);
    for (const o of this.#observers) {
      const prev = this.#queues.get(o) ?? Promise.resolve();
      this.#pending.set(o, (this.#pending.get(o) ?? 0) + 1);
      this.#queues.set(
        o,
        prev.then(async () => {
          try {
            if (!this.#abandoned) await this.#deliver(o, copy);
          } finally {
            if (!this.#abandoned) this.#pending.set(o, (this.#pending.get(o) ?? 1) - 1);
          }
        }),
      );
    }
  }

  /** Wait for every queued event (at most `closeTimeoutMs`), then close every observer. Never throws: failures are reported. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const limit = this.#opts.closeTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(this.#queues.values()).then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), limit))),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.#abandoned = true;
      for (const o of this.#observers) {
        const n = this.#pending.get(o) ?? 0;
        if (n > 0)
          this.#report({
            observer: o.name,
            event: 'undelivered',
            attempts: 0,
            error: `${n} events not delivered within ${limit / 1000} s of the study's end (the observer hangs or is slow)`,
          });
      }
      return;
    }
    for (const o of this.#observers) {
      try {
        await o.close?.();
      } catch (e) {
        this.#report({ observer: o.name, event: 'close', attempts: 1, error: message(e) });
      }
    }
  }

  async #deliver(o: Observer, e: StudyEvent): Promise<void> {
    const retry = this.#opts.retry?.(o.name) ?? DEFAULT_OBSERVER_RETRY;
    const sleep = this.#opts.sleep ?? defaultSleep;
    const attempts = Math.max(1, retry.attempts);
    let last: unknown;
    for (let a = 1; a <= attempts; a++) {
      try {
        await o.notify(e, this.#ctx);
        return;
      } catch (err) {
        last = err;
        if (a < attempts) await sleep(retry.delayMs * 2 ** (a - 1));
      }
    }
    const index = eventTrial(e);
    this.#report({ observer: o.name, event: e.type, ...(index !== undefined ? { index } : {}), attempts, error: message(last) });
  }

  #report(f: ObserverFailure): void {
    try {
      this.#opts.onFailure(f);
    } catch {
      // Reporting must not break delivery either (e.g. the journal was closed by a crash).
    }
  }
}
