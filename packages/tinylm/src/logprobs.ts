/** Scoring: summed log-probabilities of completions given prompts. */
import { initBackend } from './backend.js';
import { encodePair, makeBatch, type EncodedSequence } from './batching.js';
import type { TinyLM } from './model.js';
import { scoredSums } from './objective.js';
import { batchLogProbs } from './train-step.js';

export interface LogProbOptions {
  /** Sequences per forward pass (default 64). */
  batchSize?: number;
  /** Score the EOS token after each completion, as SFT and DPO do (default true). */
  includeEos?: boolean;
}

/** Throw unless every item is a string. */
export function checkStrings(where: string, items: readonly unknown[]): void {
  const bad = items.findIndex((t) => typeof t !== 'string');
  if (bad >= 0) throw new Error(`${where}[${bad}] must be a string`);
}

/** Batches of indices with similar lengths (sorted), for inference. */
export function lengthSortedBatches(lengths: readonly number[], batchSize: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

/** Sum over each row's scored tokens, for pre-encoded sequences. */
export function scoreSequences(model: TinyLM, seqs: readonly EncodedSequence[], batchSize = 64): number[] {
  const out = new Array<number>(seqs.length).fill(0);
  const flat = model.paramStore().flat;
  for (const indices of lengthSortedBatches(
    seqs.map((s) => s.ids.length),
    batchSize,
  )) {
    const batch = makeBatch(
      indices.map((i) => seqs[i] as EncodedSequence),
      model.tokenizer.padId,
    );
    const sums = scoredSums(batchLogProbs(model.config, flat, batch), batch);
    indices.forEach((idx, row) => (out[idx] = sums[row] as number));
  }
  return out;
}

/** log p(completion | prompt) summed over the completion's tokens (and EOS unless disabled). */
export async function sequenceLogProbs(
  model: TinyLM,
  prompts: readonly string[],
  completions: readonly string[],
  opts: LogProbOptions = {},
): Promise<number[]> {
  if (prompts.length !== completions.length) {
    throw new Error(`sequenceLogProbs: ${prompts.length} prompts but ${completions.length} completions`);
  }
  checkStrings('sequenceLogProbs: prompts', prompts);
  checkStrings('sequenceLogProbs: completions', completions);
  await initBackend();
  const max = model.config.nPositions + 1;
  const seqs = prompts.map((p, i) => encodePair(model.tokenizer, p, completions[i] as string, max, opts.includeEos ?? true));
  return scoreSequences(model, seqs, opts.batchSize ?? 64);
}
