import { z } from 'zod';

/** Environment-variable names only (the key itself never appears in config). */
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name such as OPENAI_API_KEY');

export const PricesSchema = z
  .object({
    /** USD per million input (prompt) tokens. */
    inputPerMTok: z.number().min(0),
    /** USD per million output (completion) tokens. */
    outputPerMTok: z.number().min(0),
  })
  .strict();
export type Prices = z.infer<typeof PricesSchema>;

export const HistoryLimitsSchema = z
  .object({
    /** Best finished trials shown (by reward). */
    best: z.number().int().min(0).max(100).default(5),
    /** Most recent finished trials shown (besides the best ones). */
    recent: z.number().int().min(0).max(100).default(6),
    /** Most recent failed trials shown with their cause. */
    failures: z.number().int().min(0).max(50).default(3),
    /** Running actions listed (the rest are counted). */
    pending: z.number().int().min(0).max(1000).default(32),
    /** Characters of a failed trial's log excerpt shown (its tail). */
    logExcerptChars: z.number().int().min(0).max(4000).default(240),
  })
  .strict();
export type HistoryLimits = z.infer<typeof HistoryLimitsSchema>;

export const PromptFilesSchema = z
  .object({
    /** Template file for action-type selection (relative to the config's folder). */
    type: z.string().min(1).optional(),
    /** Template file for object selection. */
    objects: z.string().min(1).optional(),
    /** Template file for the shortlist step (with `shortlist`: the agent chooses among a ranking policy's proposals). */
    shortlist: z.string().min(1).optional(),
    /** Template file for the memory update. */
    memory: z.string().min(1).optional(),
  })
  .strict();
export type PromptFiles = z.infer<typeof PromptFilesSchema>;

export const ShortlistSchema = z
  .object({
    /** A registered policy that can propose ranked candidates (`propose`), e.g. `surrogate` from @lamdagent/policy-search. */
    policy: z
      .string()
      .min(1)
      .refine((n) => n !== 'llm', { message: 'must name a ranking policy such as surrogate, not llm' }),
    /** That policy's options, as in its own `policy.options` block. */
    options: z.record(z.string(), z.unknown()).default({}),
    /** How many of its proposals the agent sees (best first). */
    size: z.number().int().min(2).max(20).default(5),
  })
  .strict();
export type Shortlist = z.infer<typeof ShortlistSchema>;

/** Options of the `llm` policy (the `policy.options` block of a study config). */
export const LlmPolicyOptionsSchema = z
  .object({
    provider: z.enum(['openai', 'ollama', 'llama-cpp']).default('openai'),
    /**
     * Model name: `gpt-4o-2024-08-06`, `qwen2.5:7b`, the name a vLLM server serves, ...;
     * llama-cpp: path of a .gguf file (relative to the config's folder), never downloaded.
     */
    model: z.string().min(1),
    /** openai: API base URL (OpenAI, Azure OpenAI `.../openai/v1/`, vLLM, llama.cpp, LM Studio, OpenRouter). */
    baseURL: z.url().optional(),
    /** ollama: server address (default http://127.0.0.1:11434). */
    host: z.string().min(1).optional(),
    /** Name of the environment variable holding the API key (never the key itself). */
    apiKeyEnv: EnvName.optional(),
    /** Sampling temperature; null leaves it to the server (reasoning models refuse 0). */
    temperature: z.number().min(0).max(2).nullable().default(0),
    /** Sampling seed; default: the study seed; null sends none. */
    seed: z.number().int().nullable().optional(),
    /** Cap on output tokens per call; default: none sent (llama-cpp: 384). */
    maxOutputTokens: z.number().int().positive().optional(),
    /**
     * Constrain the two selection answers to the enumerated candidates (llama-cpp: grammar; openai:
     * response_format json_schema; ollama: format schema). A server that refuses structured output is
     * detected once and answered in free text (`[[k]]`) from then on. The memory update is always free text.
     */
    constrain: z.boolean().default(true),
    /** llama-cpp: context size in tokens. */
    contextSize: z.number().int().min(512).max(131_072).default(8192),
    /** llama-cpp: CPU threads; default: node-llama-cpp's (the machine's cores). */
    threads: z.number().int().min(1).max(1024).optional(),
    /** llama-cpp: layers offloaded to a GPU; 0 (default) runs on the CPU only. */
    gpuLayers: z.number().int().min(0).max(1000).default(0),
    /** Timeout of one request, in milliseconds. */
    timeoutMs: z.number().int().positive().default(120_000),
    /** Provider retries on 429, 408, 409, 5xx, timeouts and dropped connections. */
    maxRetries: z.number().int().min(0).max(20).default(4),
    /** First backoff delay in ms (doubles each retry, with jitter). */
    retryBaseMs: z.number().int().min(0).default(1000),
    /** Longest wait between retries in ms (also caps a server's Retry-After). */
    retryMaxMs: z.number().int().min(0).default(60_000),
    /** How many times an unusable answer is sent back with the error before a random fallback. */
    parseRetries: z.number().int().min(0).max(10).default(2),
    /**
     * Order of the enumerated candidates shown in the two selection steps (action types, each candidate
     * list). `seeded`: shuffled from the study seed and the trial index, so at temperature 0 every seed
     * sees its own prompts (the same seed always the same ones, also on resume); `fixed`: the action
     * space's order, identical in every seed. Either way an answer's number is a position in the list as shown.
     */
    candidateOrder: z
      .enum(['seeded', 'fixed'], {
        error: (i) => `llm policy option candidateOrder must be "seeded" or "fixed", got ${JSON.stringify(i.input)}`,
      })
      .default('seeded'),
    /** Reject an answer that repeats an action already run (it would only return the cached result). */
    avoidRepeats: z.boolean().default(true),
    /**
     * Keep a memory (the paper's section 2.5): after every finished trial a call rewrites it. `false`: no
     * memory update is made and the prompts say the agent has none (the ablation of comparisons).
     */
    memory: z.boolean().default(true),
    /** Longest memory kept, in characters (the memory prompt asks for less). */
    memoryMaxChars: z.number().int().min(200).max(50_000).default(2000),
    /**
     * The LLM-plus-model hybrid: each selection asks the named ranking policy for its best `size`
     * untried actions with their predicted rewards, and the agent chooses one of them (one step instead
     * of type then objects). When the ranker would choose without a model it proposes nothing and the
     * agent chooses as without a shortlist; an unusable answer takes the ranker's first proposal.
     */
    shortlist: ShortlistSchema.optional(),
    prompts: PromptFilesSchema.default({}),
    /** Price table for cost accounting; default: a built-in table for known OpenAI models, else 0. */
    prices: PricesSchema.optional(),
    history: HistoryLimitsSchema.default({ best: 5, recent: 6, failures: 3, pending: 32, logExcerptChars: 240 }),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.provider === 'ollama' && o.baseURL !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['baseURL'], message: 'applies to provider openai; set host for ollama' });
    }
    if (o.provider === 'openai' && o.host !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'applies to provider ollama; set baseURL for openai' });
    }
    if (o.provider === 'llama-cpp') {
      for (const f of ['baseURL', 'host', 'apiKeyEnv'] as const) {
        if (o[f] !== undefined)
          ctx.addIssue({ code: 'custom', path: [f], message: 'does not apply to provider llama-cpp (an in-process model: no server, no key)' });
      }
      if (o.temperature === null) ctx.addIssue({ code: 'custom', path: ['temperature'], message: 'llama-cpp needs a number (0: greedy)' });
    }
  });

export type LlmPolicyOptionsInput = z.input<typeof LlmPolicyOptionsSchema>;
export type LlmPolicyOptions = z.infer<typeof LlmPolicyOptionsSchema>;

/** Validates options; the error names each bad field (`llm policy options: history.best: ...`). */
export function parseOptions(input: unknown): LlmPolicyOptions {
  const r = LlmPolicyOptionsSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new TypeError(`llm policy options are invalid:\n${lines.join('\n')}`);
}
