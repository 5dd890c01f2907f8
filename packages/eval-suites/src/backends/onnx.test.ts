import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxBackend } from './onnx.js';
import { checkGraphSignature, parseOnnxModelConfig, resolveOnnxFile } from './onnx-model.js';

/** Minimal protobuf writer, enough for a two-input ONNX graph (field numbers from onnx.proto). */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const field = (num: number, body: number[] | string): number[] => {
  const bytes = typeof body === 'string' ? [...Buffer.from(body)] : body;
  return [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
};
const intField = (num: number, v: number): number[] => [...varint(num << 3), ...varint(v)];
const valueInfo = (name: string, elemType: number): number[] =>
  field(1, name).concat(field(2, field(1, [...intField(1, elemType), ...field(2, [...field(1, field(2, 'b')), ...field(1, field(2, 's'))])])));

/** An ONNX model shaped like Optimum's decoder *with* past: input_ids, past_key_values.0.key -> logits. */
function cacheExportBytes(): Uint8Array {
  const node = [...field(1, 'input_ids'), ...field(2, 'logits'), ...field(4, 'Identity')];
  const graph = [
    ...field(1, node),
    ...field(2, 'g'),
    ...field(11, valueInfo('input_ids', 7)),
    ...field(11, valueInfo('past_key_values.0.key', 1)),
    ...field(12, valueInfo('logits', 7)),
  ];
  return Uint8Array.from([...intField(1, 8), ...field(7, graph), ...field(8, intField(2, 17))]);
}

const CONFIG = JSON.stringify({ model_type: 'gpt2', eos_token_id: 2, bos_token_id: 1, pad_token_id: 0, n_positions: 32 });

describe('onnx backend: options and model folder errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'onnx-backend-'));
    await mkdir(path.join(dir, 'empty'));
    await writeFile(path.join(dir, 'empty', 'config.json'), CONFIG);
    await mkdir(path.join(dir, 'cached', 'onnx'), { recursive: true });
    await writeFile(path.join(dir, 'cached', 'config.json'), CONFIG);
    await writeFile(
      path.join(dir, 'cached', 'tokenizer.json'),
      JSON.stringify({ version: '1.0', model: { type: 'WordLevel', vocab: { a: 0 }, unk_token: 'a' } }),
    );
    await writeFile(path.join(dir, 'cached', 'onnx', 'model.onnx'), cacheExportBytes());
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses bad options, naming the option', () => {
    expect(() => createOnnxBackend({ batchSize: 0 })).toThrow(/generation backend onnx: options\.batchSize/);
    expect(() => createOnnxBackend({ intraOpNumThreads: 1.5 })).toThrow(/options\.intraOpNumThreads/);
    expect(() => createOnnxBackend({ executionProviders: [] })).toThrow(/options\.executionProviders/);
    expect(() => createOnnxBackend({ fil: 'x' } as never)).toThrow(/options\.\(root\).*fil/);
    expect(createOnnxBackend(undefined as unknown as object).name).toBe('onnx');
  });

  it('says how to make model.onnx when the folder has none, naming the folder', async () => {
    const b = createOnnxBackend({});
    const where = path.join(dir, 'empty');
    const err = b.generate(where, ['x'], { maxNewTokens: 2 });
    await expect(err).rejects.toThrow(`generation backend onnx: the model at ${where} has no ONNX file (looked for model.onnx and onnx/model.onnx)`);
    await expect(b.generate(where, ['x'], { maxNewTokens: 2 })).rejects.toThrow(/exportOnnx.*optimum-cli export onnx --task text-generation/);
    await expect(createOnnxBackend({ file: 'other.onnx' }).generate(where, ['x'], { maxNewTokens: 2 })).rejects.toThrow(/has no other\.onnx/);
  });

  it('finds onnx/model.onnx (Optimum layout) and refuses an export with a KV cache, naming the file', async () => {
    const where = path.join(dir, 'cached');
    expect(await resolveOnnxFile(where, undefined)).toBe(path.join(where, 'onnx', 'model.onnx'));
    await expect(createOnnxBackend({}).generate(where, ['x'], { maxNewTokens: 2 })).rejects.toThrow(
      `${path.join(where, 'onnx', 'model.onnx')} is an export with a KV cache (inputs past_key_values.0.key)`,
    );
    await expect(createOnnxBackend({}).generate(where, ['x'], { maxNewTokens: 2 })).rejects.toThrow(/not text-generation-with-past/);
  });

  it('checks the graph signature and config.json', () => {
    expect(() => checkGraphSignature('f.onnx', ['input_ids', 'attention_mask'], ['logits'])).not.toThrow();
    expect(() => checkGraphSignature('f.onnx', ['input_ids', 'position_ids'], ['logits'])).not.toThrow();
    expect(() => checkGraphSignature('f.onnx', ['input_ids', 'token_type_ids'], ['logits'])).toThrow(/f\.onnx: unsupported graph inputs token_type_ids/);
    expect(() => checkGraphSignature('f.onnx', ['ids'], ['logits'])).toThrow(/f\.onnx: the graph has no input_ids/);
    expect(() => checkGraphSignature('f.onnx', ['input_ids'], ['last_hidden_state'])).toThrow(/no logits output/);
    const c = parseOnnxModelConfig(JSON.stringify({ eos_token_id: [5, 7], n_positions: 64 }), 'c.json');
    expect([...c.eosIds]).toEqual([5, 7]);
    expect(c.padId).toBe(5);
    expect(c.nPositions).toBe(64);
    expect(parseOnnxModelConfig(JSON.stringify({ eos_token_id: 2, max_position_embeddings: 9 }), 'c.json').nPositions).toBe(9);
    expect(() => parseOnnxModelConfig('{', 'c.json')).toThrow(/c\.json: invalid JSON/);
    expect(() => parseOnnxModelConfig('{}', 'c.json')).toThrow(/c\.json: eos_token_id is missing/);
    expect(() => parseOnnxModelConfig('{"eos_token_id": -1}', 'c.json')).toThrow(/c\.json: eos_token_id/);
  });

  it('honours an abort signal before loading anything', async () => {
    const c = new AbortController();
    c.abort(new Error('stop now'));
    await expect(createOnnxBackend({}).generate(path.join(dir, 'nowhere'), ['x'], { maxNewTokens: 1, signal: c.signal })).rejects.toThrow('stop now');
  });
});
