import OpenAI from 'openai';
import { Agent } from 'undici';
import { z } from 'zod';
import { answerJsonSchema, MIN_STRUCTURED_OUTPUT_TOKENS } from '../answer.js';
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

export interface OpenAIProviderOptions {
  model: string;
  /** The key itself (read from the environment by the caller); never logged. */
  apiKey: string;
  baseURL?: string;
  temperature: number | null;
  seed: number | null;
  maxOutputTokens?: number;
  timeoutMs: number;
}

/** The parts of a chat completion we use; anything else a server sends is ignored. */
const CompletionSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }) }))
    .min(1, 'no choices in the reply'),
  usage: z
    .object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) })
    .nullable()
    .optional(),
});

/**
 * OpenAI chat completions through the official client: OpenAI, Azure OpenAI (v1 endpoint), vLLM,
 * llama.cpp server, LM Studio, OpenRouter. The client's own retries are off; ours classify errors.
 */
export class OpenAIProvider implements ChatProvider {
  readonly name = 'openai';
  readonly #client: OpenAI;
  readonly #o: OpenAIProviderOptions;
  /** Structured answers until the server refuses them once (then free text, parsed from `[[k]]`). */
  readonly #structured = new StructuredFallback('response_format json_schema');

  constructor(o: OpenAIProviderOptions) {
    this.#o = o;
    this.#client = new OpenAI({
      apiKey: o.apiKey,
      ...(o.baseURL !== undefined ? { baseURL: o.baseURL } : {}),
      maxRetries: 0,
      timeout: o.timeoutMs,
      logLevel: 'off',
      // Node's fetch gives up waiting for response headers after 300 s whatever the client's timeout; a
      // local CPU server answers a non-streamed request only when done, which can take longer.
      fetchOptions: { dispatcher: slowServerAgent(o.timeoutMs) } as NonNullable<ConstructorParameters<typeof OpenAI>[0]>['fetchOptions'],
    });
  }

  /** Set when the server refused structured output (then answers are free text, parsed from `[[k]]`). */
  get refused(): string | undefined {
    return this.#structured.refused;
  }

  async chat(req: ChatRequest): Promise<ChatReply> {
    return this.#structured.chat(req, (r, structured) => this.#send(r, structured));
  }

  async #send(req: ChatRequest, structured: boolean): Promise<ChatReply> {
    const o = this.#o;
    let raw: unknown;
    try {
      raw = await this.#client.chat.completions.create(
        {
          model: o.model,
          messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
          ...(o.temperature !== null ? { temperature: o.temperature } : {}),
          ...(o.seed !== null ? { seed: o.seed } : {}),
          ...(o.maxOutputTokens !== undefined
            ? { max_tokens: structured ? Math.max(o.maxOutputTokens, MIN_STRUCTURED_OUTPUT_TOKENS) : o.maxOutputTokens }
            : {}),
          ...(structured && req.answer
            ? {
                response_format: {
                  type: 'json_schema' as const,
                  json_schema: { name: `${req.answer.step}_answer`, strict: true, schema: answerJsonSchema(req.answer) },
                },
              }
            : {}),
        },
        { signal: req.signal, timeout: o.timeoutMs, maxRetries: 0 },
      );
    } catch (e) {
      throw classify(e, req.signal, o.timeoutMs);
    }
    const parsed = CompletionSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ProviderError(`malformed chat completion: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, {
        retryable: false,
      });
    }
    const msg = parsed.data.choices[0]?.message;
    const text = msg?.content ?? (msg?.refusal ? `(refused: ${msg.refusal})` : '');
    const u = parsed.data.usage;
    return u ? { text, usage: { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens } } : { text };
  }
}

/** An HTTP agent whose header and body timeouts follow the request timeout (Node's default: 300 s). */
export function slowServerAgent(timeoutMs: number): Agent {
  return new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

function classify(e: unknown, signal: AbortSignal, timeoutMs: number): unknown {
  if (signal.aborted || isAbortError(e)) return e;
  if (e instanceof OpenAI.APIConnectionTimeoutError) return new ProviderError(`request timed out after ${timeoutMs} ms`, { retryable: true, cause: e });
  if (e instanceof OpenAI.APIConnectionError) {
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return new ProviderError(`connection failed${cause}`, { retryable: true, cause: e });
  }
  if (e instanceof OpenAI.APIError && typeof e.status === 'number') {
    const after = retryAfterMs(e.headers);
    return new ProviderError(`HTTP ${e.status}: ${e.message.replace(/^\d{3}\s*/, '').slice(0, 300)}`, {
      retryable: isRetryableStatus(e.status),
      status: e.status,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
      cause: e,
    });
  }
  if (e instanceof SyntaxError) return new ProviderError(`unreadable reply: ${e.message}`, { retryable: true, cause: e });
  return new ProviderError(e instanceof Error ? `${e.name}: ${e.message}` : String(e), { retryable: false, cause: e });
}
