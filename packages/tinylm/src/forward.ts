/** The GPT-2 forward pass (training and full-sequence inference), written for the wasm backend. */
import * as tf from '@tensorflow/tfjs-core';
import type { GPT2Config } from './config.js';
import { embedRows, geluNew, groupedMatmul, layerNorm, linear, linearTransposed } from './ops.js';
import { LNF_B, LNF_W, WPE, WTE, layerNames } from './params.js';

type T2 = tf.Tensor2D;

/** Anything that maps a Hugging Face tensor name to a tfjs tensor. */
export interface Weights {
  get(name: string): tf.Tensor;
}

/** Additive mask value for disallowed attention (finite, so fully masked rows stay NaN-free). */
export const MASK_VALUE = -1e9;

/** Token + position embeddings of `ids` at `positions` (both flat, length N). */
export function embed(w: Weights, ids: Int32Array, positions: Int32Array): T2 {
  const tok = embedRows(w.get(WTE) as T2, ids);
  const pos = embedRows(w.get(WPE) as T2, positions);
  return tf.add(tok, pos);
}

/** Keys and values of one layer in the layouts attention consumes (and a KV cache appends to). */
export interface LayerKV {
  /** Keys as [head_dim, B * H, T]. */
  kf: tf.Tensor3D;
  /** Values as [T, B * H, head_dim]. */
  vf: tf.Tensor3D;
}

export interface AttentionOutput extends LayerKV {
  out: T2;
}

/** q, k, v projections [N, n_embd] each (c_attn split by columns, as Hugging Face does). */
export function qkvProjections(h: T2, w: Weights, layer: number): [T2, T2, T2] {
  const n = layerNames(layer);
  const ws = tf.split(w.get(n.attnW), 3, 1) as T2[];
  const bs = tf.split(w.get(n.attnB), 3, 0) as tf.Tensor1D[];
  return [0, 1, 2].map((i) => linear(h, ws[i] as T2, bs[i] as tf.Tensor1D)) as [T2, T2, T2];
}

/**
 * Multi-head attention core for queries [Tq, head_dim, B * H] against keys [head_dim, B * H, Tk] and
 * values [Tk, B * H, head_dim]; `mask` is additive, broadcastable to [Tq, B, H, Tk]. Returns [Tq, B * H, head_dim].
 */
export function attend(qx: tf.Tensor3D, kv: LayerKV, mask: tf.Tensor, B: number, H: number): tf.Tensor3D {
  const [Tq] = qx.shape;
  const Tk = kv.kf.shape[2];
  const scores = tf.add(tf.reshape(groupedMatmul(qx, kv.kf), [Tq, B, H, Tk]), mask);
  const probs = tf.reshape(tf.softmax(scores), [Tq, B * H, Tk]) as tf.Tensor3D;
  return groupedMatmul(tf.transpose(probs, [0, 2, 1]), kv.vf);
}

/** Query layout [T, head_dim, B * H] (pre-scaled by 1/sqrt(head_dim)) from q [B * T, n_embd]. */
export function queryLayout(q: T2, B: number, T: number, H: number): tf.Tensor3D {
  const dh = q.shape[1] / H;
  const scaled = tf.mul(q, 1 / Math.sqrt(dh));
  return tf.reshape(tf.transpose(tf.reshape(scaled, [B, T, H, dh]), [1, 3, 0, 2]), [T, dh, B * H]);
}

/** Key layout [head_dim, B * H, T] and value layout [T, B * H, head_dim] from k, v [B * T, n_embd]. */
export function keyValueLayout(k: T2, v: T2, B: number, T: number, H: number): LayerKV {
  const dh = k.shape[1] / H;
  return {
    kf: tf.reshape(tf.transpose(tf.reshape(k, [B, T, H, dh]), [3, 0, 2, 1]), [dh, B * H, T]),
    vf: tf.reshape(tf.transpose(tf.reshape(v, [B, T, H, dh]), [1, 0, 2, 3]), [T, B * H, dh]),
  };
}

/**
 * Multi-head causal self-attention over B rows of T positions. `mask` is additive, broadcastable to
 * [T, B, H, T] (query position, row, head, key position).
 */
export function selfAttention(h: T2, w: Weights, layer: number, c: GPT2Config, B: number, T: number, mask: tf.Tensor): AttentionOutput {
  const n = layerNames(layer);
  const H = c.nHead;
  const [q, k, v] = qkvProjections(h, w, layer);
  const kv = keyValueLayout(k, v, B, T, H);
  const o = attend(queryLayout(q, B, T, H), kv, mask, B, H); // [T, B * H, dh] = [T, B, n_embd]
  const merged = tf.reshape(tf.transpose(tf.reshape(o, [T, B, c.nEmbd]), [1, 0, 2]), [B * T, c.nEmbd]) as T2;
  return { out: linear(merged, w.get(n.projW) as T2, w.get(n.projB) as tf.Tensor1D), ...kv };
}

/** The MLP sub-block: c_proj(gelu_new(c_fc(h))). */
export function mlp(h: T2, w: Weights, layer: number): T2 {
  const n = layerNames(layer);
  const hidden = linear(h, w.get(n.fcW) as T2, w.get(n.fcB) as tf.Tensor1D);
  return linear(geluNew(hidden) as T2, w.get(n.mlpW) as T2, w.get(n.mlpB) as tf.Tensor1D);
}

export interface ForwardResult {
  /** Final hidden states after ln_f, [B * T, n_embd]. */
  hidden: T2;
  /** Per-layer keys/values (only when requested). */
  cache: LayerKV[];
}

/** One pre-LN GPT-2 block: x + attention(ln_1(x)), then + mlp(ln_2(.)). */
export function block(w: Weights, c: GPT2Config, layer: number, x: T2, attention: (h: T2) => T2): T2 {
  const n = layerNames(layer);
  const eps = c.layerNormEpsilon;
  const a: T2 = tf.add(x, attention(layerNorm(x, w.get(n.ln1w) as tf.Tensor1D, w.get(n.ln1b) as tf.Tensor1D, eps)));
  return tf.add(a, mlp(layerNorm(a, w.get(n.ln2w) as tf.Tensor1D, w.get(n.ln2b) as tf.Tensor1D, eps), w, layer));
}

/** The final layer norm (ln_f). */
export function finalNorm(w: Weights, c: GPT2Config, x: T2): T2 {
  return layerNorm(x, w.get(LNF_W) as tf.Tensor1D, w.get(LNF_B) as tf.Tensor1D, c.layerNormEpsilon);
}

/** Run the transformer over B rows of T tokens; `mask` is additive, broadcastable to [T, B, H, T]. */
export function transformer(
  w: Weights,
  c: GPT2Config,
  ids: Int32Array,
  positions: Int32Array,
  B: number,
  T: number,
  mask: tf.Tensor,
  keepCache = false,
): ForwardResult {
  let x = embed(w, ids, positions);
  const cache: ForwardResult['cache'] = [];
  for (let i = 0; i < c.nLayer; i++) {
    x = block(w, c, i, x, (h) => {
      const a = selfAttention(h, w, i, c, B, T, mask);
      if (keepCache) cache.push({ kf: a.kf, vf: a.vf });
      return a.out;
    });
  }
  return { hidden: finalNorm(w, c, x), cache };
}

/** Logits of the tied LM head for hidden states [N, n_embd]. */
export function lmHead(w: Weights, hidden: T2): T2 {
  return linearTransposed(hidden, w.get(WTE) as T2);
}

const causalMasks = new Map<number, tf.Tensor4D>();

/** Cached additive causal mask [T, 1, 1, T] (kept alive for the process; a few KB per length). */
export function causalMask(T: number): tf.Tensor4D {
  let m = causalMasks.get(T);
  if (!m) {
    const data = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = MASK_VALUE;
    m = tf.keep(tf.tensor4d(data, [T, 1, 1, T]));
    causalMasks.set(T, m);
  }
  return m;
}
