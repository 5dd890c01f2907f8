/** Batched greedy decoding with a preallocated KV cache (left-padded prompts, per-row positions). */
import { initBackend } from './backend.js';
import { allocCache, argmaxRows, cachedForward } from './engine/decode.js';
import { uploadParams } from './engine/gpt2.js';
import { rt } from './engine/runtime.js';
import { checkStrings, lengthSortedBatches } from './logprobs.js';
import type { TinyLM } from './model.js';

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

/**
 * Logits [B, L, V] of left-padded sequences at every position (positions before a row's padding
 * are not meaningful). Used by tests and tools; `generate` uses the cache directly.
 */
export function paddedLogits(model: TinyLM, seqs: readonly number[][]): Float32Array {
  const r = rt();
  const mark = r.mark();
  try {
    const c = model.config;
    const { ids, positions, pads, L } = leftPad(seqs, model.tokenizer.padId);
    const p = uploadParams(r, c, model.paramStore().flat);
    const cache = allocCache(r, c, seqs.length, L, pads);
    const logits = cachedForward(r, c, p, cache, ids, positions, L, 0, true);
    return r.f32(logits, seqs.length * L * c.vocabSize).slice();
  } finally {
    r.release(mark);
  }
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
  const c = model.config;
  const tok = model.tokenizer;
  const V = c.vocabSize;
  const B = prompts.length;
  const rows = prompts.map((p) => new RowState(p));
  const fed = prompts.map((p) => [...p]);
  const decodeToken = (id: number): string => tok.decode([id]);
  /** Greedy choice for every row (finished rows keep decoding, their tokens are ignored). */
  const choose = (next: Int32Array): Int32Array => {
    rows.forEach((row, b) => {
      const t = next[b] as number;
      if (!row.done) finishRow(row, t, tok.eosId, decodeToken, stops);
      fed[b]?.push(t);
    });
    return next;
  };
  const r = rt();
  const mark = r.mark();
  try {
    const p = uploadParams(r, c, model.paramStore().flat);
    const { ids, positions, pads, L } = leftPad(prompts, tok.padId);
    if (!useCache) {
      let seqs = prompts;
      for (let s = 0; s < maxNew && (s === 0 || rows.some((row) => !row.done)); s++) {
        const m = r.mark();
        const lp = leftPad(seqs, tok.padId);
        const cache = allocCache(r, c, B, lp.L, lp.pads);
        choose(argmaxRows(r, cachedForward(r, c, p, cache, lp.ids, lp.positions, lp.L, 0, false), B, V));
        r.release(m);
        seqs = fed;
      }
      return rows.map((row) => row.text);
    }
    const cache = allocCache(r, c, B, L + maxNew, pads);
    let tokens = choose(argmaxRows(r, cachedForward(r, c, p, cache, ids, positions, L, 0, false), B, V));
    for (let s = 1; s < maxNew && rows.some((row) => !row.done); s++) {
      const m = r.mark();
      const pos = Int32Array.from(prompts, (q) => q.length + s - 1);
      tokens = choose(argmaxRows(r, cachedForward(r, c, p, cache, tokens, pos, 1, L + s - 1, false), B, V));
      r.release(m);
    }
    return rows.map((row) => row.text);
  } finally {
    r.release(mark);
  }
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
  for (const indices of lengthSortedBatches(
    encoded.map((e) => e.length),
    batchSize,
  )) {
    const texts = generateBatch(
      model,
      indices.map((i) => encoded[i] as number[]),
      maxNew,
      opts.stop ?? [],
      opts.useCache ?? true,
    );
    indices.forEach((idx, j) => (out[idx] = texts[j] as string));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}
