/** Helpers shared by the tests (not exported from the package). */
import type { TokenBatch } from './batching.js';
import { forwardLogProbs, uploadParams } from './engine/gpt2.js';
import { rt } from './engine/runtime.js';
import type { TinyLM } from './model.js';
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
