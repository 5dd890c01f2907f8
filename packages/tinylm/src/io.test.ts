import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SafetensorsFile, encodeFromFloat32, writeSafetensors } from '@lamdagent/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TinyLM } from './model.js';
import { randomizeParameters, rightPaddedLogits } from './test-helpers.js';

function logits(model: TinyLM, text: string): Float32Array {
  return rightPaddedLogits(model, [model.tokenizer.encode(text, true)]);
}

describe('model folder (Hugging Face layout)', () => {
  let root: string;
  let model: TinyLM;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'tinylm-io-'));
    model = await TinyLM.init({ nEmbd: 16, nHead: 2, nLayer: 2, nPositions: 32 }, 5);
    randomizeParameters(model, 9, 0.2);
  });
  afterAll(async () => {
    model.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('round-trips: identical weights and logits after save + load', async () => {
    const dir = path.join(root, 'a');
    await model.save(dir);
    const loaded = await TinyLM.load(dir);
    expect(loaded.config).toEqual(model.config);
    expect(loaded.parameterCount).toBe(model.parameterCount);
    for (const { name } of model.parameterShapes()) expect(loaded.parameter(name)).toEqual(model.parameter(name));
    expect(logits(loaded, 'hello world')).toEqual(logits(model, 'hello world'));
    loaded.dispose();
    expect((await readdir(root)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('stores exactly the GPT-2 tensor names and shapes (Conv1D layout, tied lm_head not stored)', async () => {
    const dir = path.join(root, 'b');
    await model.save(dir);
    const file = await SafetensorsFile.open(path.join(dir, 'model.safetensors'));
    const d = 16;
    const V = model.config.vocabSize;
    const expected: Record<string, number[]> = {
      'transformer.wte.weight': [V, d],
      'transformer.wpe.weight': [32, d],
      'transformer.ln_f.weight': [d],
      'transformer.ln_f.bias': [d],
    };
    for (const i of [0, 1]) {
      Object.assign(expected, {
        [`transformer.h.${i}.ln_1.weight`]: [d],
        [`transformer.h.${i}.ln_1.bias`]: [d],
        [`transformer.h.${i}.attn.c_attn.weight`]: [d, 3 * d],
        [`transformer.h.${i}.attn.c_attn.bias`]: [3 * d],
        [`transformer.h.${i}.attn.c_proj.weight`]: [d, d],
        [`transformer.h.${i}.attn.c_proj.bias`]: [d],
        [`transformer.h.${i}.ln_2.weight`]: [d],
        [`transformer.h.${i}.ln_2.bias`]: [d],
        [`transformer.h.${i}.mlp.c_fc.weight`]: [d, 4 * d],
        [`transformer.h.${i}.mlp.c_fc.bias`]: [4 * d],
        [`transformer.h.${i}.mlp.c_proj.weight`]: [4 * d, d],
        [`transformer.h.${i}.mlp.c_proj.bias`]: [d],
      });
    }
    expect(file.names().sort()).toEqual(Object.keys(expected).sort());
    for (const [name, shape] of Object.entries(expected)) expect(file.info(name)).toMatchObject({ dtype: 'F32', shape });
    expect(file.metadata()).toEqual({ format: 'pt' });
    await file.close();

    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json']);
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      activation_function: 'gelu_new',
      tie_word_embeddings: true,
      n_embd: 16,
      n_layer: 2,
      n_head: 2,
      n_positions: 32,
      vocab_size: V,
    });
    const gen = JSON.parse(await readFile(path.join(dir, 'generation_config.json'), 'utf8')) as Record<string, unknown>;
    expect(gen).toMatchObject({ eos_token_id: model.config.eosTokenId, do_sample: false });
  });

  it('saves into an existing folder by replacing files atomically', async () => {
    const dir = path.join(root, 'c');
    await model.save(dir);
    await model.save(dir);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
    const loaded = await TinyLM.load(dir);
    expect(loaded.parameter('transformer.wte.weight')).toEqual(model.parameter('transformer.wte.weight'));
    loaded.dispose();
  });

  it('loads GPT2Model-style names without the "transformer." prefix and ignores attn.bias buffers', async () => {
    const dir = path.join(root, 'd');
    await model.save(dir);
    const src = await SafetensorsFile.open(path.join(dir, 'model.safetensors'));
    const tensors = [];
    for (const name of src.names()) {
      tensors.push({ name: name.replace(/^transformer\./, ''), dtype: 'F32' as const, shape: src.info(name).shape, data: await src.readBytes(name) });
    }
    await src.close();
    tensors.push({ name: 'h.0.attn.bias', dtype: 'F32' as const, shape: [1], data: encodeFromFloat32([1], 'F32') });
    await writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
    const loaded = await TinyLM.load(dir);
    expect(logits(loaded, 'abc')).toEqual(logits(model, 'abc'));
    loaded.dispose();
  });

  it('reports broken folders with the file and field', async () => {
    const dir = path.join(root, 'e');
    await model.save(dir);
    const cfgPath = path.join(dir, 'config.json');
    const cfg = JSON.parse(await readFile(cfgPath, 'utf8')) as Record<string, unknown>;
    await writeFile(cfgPath, JSON.stringify({ ...cfg, n_embd: 'x' }));
    await expect(TinyLM.load(dir)).rejects.toThrow(/config\.json: n_embd/);
    await writeFile(cfgPath, JSON.stringify({ ...cfg, n_inner: 32 }));
    await expect(TinyLM.load(dir)).rejects.toThrow(/mlp\.c_fc\.weight has shape \[16, 64\], config\.json implies \[16, 32\]/);
    await writeFile(cfgPath, JSON.stringify({ ...cfg, vocab_size: 200 }));
    await expect(TinyLM.load(dir)).rejects.toThrow(/tokenizer\.json: vocabulary has \d+ tokens but .*vocab_size 200/);
    await expect(TinyLM.load(path.join(root, 'missing'))).rejects.toThrow(/config\.json: cannot read/);
  });
});
