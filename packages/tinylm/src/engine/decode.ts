/**
 * Inference with a preallocated KV cache: a forward pass over Tq new tokens per row that appends their
 * keys and values to the cache and attends over everything cached so far. Prefill is Tq = prompt
 * length; a decoding step is Tq = 1. Rows are left-padded: keys before `pads[b]` are never attended.
 */
import type { GPT2Config } from '../config.js';
import { LNF_B, LNF_W, WPE, WTE, layerNames } from '../params.js';
import { linear, type ParamAddrs } from './gpt2.js';
import type { Runtime } from './runtime.js';

const F = 4;

export interface KVCache {
  readonly B: number;
  /** Positions the cache holds per row. */
  readonly Tmax: number;
  /** Per layer: keys transposed [B, n_head, head_dim, Tmax] and values [B, Tmax, n_embd]. */
  readonly k: number[];
  readonly v: number[];
  /** Left padding per row (int32 [B]). */
  readonly pads: number;
}

export function allocCache(r: Runtime, c: GPT2Config, B: number, Tmax: number, pads: readonly number[]): KVCache {
  const k: number[] = [];
  const v: number[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    k.push(r.floats(B * Tmax * c.nEmbd));
    v.push(r.floats(B * Tmax * c.nEmbd));
  }
  return { B, Tmax, k, v, pads: r.upload(Int32Array.from(pads)) };
}

/**
 * Run `Tq` tokens per row (ids and positions [B * Tq]) that occupy cache slots qoff .. qoff + Tq - 1.
 * Returns the address of the logits: [B * Tq, V] when `all`, else [B, V] for each row's last token.
 */
export function cachedForward(
  r: Runtime,
  c: GPT2Config,
  p: ParamAddrs,
  cache: KVCache,
  ids: Int32Array,
  positions: Int32Array,
  Tq: number,
  qoff: number,
  all: boolean,
): number {
  const { B, Tmax } = cache;
  const d = c.nEmbd;
  const H = c.nHead;
  const dh = d / H;
  const FF = c.nInner;
  const V = c.vocabSize;
  const N = B * Tq;
  const Tk = qoff + Tq;
  const eps = c.layerNormEpsilon;
  if (Tk > Tmax) throw new Error(`tinylm: KV cache overflow (${Tk} > ${Tmax})`);
  const idsPtr = r.upload(ids);
  const posPtr = r.upload(positions);
  const x = r.floats(N * d);
  r.run('embed_fwd', [x, p.at(WTE), p.at(WPE), idsPtr, posPtr, 0, N, d], 5, N * d);
  const h = r.floats(N * d);
  const qkv = r.floats(N * 3 * d);
  const P = r.floats(B * H * Tq * Tk);
  const att = r.floats(N * d);
  const tmp = r.floats(N * d);
  const fc = r.floats(N * FF);
  const ln = (out: number, src: number, g: number, b: number, rows: number): void =>
    r.run('layernorm_fwd', [out, 0, 0, src, g, b, 0, rows, d, eps], 6, rows * d * 4);
  for (let l = 0; l < c.nLayer; l++) {
    const n = layerNames(l);
    ln(h, x, p.at(n.ln1w), p.at(n.ln1b), N);
    linear(r, qkv, h, p.at(n.attnW), p.at(n.attnB), N, d, 3 * d);
    r.run('keys_t', [cache.k[l] as number, qkv + F * d, 0, B, Tq, H, dh, Tq * 3 * d, 3 * d, Tmax, qoff], 2, N * d);
    const src = r.f32(qkv, N * 3 * d);
    const vc = r.f32(cache.v[l] as number, B * Tmax * d);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < Tq; t++) {
        const row = (b * Tq + t) * 3 * d;
        vc.set(src.subarray(row + 2 * d, row + 3 * d), (b * Tmax + qoff + t) * d);
      }
    }
    r.run(
      'attention_fwd',
      [att, P, qkv, cache.k[l] as number, cache.v[l] as number, cache.pads, 0, B, Tq, Tk, H, dh, Tq * 3 * d, 3 * d, Tmax, Tmax * d, d, qoff, 1 / Math.sqrt(dh)],
      6,
      B * H * Tq * Tk * dh * 2,
    );
    linear(r, tmp, att, p.at(n.projW), p.at(n.projB), N, d, d);
    r.run('add', [x, x, tmp, 0, N * d], 3, N * d);
    ln(h, x, p.at(n.ln2w), p.at(n.ln2b), N);
    linear(r, fc, h, p.at(n.fcW), p.at(n.fcB), N, d, FF);
    r.run('gelu_fwd', [fc, 0, fc, 0, N * FF], 3, N * FF * 8);
    linear(r, tmp, fc, p.at(n.mlpW), p.at(n.mlpB), N, FF, d);
    r.run('add', [x, x, tmp, 0, N * d], 3, N * d);
  }
  let rows = N;
  let last = x;
  if (!all && Tq > 1) {
    rows = B;
    last = r.floats(B * d);
    const xs = r.f32(x, N * d);
    const dst = r.f32(last, B * d);
    for (let b = 0; b < B; b++) dst.set(xs.subarray((b * Tq + Tq - 1) * d, (b * Tq + Tq) * d), b * d);
  }
  ln(h, last, p.at(LNF_W), p.at(LNF_B), rows);
  const wteT = r.floats(V * d);
  r.run('transpose', [wteT, p.at(WTE), 0, V, V, d], 2, V * d);
  const logits = r.floats(rows * V);
  r.run('matmul', [logits, h, wteT, 0, rows, d, V, d, 1, 0], 3, rows * d * V);
  return logits;
}

/** Greedy choice per row of logits [rows, V] (ties: the lowest id). */
export function argmaxRows(r: Runtime, logits: number, rows: number, V: number): Int32Array {
  const m = r.mark();
  const out = r.floats(rows);
  r.run('argmax_rows', [out, logits, 0, rows, V], 2, rows * V);
  const res = r.i32(out, rows).slice();
  r.release(m);
  return res;
}
