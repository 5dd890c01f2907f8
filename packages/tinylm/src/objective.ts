/**
 * Training objectives over per-token log-probabilities: each returns the loss and its derivative with
 * respect to every position's log p(target) (the kernels back-propagate from there).
 */
import type { TokenBatch } from './batching.js';

/** Loss value and d loss / d logp for every position of the batch, [B * T]. */
export interface ObjectiveValue {
  loss: number;
  dlp: Float32Array;
}

/** Mean negative log-likelihood over the scored tokens of the batch (the SFT loss). */
export function meanScoredNll(lp: Float32Array, batch: TokenBatch): ObjectiveValue {
  const scale = 1 / Math.max(1, batch.scoredTokens);
  let total = 0;
  const dlp = new Float32Array(lp.length);
  for (let i = 0; i < lp.length; i++) {
    const w = batch.weights[i] as number;
    if (w === 0) continue;
    total += w * (lp[i] as number);
    dlp[i] = -w * scale;
  }
  return { loss: -total * scale, dlp };
}

/** Per-row sums of the scored tokens' log-probabilities, [B]. */
export function scoredSums(lp: Float32Array, batch: TokenBatch): Float64Array {
  const out = new Float64Array(batch.B);
  for (let b = 0; b < batch.B; b++) {
    let s = 0;
    for (let t = 0; t < batch.T; t++) s += (batch.weights[b * batch.T + t] as number) * (lp[b * batch.T + t] as number);
    out[b] = s;
  }
  return out;
}

const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/**
 * DPO's sigmoid loss for a batch whose first `pairs` rows are the chosen and next `pairs` rows the
 * rejected sequences: mean softplus(-z), z = beta ((log pi(c) - log pi(r)) - refMargin).
 */
export function dpoLoss(lp: Float32Array, batch: TokenBatch, refMargin: Float32Array, beta: number): ObjectiveValue {
  const pairs = refMargin.length;
  const sums = scoredSums(lp, batch);
  const rowGrad = new Float64Array(batch.B);
  let loss = 0;
  for (let i = 0; i < pairs; i++) {
    const z = beta * ((sums[i] as number) - (sums[pairs + i] as number) - (refMargin[i] as number));
    loss += softplus(-z);
    const dz = -sigmoid(-z) / pairs; // d softplus(-z) / dz = -sigmoid(-z)
    rowGrad[i] = beta * dz;
    rowGrad[pairs + i] = -beta * dz;
  }
  const dlp = new Float32Array(lp.length);
  for (let b = 0; b < batch.B; b++) {
    for (let t = 0; t < batch.T; t++) dlp[b * batch.T + t] = (batch.weights[b * batch.T + t] as number) * (rowGrad[b] as number);
  }
  return { loss: loss / Math.max(1, pairs), dlp };
}
