/** Helpers shared by the tests (not exported from the package). */
import type { TokenBatch } from './batching.js';
import { forwardLogProbs, uploadParams } from './engine/gpt2.js';
import { rt } from './engine/runtime.js';
import { dpo } from './dpo.js';
import { generate } from './generate.js';
import { sequenceLogProbs } from './logprobs.js';
import { TinyLM } from './model.js';
import { sft } from './sft.js';
import { meanScoredNll } from './objective.js';
import { batchLogProbs } from './train-step.js';
import { Mulberry32 } from '@lamdagent/core/kit';

/** Fill every parameter (biases and layer norms included) with N(0, scale) noise. */
export function randomizeParameters(model: TinyLM, seed: number, scale = 0.5): void {
  const store = model.paramStore();
  const rng = new Mulberry32(seed);
  for (let i = 0; i < store.flat.length; i++) store.flat[i] = rng.normal() * scale;
}

/** Words of `length` letters from `alphabet`, distinct, in a seeded order. */
export function distinctWords(count: number, length: number, alphabet: string, seed: number): string[] {
  if (count > alphabet.length ** length) throw new Error(`only ${alphabet.length ** length} distinct words exist`);
  const rng = new Mulberry32(seed);
  const out = new Set<string>();
  while (out.size < count) out.add(Array.from({ length }, () => alphabet[rng.int(alphabet.length)]).join(''));
  return [...out];
}

/** Logits [B * T, V] of right-padded rows through the training forward pass (positions 0..T-1). */
export function rightPaddedLogits(model: TinyLM, rows: readonly number[][]): Float32Array {
  const T = Math.max(...rows.map((r) => r.length));
  const B = rows.length;
  const ids = new Int32Array(B * T);
  const pos = new Int32Array(B * T);
  rows.forEach((r, b) => r.forEach((id, t) => (ids[b * T + t] = id)));
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) pos[b * T + t] = t;
  const r = rt();
  const mark = r.mark();
  try {
    const p = uploadParams(r, model.config, model.paramStore().flat);
    const s = forwardLogProbs(r, model.config, p, B, T, ids, pos, new Int32Array(B * T));
    return r.f32(s.logits, B * T * model.config.vocabSize).slice();
  } finally {
    r.release(mark);
  }
}

/** The SFT loss of a batch under the model's current weights. */
export function sftLoss(model: TinyLM, batch: TokenBatch): number {
  return meanScoredNll(batchLogProbs(model.config, model.paramStore().flat, batch), batch).loss;
}

/** What a short SFT + DPO run leaves: the weights' bytes, sequence scores and greedy generations. */
export interface TrainedFingerprint {
  weights: Buffer;
  scores: number[];
  outputs: string[];
}

/**
 * Train a small model (SFT, then DPO), score and generate with the current runtime: the fingerprint that
 * thread counts and kernel choices must leave unchanged. Large enough that kernels split across threads
 * (batch 12 x ~9 positions x n_embd 64).
 */
export async function trainedFingerprint(): Promise<TrainedFingerprint> {
  const words = ['abc', 'bca', 'cab', 'acb', 'bac', 'cba', 'aab', 'bba', 'ccb', 'abb', 'cca', 'bcc'];
  const data = words.map((w) => ({ prompt: `${w} ${w}>`, completion: [...w].reverse().join('') }));
  const pairs = words.map((w) => ({ prompt: `${w}>`, chosen: [...w].reverse().join(''), rejected: w }));
  const m = await TinyLM.init({ nEmbd: 64, nHead: 4, nLayer: 2, nPositions: 32 }, 5);
  await sft(m, data, { learningRate: 3e-3, epochs: 3, batchSize: 12, seed: 9 });
  const ref = m.clone();
  await dpo(m, ref, pairs, { beta: 0.1, learningRate: 1e-3, epochs: 2, batchSize: 6, seed: 2 });
  const scores = await sequenceLogProbs(m, words, words);
  const outputs = await generate(
    m,
    words.map((w) => `${w} ${w}>`),
    { maxNewTokens: 6 },
  );
  const weights = Buffer.concat(m.parameterShapes().map((p) => Buffer.from(m.parameter(p.name).buffer)));
  return { weights, scores, outputs };
}
