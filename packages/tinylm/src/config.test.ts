import { describe, expect, it } from 'vitest';
import { parseHFConfig, toHFConfig, type GPT2Config } from './config.js';

const config: GPT2Config = {
  vocabSize: 100,
  nPositions: 128,
  nEmbd: 64,
  nLayer: 2,
  nHead: 4,
  nInner: 256,
  layerNormEpsilon: 1e-5,
  initializerRange: 0.02,
  bosTokenId: 1,
  eosTokenId: 2,
  padTokenId: 0,
};

describe('config.json', () => {
  it('uses GPT-2 keys and round-trips', () => {
    const hf = toHFConfig(config);
    expect(hf).toMatchObject({
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      activation_function: 'gelu_new',
      vocab_size: 100,
      n_positions: 128,
      n_embd: 64,
      n_layer: 2,
      n_head: 4,
      n_inner: 256,
      layer_norm_epsilon: 1e-5,
      tie_word_embeddings: true,
      bos_token_id: 1,
      eos_token_id: 2,
    });
    expect(parseHFConfig(JSON.stringify(hf))).toEqual(config);
  });

  it('applies Hugging Face defaults (n_inner null means 4 * n_embd)', () => {
    const hf = { ...toHFConfig(config), n_inner: null, pad_token_id: undefined, layer_norm_epsilon: undefined };
    const parsed = parseHFConfig(JSON.stringify(hf));
    expect(parsed.nInner).toBe(256);
    expect(parsed.padTokenId).toBe(2);
    expect(parsed.layerNormEpsilon).toBe(1e-5);
  });

  it('names the file and the field in errors', () => {
    const text = (patch: Record<string, unknown>): string => JSON.stringify({ ...toHFConfig(config), ...patch });
    expect(() => parseHFConfig(text({ model_type: 'llama' }), 'm/config.json')).toThrow(/m\/config\.json: model_type/);
    expect(() => parseHFConfig(text({ n_embd: 0 }))).toThrow(/config\.json: n_embd/);
    expect(() => parseHFConfig(text({ activation_function: 'relu' }))).toThrow(/activation_function/);
    expect(() => parseHFConfig(text({ tie_word_embeddings: false }))).toThrow(/tie_word_embeddings/);
    expect(() => parseHFConfig(text({ n_head: 5 }))).toThrow(/divisible by n_head/);
    expect(() => parseHFConfig(text({ eos_token_id: 100 }))).toThrow(/eos_token_id \(100\) must be < vocab_size/);
    expect(() => parseHFConfig('nope')).toThrow(/config\.json: invalid JSON/);
  });
});
