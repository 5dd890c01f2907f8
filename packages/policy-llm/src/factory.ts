import path from 'node:path';
import type { Factory, FactoryContext, Policy } from '@lamdagent/core';
import { type LlmPolicyOptions, LlmPolicyOptionsSchema, parseOptions, type Shortlist } from './options.js';
import type { Ranker } from './step.js';
import { LlmPolicy } from './policy.js';
import { OllamaProvider } from './providers/ollama.js';
import { LlamaCppProvider, modelFileProblem, nodeLlamaCppProblem } from './providers/llama-cpp.js';
import { OpenAIProvider } from './providers/openai.js';
import type { ChatProvider } from './providers/types.js';
import { createRedactor } from '@lamdagent/core/kit';
import { loadTemplates } from './templates.js';
import { pricesFor } from './usage.js';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
/** Output cap of the llama-cpp provider when maxOutputTokens is not set (small models can ramble on). */
export const DEFAULT_LLAMA_CPP_MAX_OUTPUT = 384;

/** The environment variable the API key is read from (none for providers that need no key). */
export function apiKeyEnvOf(o: LlmPolicyOptions): string | undefined {
  return o.apiKeyEnv ?? (o.provider === 'openai' ? 'OPENAI_API_KEY' : undefined);
}

/**
 * Problems known before the study starts: a llama-cpp model file that is missing, node-llama-cpp not
 * installed, and (when `env` is given) an API key the provider needs that is not set.
 */
export function preflightOptions(
  o: LlmPolicyOptions,
  configDir: string,
  env?: Readonly<Record<string, string | undefined>>,
): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (env) {
    const keyEnv = apiKeyEnvOf(o);
    const needed = o.apiKeyEnv !== undefined || (o.provider === 'openai' && o.baseURL === undefined);
    if (keyEnv && needed && !env[keyEnv])
      out.push({
        path: 'apiKeyEnv',
        message: `environment variable ${keyEnv} is not set; export the key there${o.provider === 'openai' ? ', or set baseURL for a server that needs no key' : ''}`,
      });
  }
  if (o.provider !== 'llama-cpp') return out;
  const file = modelFileProblem(path.resolve(configDir, o.model));
  if (file) out.push({ path: 'model', message: file });
  const lib = nodeLlamaCppProblem();
  if (lib) out.push({ path: 'provider', message: lib });
  return out;
}

export interface CreateLlmPolicyOverrides {
  /** Use this provider instead of building one from the options (tests, benchmarks, custom backends). */
  provider?: ChatProvider;
}

/** Builds the `llm` policy: validates options, loads prompt templates, reads the API key, builds the provider. */
export async function createLlmPolicy(
  input: unknown,
  ctx: Pick<FactoryContext, 'configDir' | 'seed' | 'env' | 'policy'>,
  overrides: CreateLlmPolicyOverrides = {},
): Promise<LlmPolicy> {
  const o = parseOptions(input);
  const templates = await loadTemplates(o.prompts, ctx.configDir);
  const keyEnv = o.apiKeyEnv ?? (o.provider === 'openai' ? 'OPENAI_API_KEY' : undefined);
  const key = keyEnv ? ctx.env[keyEnv] : undefined;
  const seed = o.seed === undefined ? ctx.seed : o.seed;
  let provider = overrides.provider;
  if (!provider && o.apiKeyEnv !== undefined && !key) {
    throw new TypeError(`llm policy options: apiKeyEnv: environment variable ${o.apiKeyEnv} is not set`);
  }
  if (!provider) {
    const problems = preflightOptions(o, ctx.configDir);
    if (problems.length) throw new TypeError(`llm policy options: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    if (o.provider === 'llama-cpp') {
      provider = new LlamaCppProvider({
        modelPath: path.resolve(ctx.configDir, o.model),
        contextSize: o.contextSize,
        ...(o.threads !== undefined ? { threads: o.threads } : {}),
        gpuLayers: o.gpuLayers,
        temperature: o.temperature ?? 0,
        seed,
        maxOutputTokens: o.maxOutputTokens ?? DEFAULT_LLAMA_CPP_MAX_OUTPUT,
      });
    } else if (o.provider === 'openai') {
      if (!key && o.baseURL === undefined) {
        throw new TypeError(
          `llm policy options: apiKeyEnv: environment variable ${keyEnv} is not set; export the key there, ` + `or set baseURL for a server that needs no key`,
        );
      }
      provider = new OpenAIProvider({
        model: o.model,
        // Local OpenAI-compatible servers (vLLM, llama.cpp, LM Studio) accept any key.
        apiKey: key || 'EMPTY',
        ...(o.baseURL !== undefined ? { baseURL: o.baseURL } : {}),
        temperature: o.temperature,
        seed,
        ...(o.maxOutputTokens !== undefined ? { maxOutputTokens: o.maxOutputTokens } : {}),
        timeoutMs: o.timeoutMs,
      });
    } else {
      provider = new OllamaProvider({
        model: o.model,
        host: o.host ?? DEFAULT_OLLAMA_HOST,
        ...(key ? { apiKey: key } : {}),
        temperature: o.temperature,
        seed,
        ...(o.maxOutputTokens !== undefined ? { maxOutputTokens: o.maxOutputTokens } : {}),
        timeoutMs: o.timeoutMs,
      });
    }
  }
  const ranker = o.shortlist ? await createRanker(o.shortlist, ctx) : undefined;
  return new LlmPolicy(o, {
    ...(ranker ? { ranker } : {}),
    provider,
    templates,
    redact: createRedactor([key]),
    prices: pricesFor(o.provider, o.model, o.prices),
    seed: ctx.seed,
  });
}

/** The shortlist's ranking policy, created through the study's registry; it must be able to propose. */
async function createRanker(sl: Shortlist, ctx: Pick<FactoryContext, 'policy'>): Promise<Ranker> {
  if (!ctx.policy) throw new TypeError('llm policy options: shortlist: this context cannot create policies (build the study through @lamdagent/core)');
  let p: Policy;
  try {
    p = await ctx.policy(sl.policy, sl.options);
  } catch (e) {
    throw new TypeError(`llm policy options: shortlist.policy: ${sl.policy}: ${(e as Error).message}`);
  }
  if (typeof p.propose !== 'function')
    throw new TypeError(`llm policy options: shortlist.policy: ${sl.policy} cannot propose ranked candidates (it has no propose method); surrogate can`);
  return p as Ranker;
}

/** The `llm` policy factory registered by this plugin. */
export const llmPolicyFactory: Factory<Policy, LlmPolicyOptions> = {
  name: 'llm',
  description: 'LaMDAgent: an LLM chooses each action from its memory of earlier trials (OpenAI-compatible, Ollama or in-process llama.cpp agent LLMs)',
  optionsSchema: LlmPolicyOptionsSchema,
  preflight: (options, ctx) => preflightOptions(options, ctx.configDir, ctx.env),
  create: (options, ctx) => createLlmPolicy(options, ctx),
};
