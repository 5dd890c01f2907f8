import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftPad, paddedLogits } from './generate.js';
import { TinyLM } from './model.js';
import { exportOnnx } from './onnx-export.js';
import { randomizeParameters } from './test-helpers.js';

/** tinylm's logits [B * L, V] for left-padded rows, exactly as `generate` builds the batch. */
function tinylmLogits(model: TinyLM, seqs: number[][]): { logits: Float32Array; L: number; pads: number[] } {
  const { pads, L } = leftPad(seqs, model.config.padTokenId);
  const logits = paddedLogits(model, seqs);
  return { logits, L, pads };
}

async function onnxLogits(session: ort.InferenceSession, seqs: number[][], padId: number): Promise<{ logits: Float32Array; dims: readonly number[] }> {
  const L = Math.max(...seqs.map((s) => s.length));
  const ids = new BigInt64Array(seqs.length * L).fill(BigInt(padId));
  const mask = new BigInt64Array(seqs.length * L);
  seqs.forEach((s, b) =>
    s.forEach((t, j) => {
      ids[b * L + L - s.length + j] = BigInt(t);
      mask[b * L + L - s.length + j] = 1n;
    }),
  );
  const out = await session.run({
    input_ids: new ort.Tensor('int64', ids, [seqs.length, L]),
    attention_mask: new ort.Tensor('int64', mask, [seqs.length, L]),
  });
  const logits = out['logits'] as ort.Tensor;
  return { logits: logits.data as Float32Array, dims: logits.dims };
}

describe('exportOnnx', () => {
  let dir: string;
  let model: TinyLM;
  let session: ort.InferenceSession;
  // Different lengths, so rows are left-padded by 0 to 9 tokens.
  const texts = ['abcfed', 'a', 'fedcbaabcdef', 'cab', 'e e e', ''];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tinylm-onnx-'));
    model = await TinyLM.init({ nEmbd: 16, nHead: 4, nLayer: 2, nInner: 24, nPositions: 20, charset: 'abcdef ' }, 5);
    randomizeParameters(model, 9, 0.3);
    await model.save(path.join(dir, 'm'));
    session = await ort.InferenceSession.create(await exportOnnx(path.join(dir, 'm')));
  });
  afterAll(async () => {
    await session?.release();
    model?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes model.onnx with the decoder-without-cache inputs and output, and no temporary file', async () => {
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(session.outputNames).toEqual(['logits']);
    expect((await readdir(path.join(dir, 'm'))).filter((f) => f.includes('.tmp'))).toEqual([]);
    const bytes = await readFile(path.join(dir, 'm', 'model.onnx'));
    expect(bytes.length).toBeGreaterThan(model.parameterCount * 4);
  });

  it('gives tinylm logits on a left-padded batch (every position, padding included)', async () => {
    const seqs = texts.map((t) => model.tokenizer.encode(t, true));
    const ref = tinylmLogits(model, seqs);
    const got = await onnxLogits(session, seqs, model.config.padTokenId);
    const V = model.config.vocabSize;
    expect(got.dims).toEqual([seqs.length, ref.L, V]);
    let maxReal = 0;
    let maxAll = 0;
    let spread = 0;
    for (let b = 0; b < seqs.length; b++) {
      for (let t = 0; t < ref.L; t++) {
        for (let v = 0; v < V; v++) {
          const i = (b * ref.L + t) * V + v;
          const d = Math.abs((got.logits[i] as number) - (ref.logits[i] as number));
          maxAll = Math.max(maxAll, d);
          if (t >= (ref.pads[b] as number)) maxReal = Math.max(maxReal, d);
          spread = Math.max(spread, Math.abs(ref.logits[i] as number));
        }
      }
    }
    expect(spread).toBeGreaterThan(1); // random weights give logits far from zero: the comparison means something
    expect(maxReal).toBeLessThan(1e-4);
    expect(maxAll).toBeLessThan(1e-4);
  });

  it('a row gives the same logits alone as inside a padded batch (positions follow the mask)', async () => {
    const seqs = texts.map((t) => model.tokenizer.encode(t, true));
    const batch = await onnxLogits(session, seqs, model.config.padTokenId);
    const V = model.config.vocabSize;
    const L = Math.max(...seqs.map((s) => s.length));
    const row = seqs[1] as number[];
    const alone = await onnxLogits(session, [row], model.config.padTokenId);
    const last = batch.logits.subarray((1 * L + L - 1) * V, (1 * L + L) * V);
    const lastAlone = alone.logits.subarray((row.length - 1) * V, row.length * V);
    for (let v = 0; v < V; v++) expect(Math.abs((last[v] as number) - (lastAlone[v] as number))).toBeLessThan(1e-5);
  });

  it('names the folder when it cannot read the model', async () => {
    await expect(exportOnnx(path.join(dir, 'nope'))).rejects.toThrow(/nope.*config\.json/);
  });
});
