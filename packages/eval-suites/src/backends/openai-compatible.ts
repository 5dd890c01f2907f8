import type { GenerationBackend } from '@lamdagent/core';
import { z } from 'zod';
import { BackendError } from '../errors.js';

export const OpenAICompatibleOptionsSchema = z
  .object({
    /** Server root (`http://localhost:8000`) or its `/v1` (`http://localhost:8000/v1`). */
    baseUrl: z.string().url(),
    /** Model name the server knows; default: the evaluated model's path (vLLM's default served name). */
    model: z.string().min(1).optional(),
    /** API key sent as a bearer token; prefer `apiKeyEnv`, so no secret sits in a config file. */
    apiKey: z.string().min(1).optional(),
    /** Name of the environment variable holding the API key. */
    apiKeyEnv: z.string().min(1).optional(),
    /** Prompts sent per request. */
    batchSize: z.number().int().min(1).default(16),
    /** Per-request timeout. */
    timeoutMs: z.number().int().min(1).default(120_000),
    /** Retries after a network error, HTTP 429 or 5xx (with exponential backoff). */
    maxRetries: z.number().int().min(0).default(2),
    /** First backoff delay; doubles per retry. */
    retryDelayMs: z.number().int().min(0).default(500),
    /** Extra HTTP headers. */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type OpenAICompatibleOptions = z.input<typeof OpenAICompatibleOptionsSchema>;

const CompletionResponseSchema = z.object({
  choices: z.array(z.object({ index: z.number().int().min(0), text: z.string() })),
});

/** `…/v1/completions` for a server root or a `/v1` URL. */
export function completionsUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return base.endsWith('/v1') ? `${base}/completions` : `${base}/v1/completions`;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

class RetryableError extends Error {}

/**
 * Generates through a server speaking the OpenAI completions protocol (vLLM, llama.cpp server, TGI's
 * OpenAI route...): `POST /v1/completions` with a list of prompts, greedy (temperature 0).
 */
export function createOpenAICompatibleBackend(
  options: OpenAICompatibleOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): GenerationBackend {
  const parsed = OpenAICompatibleOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackendError('openai-compatible', `options.${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const opts = parsed.data;
  const url = completionsUrl(opts.baseUrl);
  let apiKey = opts.apiKey;
  if (opts.apiKeyEnv !== undefined) {
    apiKey = env[opts.apiKeyEnv];
    if (!apiKey) throw new BackendError('openai-compatible', `options.apiKeyEnv: environment variable ${opts.apiKeyEnv} is not set`);
  }

  async function post(body: object, signal: AbortSignal | undefined): Promise<string[]> {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          ...opts.headers,
        },
        body: JSON.stringify(body),
        signal: combined,
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const why = timeout.aborted ? `no answer within ${opts.timeoutMs} ms` : (err as Error).message;
      throw new RetryableError(`POST ${url}: ${why}`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) {
      const message = `POST ${url}: HTTP ${res.status}: ${text.slice(0, 300)}`;
      if (res.status === 429 || res.status >= 500) throw new RetryableError(message);
      throw new BackendError('openai-compatible', message);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BackendError('openai-compatible', `POST ${url}: the response is not JSON: ${text.slice(0, 200)}`);
    }
    const data = CompletionResponseSchema.safeParse(json);
    if (!data.success) {
      const issue = data.error.issues[0];
      throw new BackendError('openai-compatible', `POST ${url}: unexpected response: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`);
    }
    return data.data.choices
      .slice()
      .sort((a, b) => a.index - b.index)
      .map((c) => c.text);
  }

  async function postWithRetries(body: { prompt: string[] }, signal: AbortSignal | undefined): Promise<string[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const texts = await post(body, signal);
        if (texts.length !== body.prompt.length) {
          throw new BackendError('openai-compatible', `POST ${url}: asked for ${body.prompt.length} completions, got ${texts.length}`);
        }
        return texts;
      } catch (err) {
        if (!(err instanceof RetryableError)) throw err;
        if (attempt >= opts.maxRetries) {
          throw new BackendError('openai-compatible', `${err.message} (after ${attempt + 1} attempts)`, { cause: err });
        }
        await sleep(opts.retryDelayMs * 2 ** attempt, signal);
      }
    }
  }

  return {
    name: 'openai-compatible',
    async generate(modelPath, prompts, { maxNewTokens, stop, signal }) {
      const out: string[] = [];
      for (let i = 0; i < prompts.length; i += opts.batchSize) {
        if (signal?.aborted) throw signal.reason;
        const prompt = prompts.slice(i, i + opts.batchSize);
        const body = {
          model: opts.model ?? modelPath,
          prompt,
          max_tokens: maxNewTokens,
          temperature: 0,
          n: 1,
          ...(stop && stop.length > 0 ? { stop: stop.slice(0, 4) } : {}),
        };
        out.push(...(await postWithRetries(body, signal)));
      }
      return out;
    },
  };
}
