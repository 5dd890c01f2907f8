import type { AnswerSpec } from '../answer.js';

/** A message sent to an agent LLM. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: readonly ChatMessage[];
  /** Ask for an answer constrained to these candidates (grammar / JSON schema), when the provider can. */
  answer?: AnswerSpec;
  /** Aborts the request when the study stops. */
  signal: AbortSignal;
}

export interface ChatReply {
  text: string;
  /** Token counts reported by the server, when it reports them. */
  usage?: { inputTokens: number; outputTokens: number };
  /** The reply was generated under the requested constraint. */
  constrained?: boolean;
  /** Set once, on the reply where the server refused structured output: why (later replies are free text). */
  refused?: string;
}

/** One agent LLM behind some wire protocol. Throws `ProviderError` for failures it can classify. */
export interface ChatProvider {
  /** `openai` or `ollama` (or a custom name). */
  readonly name: string;
  chat(request: ChatRequest): Promise<ChatReply>;
  /** Frees what the provider holds (a loaded model); called when the study process is done. */
  close?(): Promise<void>;
}

/** A failed request, classified for the retry loop. The message never holds credentials. */
export class ProviderError extends Error {
  /** Worth retrying: 408/409/429/5xx, timeouts, dropped connections. */
  readonly retryable: boolean;
  readonly status?: number;
  /** Delay the server asked for (Retry-After / retry-after-ms), in ms. */
  readonly retryAfterMs?: number;

  constructor(message: string, opts: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.name = 'ProviderError';
    this.retryable = opts.retryable;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Status codes worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Reads `retry-after-ms` or `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'APIUserAbortError');
}

/**
 * Whether a failed structured request means the server does not support structured output (so the
 * request is worth repeating as free text): a 400/404/415/422/501 whose message names the feature
 * (`response_format`, `json_schema`, `format`, schema, grammar). Auth, quota, missing models and server
 * errors are not refusals.
 */
export function isStructuredRefusal(e: unknown): e is ProviderError {
  return (
    e instanceof ProviderError &&
    e.status !== undefined &&
    [400, 404, 415, 422, 501].includes(e.status) &&
    /response_format|json_schema|json schema|\bformat\b|schema|grammar|structured/i.test(e.message) &&
    !/model\b.*\bnot found|not found.*\bmodel/i.test(e.message)
  );
}

/**
 * Structured answers with a free-text fallback, shared by the HTTP providers: a selection is asked with
 * the answer schema until the server refuses structured output once (`isStructuredRefusal`); that
 * request is repeated as free text, the refusal is kept (`refused`), and later answers are free text.
 */
export class StructuredFallback {
  readonly #feature: string;
  #refused: string | undefined;

  /** `feature` names what the server refused, e.g. `response_format json_schema`. */
  constructor(feature: string) {
    this.#feature = feature;
  }

  get refused(): string | undefined {
    return this.#refused;
  }

  async chat(req: ChatRequest, send: (req: ChatRequest, structured: boolean) => Promise<ChatReply>): Promise<ChatReply> {
    if (req.answer && this.#refused === undefined) {
      try {
        return { ...(await send(req, true)), constrained: true };
      } catch (e) {
        if (req.signal.aborted || !isStructuredRefusal(e)) throw e;
        this.#refused = `${this.#feature} refused: ${e.message}`;
        return { ...(await send(req, false)), constrained: false, refused: this.#refused };
      }
    }
    return { ...(await send(req, false)), ...(req.answer ? { constrained: false } : {}) };
  }
}
