/** Log-probabilities of a token batch under the model: the quantity SFT, DPO and scoring share. */
import * as tf from '@tensorflow/tfjs-core';
import type { TokenBatch } from './batching.js';
import type { GPT2Config } from './config.js';
import { causalMask, lmHead, transformer, type Weights } from './forward.js';
import { tokenLogProbs } from './ops.js';

/** log p(target | prefix) for every position of the batch, [B * T] (padding included; weight it out). */
export function batchTokenLogProbs(w: Weights, config: GPT2Config, batch: TokenBatch): tf.Tensor1D {
  const { hidden } = transformer(w, config, batch.inputs, batch.positions, batch.B, batch.T, causalMask(batch.T));
  return tokenLogProbs(lmHead(w, hidden), batch.targets);
}

/** Per-row sums of the scored tokens' log-probabilities, [B]. */
export function scoredSums(logProbs: tf.Tensor1D, batch: TokenBatch): tf.Tensor1D {
  const weighted = tf.mul(logProbs, tf.tensor1d(batch.weights));
  return tf.sum(tf.reshape(weighted, [batch.B, batch.T]), 1) as tf.Tensor1D;
}

/** Mean negative log-likelihood over the scored tokens of the batch (the SFT loss). */
export function meanScoredNll(logProbs: tf.Tensor1D, batch: TokenBatch): tf.Scalar {
  const total = tf.sum(tf.mul(logProbs, tf.tensor1d(batch.weights)));
  return tf.div(tf.neg(total), Math.max(1, batch.scoredTokens)) as tf.Scalar;
}
