import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_LLAMA_CPP_MAX_OUTPUT, DEFAULT_OLLAMA_HOST } from './factory.js';
import { LlamaCppProvider } from './providers/llama-cpp.js';
import { OllamaProvider } from './providers/ollama.js';
import { OpenAIProvider } from './providers/openai.js';
import type { ChatProvider } from './providers/types.js';
import { PricesSchema } from './options.js';
import { costUsd, pricesFor } from './usage.js';

/**
 * Options of an LLM judge's provider (`@lamdagent/eval-suites`' `LlmJudge` for MT-Bench): the agent's providers,
 * always at temperature 0 with a fixed seed, so a rating is as reproducible as the server allows.
 */
export const JudgeProviderOptionsSchema = z.discriminatedUnion('provider', [
  z
    .object({
      provider: z.literal('openai'),
      /** Judge model, e.g. gpt-4o-2024-08-06 (the paper's). */
      model: z.string().min(1),
      /** An OpenAI-compatible server (vLLM, llama.cpp server); default: OpenAI. */
      baseURL: z.string().url().optional(),
      /** Environment variable holding the key (default OPENAI_API_KEY; not needed with a local baseURL). */
      apiKeyEnv: z.string().min(1).optional(),
      maxOutputTokens: z.number().int().positive().default(512),
      timeoutMs: z.number().int().positive().default(120_000),
      /** USD per million tokens, for the study's costs; default: the built-in OpenAI table (unknown models: free). */
      prices: PricesSchema.optional(),
    })
    .strict(),
  z
    .object({
      provider: z.literal('ollama'),
      model: z.string().min(1),
      host: z.string().url().default(DEFAULT_OLLAMA_HOST),
      apiKeyEnv: z.string().min(1).optional(),
      maxOutputTokens: z.number().int().positive().default(512),
      timeoutMs: z.number().int().positive().default(120_000),
      /** USD per million tokens (default: free). */
      prices: PricesSchema.optional(),
    })
    .strict(),
  z
    .object({
      provider: z.literal('llama-cpp'),
      /** A .gguf file (relative: from `baseDir`). */
      model: z.string().min(1),
      contextSize: z.number().int().positive().default(4096),
      threads: z.number().int().positive().optional(),
      maxOutputTokens: z.number().int().positive().default(DEFAULT_LLAMA_CPP_MAX_OUTPUT),
    })
    .strict(),
]);
export type JudgeProviderOptions = z.input<typeof JudgeProviderOptionsSchema>;

/** What `createJudgeChat` gives: the provider, the model name ratings are cached under, and the price of its tokens. */
export interface JudgeChatHandle {
  chat: ChatProvider;
  model: string;
  /** USD for a number of input and output tokens (0 for local models and unknown prices). */
  costUsd(inputTokens: number, outputTokens: number): number;
}

/**
 * The judge's chat provider (documented entry for `@lamdagent/eval-suites`' `llm-judge` evaluator, which loads it
 * when installed: this package is its optional peer dependency). Options as `JudgeProviderOptionsSchema`.
 */
export function createJudgeChat(input: unknown, env: Readonly<Record<string, string | undefined>>, baseDir = process.cwd()): JudgeChatHandle {
  const parsed = JudgeProviderOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new TypeError(`judge options: ${i?.path.join('.') || '(root)'}: ${i?.message ?? 'invalid'}`);
  }
  const o = parsed.data;
  if (o.provider === 'llama-cpp') {
    const modelPath = path.resolve(baseDir, o.model);
    const chat = new LlamaCppProvider({
      modelPath,
      contextSize: o.contextSize,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      gpuLayers: 0,
      temperature: 0,
      seed: 0,
      maxOutputTokens: o.maxOutputTokens,
    });
    return { chat, model: path.basename(modelPath), costUsd: () => 0 };
  }
  const keyEnv = o.apiKeyEnv ?? (o.provider === 'openai' ? 'OPENAI_API_KEY' : undefined);
  const key = keyEnv ? env[keyEnv] : undefined;
  if (o.provider === 'openai') {
    if (!key && o.baseURL === undefined) throw new TypeError(`judge options: apiKeyEnv: environment variable ${keyEnv} is not set; or set baseURL`);
    const chat = new OpenAIProvider({
      model: o.model,
      apiKey: key || 'EMPTY',
      ...(o.baseURL !== undefined ? { baseURL: o.baseURL } : {}),
      temperature: 0,
      seed: 0,
      maxOutputTokens: o.maxOutputTokens,
      timeoutMs: o.timeoutMs,
    });
    const prices = pricesFor('openai', o.model, o.prices);
    return { chat, model: o.model, costUsd: (i, out) => costUsd(prices, i, out) };
  }
  const chat = new OllamaProvider({
    model: o.model,
    host: o.host,
    ...(key ? { apiKey: key } : {}),
    temperature: 0,
    seed: 0,
    maxOutputTokens: o.maxOutputTokens,
    timeoutMs: o.timeoutMs,
  });
  const prices = pricesFor('ollama', o.model, o.prices);
  return { chat, model: o.model, costUsd: (i, out) => costUsd(prices, i, out) };
}
