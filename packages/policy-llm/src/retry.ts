import { ProviderError } from './providers/types.js';

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  maxMs: number;
}

export interface RetryNotice {
  attempt: number;
  maxRetries: number;
  delayMs: number;
  error: ProviderError;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with jitter: base * 2^attempt, scaled into [50%, 100%], capped at maxMs. */
export function backoffMs(attempt: number, p: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(p.maxMs, p.baseMs * 2 ** attempt);
  return Math.round(exp * (0.5 + random() / 2));
}

/**
 * Runs `fn`, retrying retryable `ProviderError`s up to `maxRetries` times. A server's Retry-After is
 * honoured (capped at `maxMs`); otherwise exponential backoff. Other errors propagate at once.
 */
export async function withRetries<T>(fn: () => Promise<T>, p: RetryPolicy, signal: AbortSignal, onRetry?: (n: RetryNotice) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (signal.aborted || !(e instanceof ProviderError) || !e.retryable || attempt >= p.maxRetries) throw e;
      const delayMs = e.retryAfterMs !== undefined ? Math.min(p.maxMs, e.retryAfterMs) : backoffMs(attempt, p);
      onRetry?.({ attempt: attempt + 1, maxRetries: p.maxRetries, delayMs, error: e });
      await sleep(delayMs, signal);
    }
  }
}
