import { Ollama } from 'ollama';
import { z } from 'zod';
import { answerJsonSchema, MIN_STRUCTURED_OUTPUT_TOKENS } from '../answer.js';
import { slowServerAgent } from './openai.js';
import {
  type ChatProvider,
  type ChatReply,
  type ChatRequest,
  isAbortError,
  isRetryableStatus,
  StructuredFallback,
  ProviderError,
  retryAfterMs,
} from './types.js';

export interface OllamaProviderOptions {
  model: string;
  host: string;
  /** Sent as a bearer token when set (ollama.com or an authenticating proxy); never logged. */
  apiKey?: string;
  temperature: number | null;
  seed: number | null;
  maxOutputTokens?: number;
  timeoutMs: number;
}

const ChatResponseSchema = z.object({
  message: z.object({ content: z.string() }),
  prompt_eval_count: z.number().int().min(0).optional(),
  eval_count: z.number().int().min(0).optional(),
});

/** Ollama's /api/chat through the official client. */
export class OllamaProvider implements ChatProvider {
  readonly name = 'ollama';
  readonly #o: OllamaProviderOptions;
  /** Structured answers until the server refuses them once (then free text, parsed from `[[k]]`). */
  readonly #structured = new StructuredFallback('format schema');

  readonly #dispatcher: ReturnType<typeof slowServerAgent>;

  constructor(o: OllamaProviderOptions) {
    this.#o = o;
    this.#dispatcher = slowServerAgent(o.timeoutMs);
  }

  get refused(): string | undefined {
    return this.#structured.refused;
  }

  async chat(req: ChatRequest): Promise<ChatReply> {
    return this.#structured.chat(req, (r, structured) => this.#send(r, structured));
  }

  async #send(req: ChatRequest, structured: boolean): Promise<ChatReply> {
    const o = this.#o;
    const timeout = AbortSignal.timeout(o.timeoutMs);
    let lastHeaders: Headers | undefined;
    // A client per request: its fetch carries this request's deadline and study signal, and keeps the
    // response headers (Retry-After) that the client's errors do not expose.
    const client = new Ollama({
      host: o.host,
      ...(o.apiKey ? { headers: { Authorization: `Bearer ${o.apiKey}` } } : {}),
      fetch: async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        const res = await fetch(input, { ...init, signal: AbortSignal.any([timeout, req.signal]), dispatcher: this.#dispatcher } as RequestInit);
        lastHeaders = res.headers;
        return res;
      },
    });
    const options: Record<string, number> = {};
    if (o.temperature !== null) options.temperature = o.temperature;
    if (o.seed !== null) options.seed = o.seed;
    if (o.maxOutputTokens !== undefined) options.num_predict = structured ? Math.max(o.maxOutputTokens, MIN_STRUCTURED_OUTPUT_TOKENS) : o.maxOutputTokens;
    let raw: unknown;
    try {
      raw = await client.chat({
        model: o.model,
        messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
        stream: false,
        options,
        ...(structured && req.answer ? { format: answerJsonSchema(req.answer) } : {}),
      });
    } catch (e) {
      if (req.signal.aborted) throw e;
      if (timeout.aborted) throw new ProviderError(`request timed out after ${o.timeoutMs} ms`, { retryable: true, cause: e });
      if (isAbortError(e)) throw e;
      throw classify(e, lastHeaders);
    }
    const parsed = ChatResponseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ProviderError(`malformed chat reply: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { retryable: false });
    }
    const r = parsed.data;
    const usage =
      r.prompt_eval_count !== undefined && r.eval_count !== undefined ? { inputTokens: r.prompt_eval_count, outputTokens: r.eval_count } : undefined;
    return usage ? { text: r.message.content, usage } : { text: r.message.content };
  }
}

function classify(e: unknown, headers: Headers | undefined): ProviderError {
  const status = e !== null && typeof e === 'object' && 'status_code' in e && typeof e.status_code === 'number' ? e.status_code : undefined;
  const message = e instanceof Error ? e.message : String(e);
  if (status !== undefined) {
    const after = retryAfterMs(headers);
    return new ProviderError(`HTTP ${status}: ${message.slice(0, 300)}`, {
      retryable: isRetryableStatus(status),
      status,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
      cause: e,
    });
  }
  // fetch failed / socket closed / body cut short / JSON cut short: the connection dropped.
  if (e instanceof TypeError || e instanceof SyntaxError || (e instanceof Error && /fetch failed|socket|ECONN|terminated|other side closed/i.test(message))) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return new ProviderError(`connection failed: ${message}${cause}`, { retryable: true, cause: e });
  }
  return new ProviderError(e instanceof Error ? `${e.name}: ${message}` : message, { retryable: false, cause: e });
}
