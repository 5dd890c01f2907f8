import { describe, expect, it } from 'vitest';
import { initBackend, setThreads } from './backend.js';
import { encodePair } from './batching.js';
import { dpo } from './dpo.js';
import { rt } from './engine/runtime.js';
import { generate } from './generate.js';
import { sequenceLogProbs } from './logprobs.js';
import { TinyLM } from './model.js';
import { sft } from './sft.js';

describe('resources and limits', () => {
  it('leaves no kernel memory behind: training, scoring and generation release their buffers', async () => {
    await initBackend();
    const r = rt();
    const base = r.usage().used;
    const m = await TinyLM.init({ nEmbd: 16, nLayer: 1, nHead: 2, nPositions: 32 }, 1);
    await sft(
      m,
      [
        { prompt: 'abc', completion: 'def' },
        { prompt: 'x'.repeat(50), completion: 'y'.repeat(10) },
      ],
      { learningRate: 1e-3, epochs: 2, batchSize: 2, seed: 1 },
    );
    await generate(m, ['a', 'bb', 'x'.repeat(60)], { maxNewTokens: 8 });
    await generate(m, ['a', 'bb'], { maxNewTokens: 4, useCache: false });
    await sequenceLogProbs(m, ['a', 'b'], ['b', 'cc']);
    const ref = m.clone();
    await dpo(m, ref, [{ prompt: 'a', chosen: 'b', rejected: 'c' }], { beta: 0.1, learningRate: 1e-3, epochs: 1, batchSize: 1, seed: 1 });
    expect(r.usage().used).toBe(base);
    expect(r.usage().peak).toBeGreaterThan(0);
    m.dispose();
    ref.dispose();
    expect(() => m.clone()).toThrow(/disposed/);
  });

  it('truncates sequences longer than the context: prompt from the left first, then the completion', async () => {
    const m = await TinyLM.init({ nEmbd: 8, nLayer: 1, nHead: 2, nPositions: 16 }, 1);
    const tok = m.tokenizer;
    const a = encodePair(tok, '0123456789abcdef', 'XYZ', 17);
    expect(a.ids).toHaveLength(17);
    expect(tok.decode(a.ids)).toBe('3456789abcdefXYZ'); // BOS and the first 3 prompt characters dropped
    expect(a.scoredFrom).toBe(13);
    const b = encodePair(tok, 'p', 'c'.repeat(40), 17);
    expect(b.ids).toHaveLength(17);
    expect(b.scoredFrom).toBe(1);
    expect(b.ids[b.ids.length - 1]).not.toBe(tok.eosId); // the completion was cut, so no EOS
    // training and scoring accept such sequences
    await sft(m, [{ prompt: '0123456789abcdef', completion: 'XYZ' }], { learningRate: 1e-3, epochs: 1, batchSize: 1, seed: 1 });
    expect((await sequenceLogProbs(m, ['p'], ['c'.repeat(40)]))[0]).toBeLessThan(0);
    m.dispose();
  });
});

describe('generation memory', () => {
  it('stays under 2x the working set (weights + KV cache + one prefill), whatever the number of steps', async () => {
    await setThreads(1); // a fresh runtime: its peak covers this generation only
    try {
      const m = await TinyLM.init({ nEmbd: 64, nLayer: 4, nHead: 4, nPositions: 128 }, 1);
      const c = m.config;
      const prompts = Array.from({ length: 128 }, (_, i) => `prompt number ${i} ${'x'.repeat(i % 7)}`);
      const L = Math.max(...prompts.map((p) => m.tokenizer.encode(p, true).length));
      const maxNew = 40;
      await generate(m, prompts, { maxNewTokens: maxNew, batchSize: 128 });
      const B = prompts.length;
      const N = B * L;
      const floats =
        m.parameterCount + // weights
        2 * c.nLayer * B * (L + maxNew) * c.nEmbd + // keys and values
        N * (7 * c.nEmbd + c.nInner) +
        B * c.nHead * L * L +
        B * c.vocabSize; // one layer's prefill activations, logits
      const peak = rt().usage().peak;
      expect(peak).toBeGreaterThan(0);
      console.log(`generation arena peak ${peak} bytes, working set ${4 * floats} bytes: ${(peak / (4 * floats)).toFixed(2)}x`);
      expect(peak).toBeLessThan(2 * 4 * floats);
      m.dispose();
    } finally {
      await setThreads(2);
    }
  });
});
