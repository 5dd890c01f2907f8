import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpo, type DpoMetrics } from './dpo.js';
import { generate } from './generate.js';
import { sequenceLogProbs } from './logprobs.js';
import { TinyLM } from './model.js';
import { sft } from './sft.js';
import { distinctWords } from './test-helpers.js';

const reverse = (w: string): string => [...w].reverse().join('');

describe('dpo', () => {
  // Non-palindromes, so that chosen (reversed) and rejected (copied) always differ.
  const words = distinctWords(200, 3, 'abcdefg', 5)
    .filter((w) => w !== reverse(w))
    .slice(0, 120);
  const train = words.slice(0, 80);
  const heldOut = words.slice(80);
  let policy: TinyLM;
  let reference: TinyLM;
  let metrics: DpoMetrics;
  let refWeightsBefore: Float32Array;
  const counts = async (): Promise<{ reversed: number; copied: number }> => {
    const out = await generate(
      policy,
      heldOut.map((w) => `${w}>`),
      { maxNewTokens: 5 },
    );
    return {
      reversed: out.filter((o, i) => o === reverse(heldOut[i] as string)).length,
      copied: out.filter((o, i) => o === heldOut[i]).length,
    };
  };
  let before: { reversed: number; copied: number };

  beforeAll(async () => {
    policy = await TinyLM.init({ nEmbd: 48, nHead: 4, nLayer: 2, nPositions: 32 }, 1);
    // SFT on both behaviours for the same prompts: the model ends up undecided between them.
    const mixed = train.flatMap((w) => [
      { prompt: `${w}>`, completion: reverse(w) },
      { prompt: `${w}>`, completion: w },
    ]);
    await sft(policy, mixed, { learningRate: 5e-3, epochs: 15, batchSize: 20, seed: 1, warmup: 5 });
    before = await counts();
    reference = policy.clone();
    refWeightsBefore = reference.parameter('transformer.h.0.attn.c_attn.weight');
    const pairs = train.map((w) => ({ prompt: `${w}>`, chosen: reverse(w), rejected: w }));
    metrics = await dpo(policy, reference, pairs, { beta: 0.1, learningRate: 1e-3, epochs: 8, batchSize: 16, seed: 3 });
  });
  afterAll(() => {
    policy.dispose();
    reference.dispose();
  });

  it('raises the reward margin and the preference accuracy; the loss falls', () => {
    expect(metrics.steps).toBe(40);
    expect(metrics.before.rewardMargin).toBe(0); // policy == reference at the start
    expect(metrics.before.loss).toBeCloseTo(Math.log(2), 6);
    expect(metrics.initialLoss).toBeCloseTo(Math.log(2), 4);
    expect(metrics.after.rewardMargin).toBeGreaterThan(0.3);
    expect(metrics.after.rewardAccuracy).toBeGreaterThan(0.9);
    expect(metrics.after.preferenceAccuracy).toBeGreaterThan(metrics.before.preferenceAccuracy + 0.2);
    expect(metrics.after.loss).toBeLessThan(metrics.before.loss - 0.1);
    expect(metrics.finalLoss).toBeLessThan(metrics.initialLoss);
  });

  it('generalises to held-out prompts: greedy decoding prefers the chosen behaviour', async () => {
    const after = await counts();
    expect(after.reversed).toBeGreaterThan(before.reversed + 5);
    expect(after.reversed).toBeGreaterThan(after.copied);
  });

  it('leaves the reference frozen and its log-probabilities consistent with the metrics', async () => {
    expect(reference.parameter('transformer.h.0.attn.c_attn.weight')).toEqual(refWeightsBefore);
    const prompts = train.map((w) => `${w}>`);
    const pc = await sequenceLogProbs(policy, prompts, train.map(reverse));
    const pr = await sequenceLogProbs(policy, prompts, train);
    const rc = await sequenceLogProbs(reference, prompts, train.map(reverse));
    const rr = await sequenceLogProbs(reference, prompts, train);
    const margin = pc.reduce((a, _, i) => a + 0.1 * ((pc[i] as number) - (rc[i] as number) - ((pr[i] as number) - (rr[i] as number))), 0) / pc.length;
    expect(margin).toBeCloseTo(metrics.after.rewardMargin, 4);
  });
});
