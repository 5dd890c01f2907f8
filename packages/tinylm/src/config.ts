/** GPT-2 model configuration: the in-memory form and the Hugging Face `config.json` form. */
import { z } from 'zod';
import { formatIssues } from './validate.js';

/** Architecture hyperparameters of a GPT-2 model (names follow Hugging Face `GPT2Config`). */
export interface GPT2Config {
  readonly vocabSize: number;
  readonly nPositions: number;
  readonly nEmbd: number;
  readonly nLayer: number;
  readonly nHead: number;
  /** Width of the MLP hidden layer (HF: `n_inner`, null means 4 * n_embd). */
  readonly nInner: number;
  readonly layerNormEpsilon: number;
  readonly initializerRange: number;
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly padTokenId: number;
}

/** Sizes accepted by `TinyLM.init`; everything is optional and defaults to {@link DEFAULT_SIZES}. */
export interface TinyLMSizes {
  nPositions?: number;
  nEmbd?: number;
  nLayer?: number;
  nHead?: number;
  nInner?: number;
  layerNormEpsilon?: number;
  initializerRange?: number;
}

/** Default size: fast enough for the embedded world on 2 CPU cores (see README for measurements). */
export const DEFAULT_SIZES = {
  nPositions: 128,
  nEmbd: 64,
  nLayer: 2,
  nHead: 4,
  layerNormEpsilon: 1e-5,
  initializerRange: 0.02,
} as const;

const positiveInt = z.number().int().positive();

/** The subset of Hugging Face GPT-2 `config.json` keys this engine reads; other keys are ignored. */
const hfConfigSchema = z.looseObject({
  model_type: z.literal('gpt2'),
  vocab_size: positiveInt,
  n_positions: positiveInt,
  n_embd: positiveInt,
  n_layer: positiveInt,
  n_head: positiveInt,
  n_inner: positiveInt.nullable().optional(),
  activation_function: z.enum(['gelu_new', 'gelu_pytorch_tanh']).default('gelu_new'),
  layer_norm_epsilon: z.number().positive().default(1e-5),
  initializer_range: z.number().positive().default(0.02),
  bos_token_id: z.number().int().nonnegative(),
  eos_token_id: z.number().int().nonnegative(),
  pad_token_id: z.number().int().nonnegative().nullable().optional(),
  tie_word_embeddings: z.literal(true, { message: 'only tied input/output embeddings are supported' }).default(true),
  scale_attn_weights: z.literal(true, { message: 'only scaled attention is supported' }).default(true),
  scale_attn_by_inverse_layer_idx: z.literal(false, { message: 'scale_attn_by_inverse_layer_idx is not supported' }).default(false),
});

/** Check the invariants every config must satisfy (head split, token ids inside the vocabulary). */
export function checkConfig(config: GPT2Config, where: string): GPT2Config {
  const problems: string[] = [];
  if (config.nEmbd % config.nHead !== 0) problems.push(`n_embd (${config.nEmbd}) must be divisible by n_head (${config.nHead})`);
  for (const [key, id] of [
    ['bos_token_id', config.bosTokenId],
    ['eos_token_id', config.eosTokenId],
    ['pad_token_id', config.padTokenId],
  ] as const) {
    if (id >= config.vocabSize) problems.push(`${key} (${id}) must be < vocab_size (${config.vocabSize})`);
  }
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return config;
}

/** Parse and validate the JSON text of a Hugging Face GPT-2 `config.json`. */
export function parseHFConfig(text: string, file = 'config.json'): GPT2Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: invalid JSON (${(error as Error).message})`);
  }
  const parsed = hfConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${formatIssues(parsed.error.issues)}`);
  const c = parsed.data;
  return checkConfig(
    {
      vocabSize: c.vocab_size,
      nPositions: c.n_positions,
      nEmbd: c.n_embd,
      nLayer: c.n_layer,
      nHead: c.n_head,
      nInner: c.n_inner ?? 4 * c.n_embd,
      layerNormEpsilon: c.layer_norm_epsilon,
      initializerRange: c.initializer_range,
      bosTokenId: c.bos_token_id,
      eosTokenId: c.eos_token_id,
      padTokenId: c.pad_token_id ?? c.eos_token_id,
    },
    file,
  );
}

/** The Hugging Face `config.json` object for a config (GPT-2's real keys; dropout is not used, so 0). */
export function toHFConfig(config: GPT2Config): Record<string, unknown> {
  return {
    activation_function: 'gelu_new',
    architectures: ['GPT2LMHeadModel'],
    attn_pdrop: 0.0,
    bos_token_id: config.bosTokenId,
    embd_pdrop: 0.0,
    eos_token_id: config.eosTokenId,
    initializer_range: config.initializerRange,
    layer_norm_epsilon: config.layerNormEpsilon,
    model_type: 'gpt2',
    n_ctx: config.nPositions,
    n_embd: config.nEmbd,
    n_head: config.nHead,
    n_inner: config.nInner,
    n_layer: config.nLayer,
    n_positions: config.nPositions,
    pad_token_id: config.padTokenId,
    reorder_and_upcast_attn: false,
    resid_pdrop: 0.0,
    scale_attn_by_inverse_layer_idx: false,
    scale_attn_weights: true,
    summary_activation: null,
    summary_first_dropout: 0.1,
    summary_proj_to_labels: true,
    summary_type: 'cls_index',
    summary_use_proj: true,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
    use_cache: true,
    vocab_size: config.vocabSize,
  };
}

/** Hugging Face `generation_config.json` for greedy decoding. */
export function toGenerationConfig(config: GPT2Config): Record<string, unknown> {
  return {
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    pad_token_id: config.padTokenId,
    do_sample: false,
  };
}
