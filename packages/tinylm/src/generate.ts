/** Batched greedy decoding with a KV cache (left-padded prompts, per-row positions). */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import type { GPT2Config } from './config.js';
import { MASK_VALUE, attend, block, embed, finalNorm, keyValueLayout, lmHead, qkvProjections, queryLayout, transformer, type LayerKV, type Weights } from './forward.js';
import { checkStrings, lengthSortedBatches } from './logprobs.js';
import type { TinyLM } from './model.js';
import { linear, tidyRead } from './ops.js';
import { layerNames } from './params.js';

export interface GenerateOptions {
  /** Maximum number of tokens to generate per prompt. */
  maxNewTokens: number;
  /** Stop when the generated text contains one of these; the stop string is not returned. */
  stop?: readonly string[];
  /** Prompts decoded together (default 128). Prompts are grouped by length first. */
  batchSize?: number;
  /** Use the KV cache (default true); false recomputes the whole sequence at every step. */
  useCache?: boolean;
}

type T2 = tf.Tensor2D;

/** Index of the largest value in row `row` of a [rows, n] buffer; ties go to the lowest index. */
function argmaxRow(values: ArrayLike<number>, row: number, n: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = values[row * n + j] as number;
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

/** One decoding step for B single tokens against the cache; returns logits [B, V] and the grown cache. */
export function decodeStep(w: Weights, c: GPT2Config, tokens: Int32Array, positions: Int32Array, cache: LayerKV[], keyMask: Float32Array): { logits: T2; cache: LayerKV[] } {
  const B = tokens.length;
  const H = c.nHead;
  const mask = tf.tensor4d(keyMask, [1, B, 1, keyMask.length / B]);
  let x = embed(w, tokens, positions);
  const next: LayerKV[] = [];
  for (let i = 0; i < c.nLayer; i++) {
    x = block(w, c, i, x, (h) => {
      const n = layerNames(i);
      const [q, k, v] = qkvProjections(h, w, i);
      const step = keyValueLayout(k, v, B, 1, H);
      const layer = cache[i] as LayerKV;
      const kv = { kf: tf.concat([layer.kf, step.kf], 2), vf: tf.concat([layer.vf, step.vf], 0) };
      next.push(kv);
      const o = tf.reshape(attend(queryLayout(q, B, 1, H), kv, mask, B, H), [B, c.nEmbd]) as T2;
      return linear(o, w.get(n.projW) as T2, w.get(n.projB) as tf.Tensor1D);
    });
  }
  return { logits: lmHead(w, finalNorm(w, c, x)), cache: next };
}

/** Additive [L, B, 1, L] mask (query, row, head, key): causal, and no attention to left padding. */
export function paddedCausalMask(pads: readonly number[], L: number): tf.Tensor4D {
  const B = pads.length;
  const data = new Float32Array(L * B * L);
  for (let i = 0; i < L; i++) {
    for (let b = 0; b < B; b++) {
      const p = pads[b] as number;
      const row = (i * B + b) * L;
      for (let j = 0; j < L; j++) if (j > i || j < p) data[row + j] = MASK_VALUE;
    }
  }
  return tf.tensor4d(data, [L, B, 1, L]);
}

/** Left-padded inputs and per-row positions for sequences of token ids. */
export function leftPad(seqs: readonly number[][], padId: number): { ids: Int32Array; positions: Int32Array; pads: number[]; L: number } {
  const L = Math.max(...seqs.map((s) => s.length));
  const B = seqs.length;
  const ids = new Int32Array(B * L).fill(padId);
  const positions = new Int32Array(B * L);
  const pads = seqs.map((s) => L - s.length);
  seqs.forEach((s, b) => {
    const p = pads[b] as number;
    s.forEach((t, j) => {
      ids[b * L + p + j] = t;
      positions[b * L + p + j] = j;
    });
  });
  return { ids, positions, pads, L };
}

/** Logits [B, V] at the last position of each left-padded row (full forward; returns the cache too). */
export function prefill(w: Weights, c: GPT2Config, seqs: readonly number[][], padId: number, keepCache: boolean): { logits: T2; cache: LayerKV[] } {
  const { ids, positions, pads, L } = leftPad(seqs, padId);
  const B = seqs.length;
  const { hidden, cache } = transformer(w, c, ids, positions, B, L, paddedCausalMask(pads, L), keepCache);
  const last = tf.tensor1d(Int32Array.from({ length: B }, (_, b) => b * L + L - 1), 'int32');
  return { logits: lmHead(w, tf.gather(hidden, last)), cache };
}

class RowState {
  readonly out: number[] = [];
  text = '';
  done = false;
  constructor(readonly prompt: number[]) {}
}

function finishRow(row: RowState, token: number, eos: number, decodeToken: (id: number) => string, stops: readonly string[]): void {
  if (token === eos) {
    row.done = true;
    return;
  }
  row.out.push(token);
  row.text += decodeToken(token);
  for (const s of stops) {
    const at = row.text.indexOf(s);
    if (s.length > 0 && at >= 0) {
      row.text = row.text.slice(0, at);
      row.done = true;
    }
  }
}

function generateBatch(model: TinyLM, prompts: number[][], maxNew: number, stops: readonly string[], useCache: boolean): string[] {
  const w = model.weights();
  const c = model.config;
  const tok = model.tokenizer;
  const V = c.vocabSize;
  const rows = prompts.map((p) => new RowState(p));
  const fed = prompts.map((p) => [...p]);
  const decodeToken = (id: number): string => tok.decode([id]);
  /** Greedy choice for every row (finished rows keep decoding, their tokens are ignored). */
  const choose = (logits: ArrayLike<number>): Int32Array =>
    Int32Array.from(rows, (row, b) => {
      const t = argmaxRow(logits, b, V);
      if (!row.done) finishRow(row, t, tok.eosId, decodeToken, stops);
      fed[b]?.push(t);
      return t;
    });
  let cache: LayerKV[] = [];
  let tokens = choose(
    tidyRead(() => {
      const r = prefill(w, c, prompts, tok.padId, useCache);
      cache = r.cache.map((l) => ({ kf: tf.keep(l.kf), vf: tf.keep(l.vf) }));
      return r.logits;
    }),
  );
  const L = Math.max(...prompts.map((p) => p.length));
  const keyMask = prompts.map((p) => Array.from({ length: L }, (_, j) => (j < L - p.length ? MASK_VALUE : 0)));
  try {
    for (let s = 1; s < maxNew && rows.some((r) => !r.done); s++) {
      if (!useCache) {
        tokens = choose(tidyRead(() => prefill(w, c, fed, tok.padId, false).logits));
        continue;
      }
      keyMask.forEach((m) => m.push(0));
      const positions = Int32Array.from(prompts, (p) => p.length + s - 1);
      const flatMask = Float32Array.from(keyMask.flat());
      const prev = cache;
      const input = tokens;
      const logits = tidyRead(() => {
        const r = decodeStep(w, c, input, positions, prev, flatMask);
        cache = r.cache.map((l) => ({ kf: tf.keep(l.kf), vf: tf.keep(l.vf) }));
        return r.logits;
      });
      for (const l of prev) tf.dispose([l.kf, l.vf]);
      tokens = choose(logits);
    }
  } finally {
    for (const l of cache) tf.dispose([l.kf, l.vf]);
  }
  return rows.map((r) => r.text);
}

/**
 * Greedy decoding for many prompts. Each prompt is encoded with BOS; prompts longer than
 * n_positions - maxNewTokens keep their last tokens. Generation stops at EOS, at a stop string
 * (excluded from the result) or after `maxNewTokens` tokens. Results are in the order of `prompts`.
 */
export async function generate(model: TinyLM, prompts: readonly string[], opts: GenerateOptions): Promise<string[]> {
  checkStrings('generate: prompts', prompts);
  if (!Number.isFinite(opts.maxNewTokens)) throw new Error('generate: maxNewTokens must be a number');
  await initBackend();
  const c = model.config;
  const maxNew = Math.min(Math.max(0, Math.floor(opts.maxNewTokens)), c.nPositions - 1);
  if (maxNew === 0) return prompts.map(() => '');
  const keep = c.nPositions - maxNew + 1;
  const encoded = prompts.map((p) => {
    const ids = model.tokenizer.encode(p, true);
    return ids.length > keep ? ids.slice(ids.length - keep) : ids;
  });
  const out = new Array<string>(prompts.length).fill('');
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 128));
  for (const indices of lengthSortedBatches(encoded.map((e) => e.length), batchSize)) {
    const texts = generateBatch(model, indices.map((i) => encoded[i] as number[]), maxNew, opts.stop ?? [], opts.useCache ?? true);
    indices.forEach((idx, j) => (out[idx] = texts[j] as string));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}
