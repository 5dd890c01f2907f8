/** Turning text examples into padded token batches, grouped by length to keep padding small. */
import type { CharTokenizer } from './tokenizer.js';
import type { SeededRng } from '@lamdagent/core/kit';

/** Throw unless every item has string values for `fields` (a cheap boundary check for JS callers). */
export function checkTextFields(where: string, items: readonly object[], fields: readonly string[]): void {
  items.forEach((item, i) => {
    for (const f of fields) {
      if (typeof (item as Record<string, unknown>)[f] !== 'string') throw new Error(`${where}[${i}].${f} must be a string`);
    }
  });
}

/** Number of tokens equal to `id` over all sequences (e.g. unknown characters). */
export function countToken(seqs: readonly EncodedSequence[], id: number): number {
  let n = 0;
  for (const s of seqs) for (const t of s.ids) if (t === id) n++;
  return n;
}

/** One tokenised sequence: BOS + prompt + completion (+ EOS); tokens at index >= `scoredFrom` are scored. */
export interface EncodedSequence {
  readonly ids: readonly number[];
  readonly scoredFrom: number;
}

/**
 * Encode prompt + completion for training or scoring. Sequences longer than `maxTokens` (the model's
 * n_positions + 1, since the last token is only a target) lose prompt tokens from the left first.
 */
export function encodePair(tok: CharTokenizer, prompt: string, completion: string, maxTokens: number, appendEos = true): EncodedSequence {
  const p = tok.encode(prompt, true);
  const c = tok.encode(completion);
  if (appendEos) c.push(tok.eosId);
  let ids = [...p, ...c];
  let scoredFrom = p.length;
  if (ids.length > maxTokens) {
    const drop = Math.min(ids.length - maxTokens, Math.max(0, p.length - 1));
    ids = ids.slice(drop);
    scoredFrom -= drop;
    if (ids.length > maxTokens) ids = ids.slice(0, maxTokens);
  }
  return { ids, scoredFrom: Math.max(1, scoredFrom) };
}

/** A right-padded batch: B rows of T input tokens with next-token targets and 0/1 loss weights. */
export interface TokenBatch {
  readonly B: number;
  readonly T: number;
  readonly inputs: Int32Array;
  readonly positions: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float32Array;
  /** Number of input tokens that are not padding. */
  readonly realTokens: number;
  /** Number of scored (weight 1) targets. */
  readonly scoredTokens: number;
}

/** Pack sequences into one right-padded batch (causal attention never looks at the padding on the right). */
export function makeBatch(seqs: readonly EncodedSequence[], padId: number): TokenBatch {
  const B = seqs.length;
  const T = Math.max(1, ...seqs.map((s) => s.ids.length - 1));
  const inputs = new Int32Array(B * T).fill(padId);
  const positions = new Int32Array(B * T);
  const targets = new Int32Array(B * T).fill(padId);
  const weights = new Float32Array(B * T);
  let realTokens = 0;
  let scoredTokens = 0;
  seqs.forEach((s, b) => {
    const n = s.ids.length - 1;
    for (let t = 0; t < T; t++) positions[b * T + t] = t;
    for (let t = 0; t < n; t++) {
      inputs[b * T + t] = s.ids[t] as number;
      targets[b * T + t] = s.ids[t + 1] as number;
      if (t + 1 >= s.scoredFrom) {
        weights[b * T + t] = 1;
        scoredTokens++;
      }
    }
    realTokens += n;
  });
  return { B, T, inputs, positions, targets, weights, realTokens, scoredTokens };
}

/**
 * One epoch's batches of example indices: shuffle, sort by length inside windows of 32 batches,
 * cut into batches, shuffle the batch order. Deterministic for a given generator state.
 */
export function lengthGroupedBatches(lengths: readonly number[], batchSize: number, rng: SeededRng): number[][] {
  const order = rng.shuffle(lengths.map((_, i) => i));
  const window = batchSize * 32;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += window) {
    const chunk = order.slice(start, start + window).sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
    for (let i = 0; i < chunk.length; i += batchSize) batches.push(chunk.slice(i, i + batchSize));
  }
  return rng.shuffle(batches);
}
