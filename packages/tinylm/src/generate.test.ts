import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from './generate.js';
import { TinyLM } from './model.js';
import { randomizeParameters } from './test-helpers.js';

describe('generate', () => {
  let model: TinyLM;
  const prompts = ['a', 'hello there', 'x=1;', 'The quick brown fox', '', '42 + 17 = ', 'zz', 'Q: what? A:'];
  beforeAll(async () => {
    model = await TinyLM.init({ nEmbd: 32, nHead: 4, nLayer: 2, nPositions: 48 }, 2);
    randomizeParameters(model, 4, 0.3);
  });
  afterAll(() => model.dispose());

  it('gives the same text with the KV cache as with full recomputation', async () => {
    const cached = await generate(model, prompts, { maxNewTokens: 12 });
    const full = await generate(model, prompts, { maxNewTokens: 12, useCache: false });
    expect(cached).toEqual(full);
    expect(cached.some((t) => t.length > 0)).toBe(true);
  });

  it('does not depend on batching or left padding', async () => {
    const together = await generate(model, prompts, { maxNewTokens: 10, batchSize: 64 });
    const alone = await generate(model, prompts, { maxNewTokens: 10, batchSize: 1 });
    const pairs = await generate(model, prompts, { maxNewTokens: 10, batchSize: 3 });
    expect(together).toEqual(alone);
    expect(pairs).toEqual(alone);
  });

  it('respects maxNewTokens and cuts at the first stop string (excluded)', async () => {
    const [free] = (await generate(model, ['hello there'], { maxNewTokens: 12 })) as [string];
    expect(free.length).toBeLessThanOrEqual(12);
    const stop = free.slice(3, 5);
    const [cut] = (await generate(model, ['hello there'], { maxNewTokens: 12, stop: [stop, 'never-there'] })) as [string];
    expect(cut).toBe(free.slice(0, free.indexOf(stop)));
    expect(await generate(model, ['abc'], { maxNewTokens: 0 })).toEqual(['']);
  });

  it('keeps the last tokens of prompts longer than the context allows', async () => {
    const long = 'x'.repeat(100) + 'hello there';
    const [a] = (await generate(model, [long], { maxNewTokens: 6 })) as [string];
    const [b] = (await generate(model, ['x'.repeat(100) + 'hello there'], { maxNewTokens: 6, useCache: false })) as [string];
    expect(a).toBe(b);
    expect(a.length).toBeLessThanOrEqual(6);
  });
});
