import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePair, makeBatch } from './batching.js';
import { generate } from './generate.js';
import { TinyLM } from './model.js';
import { sft, type SftExample } from './sft.js';
import { distinctWords, sftLoss } from './test-helpers.js';

const reverse = (w: string): string => [...w].reverse().join('');
const size = { nEmbd: 48, nHead: 4, nLayer: 2, nPositions: 32 };

describe('sft', () => {
  const words = distinctWords(260, 3, 'abcdefg', 1);
  const train: SftExample[] = words.slice(0, 200).map((w) => ({ prompt: `${w}>`, completion: reverse(w) }));
  const heldOut = words.slice(200);
  let model: TinyLM;
  let metrics: Awaited<ReturnType<typeof sft>>;
  const progress: number[] = [];

  beforeAll(async () => {
    model = await TinyLM.init(size, 1);
    metrics = await sft(model, train, { learningRate: 5e-3, epochs: 25, batchSize: 25, seed: 2, warmup: 10, onProgress: (p) => progress.push(p.loss) });
  });
  afterAll(() => model.dispose());

  it('learns to reverse 3 letters: loss falls and greedy decoding is right on held-out words', async () => {
    expect(metrics.steps).toBe(200);
    expect(progress).toHaveLength(200);
    expect(metrics.initialLoss).toBeGreaterThan(3);
    expect(metrics.finalLoss).toBeLessThan(0.1);
    // BOS + 3 letters + '>' + 3 letters + EOS = 9 ids: 8 inputs, 4 scored targets (3 letters + EOS)
    expect(metrics.tokens).toBe(25 * 200 * 8);
    expect(metrics.scoredTokens).toBe(25 * 200 * 4);
    expect(metrics.unknownTokens).toBe(0);
    const outputs = await generate(
      model,
      heldOut.map((w) => `${w}>`),
      { maxNewTokens: 5 },
    );
    const correct = outputs.filter((o, i) => o === reverse(heldOut[i] as string)).length;
    expect(correct / heldOut.length).toBeGreaterThanOrEqual(0.9);
  });

  it('is deterministic for a seed: identical weight bytes', async () => {
    const run = async (seed: number): Promise<Float32Array> => {
      const m = await TinyLM.init(size, 7);
      await sft(m, train.slice(0, 40), { learningRate: 1e-2, epochs: 1, batchSize: 8, seed });
      const w = m.parameter('transformer.h.1.mlp.c_fc.weight');
      const all = m.parameterShapes().map((p) => m.parameter(p.name));
      m.dispose();
      return Float32Array.from(all.flatMap((a) => [...a]).concat([...w]));
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });
});

describe('sft input checks', () => {
  it('rejects bad options and non-string fields, and counts characters outside the vocabulary', async () => {
    const model = await TinyLM.init(size, 1);
    const base = { learningRate: 1e-3, epochs: 1, batchSize: 2, seed: 1 };
    await expect(sft(model, [{ prompt: 'a', completion: 1 as unknown as string }], base)).rejects.toThrow(/sft: examples\[0\]\.completion must be a string/);
    await expect(sft(model, [], { ...base, batchSize: 0 })).rejects.toThrow(/batchSize/);
    const m = await sft(model, [{ prompt: 'café', completion: 'ü' }], base);
    expect(m.unknownTokens).toBe(2);
    expect(m.steps).toBe(1);
    model.dispose();
  });
});

describe('loss masking', () => {
  it('scores completion tokens and EOS only: prompt-position targets do not change the loss', async () => {
    const model = await TinyLM.init(size, 3);
    const tok = model.tokenizer;
    const seq = encodePair(tok, 'abc>', 'cba', 33);
    expect(seq.ids).toEqual([tok.bosId, ...tok.encode('abc>cba'), tok.eosId]);
    const batch = makeBatch([seq, encodePair(tok, 'x>', 'yy', 33)], tok.padId);
    // row 0: inputs BOS a b c > c b a, targets a b c > c b a EOS; scored from the target 'c' after '>'
    expect(Array.from(batch.weights.subarray(0, batch.T))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(batch.scoredTokens).toBe(4 + 3);
    const loss = (b: typeof batch): number => sftLoss(model, b);
    const base = loss(batch);
    const promptChanged = { ...batch, targets: batch.targets.slice() };
    promptChanged.targets[1] = tok.encode('z')[0] as number; // a prompt-position target
    expect(loss(promptChanged)).toBe(base);
    const completionChanged = { ...batch, targets: batch.targets.slice() };
    completionChanged.targets[5] = tok.encode('z')[0] as number; // a completion target
    expect(loss(completionChanged)).not.toBe(base);
    model.dispose();
  });
});
