/** The GPT-2 forward pass (training and full-sequence inference), written for the wasm backend. */
import * as tf from '@tensorflow/tfjs-core';
import type { GPT2Config } from './config.js';
import { embedRows, geluNew, layerNorm, linear, linearTransposed } from './ops.js';
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

export interface AttentionOutput {
  out: T2;
  /** Keys and values as [B * H, T, head_dim], for a KV cache. */
  k: tf.Tensor3D;
  v: tf.Tensor3D;
}

/**
 * Multi-head causal self-attention over B rows of T positions. `mask` is additive and broadcastable
 * to [B, H, T, T]. Heads are moved into the batch axis with 4D transposes (fast kernels).
 */
export function selfAttention(h: T2, w: Weights, layer: number, c: GPT2Config, B: number, T: number, mask: tf.Tensor): AttentionOutput {
  const n = layerNames(layer);
  const H = c.nHead;
  const dh = c.nEmbd / H;
  const qkv = linear(h, w.get(n.attnW) as T2, w.get(n.attnB) as tf.Tensor1D);
  const heads = tf.reshape(tf.transpose(tf.reshape(qkv, [B, T, 3 * H, dh]), [0, 2, 1, 3]), [B, 3, H * T * dh]);
  const [q, k, v] = tf.split(heads, 3, 1).map((t) => tf.reshape(t, [B * H, T, dh])) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  const scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(dh)), k, false, true);
  const probs = tf.softmax(tf.add(tf.reshape(scores, [B, H, T, T]), mask));
  const o = tf.matMul(tf.reshape(probs, [B * H, T, T]) as tf.Tensor3D, v);
  const merged = tf.reshape(tf.transpose(tf.reshape(o, [B, H, T, dh]), [0, 2, 1, 3]), [B * T, c.nEmbd]) as T2;
  return { out: linear(merged, w.get(n.projW) as T2, w.get(n.projB) as tf.Tensor1D), k, v };
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
  cache: { k: tf.Tensor3D; v: tf.Tensor3D }[];
}

/** Run the transformer over B rows of T tokens; `mask` is additive, broadcastable to [B, H, T, T]. */
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
  const eps = c.layerNormEpsilon;
  for (let i = 0; i < c.nLayer; i++) {
    const n = layerNames(i);
    const a = selfAttention(layerNorm(x, w.get(n.ln1w) as tf.Tensor1D, w.get(n.ln1b) as tf.Tensor1D, eps), w, i, c, B, T, mask);
    if (keepCache) cache.push({ k: a.k, v: a.v });
    x = tf.add(x, a.out);
    x = tf.add(x, mlp(layerNorm(x, w.get(n.ln2w) as tf.Tensor1D, w.get(n.ln2b) as tf.Tensor1D, eps), w, i));
  }
  return { hidden: layerNorm(x, w.get(LNF_W) as tf.Tensor1D, w.get(LNF_B) as tf.Tensor1D, eps), cache };
}

/** Logits of the tied LM head for hidden states [N, n_embd]. */
export function lmHead(w: Weights, hidden: T2): T2 {
  return linearTransposed(hidden, w.get(WTE) as T2);
}

const causalMasks = new Map<number, tf.Tensor2D>();

/** Cached [T, T] additive causal mask (kept alive for the process; a few KB per length). */
export function causalMask(T: number): tf.Tensor2D {
  let m = causalMasks.get(T);
  if (!m) {
    const data = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = MASK_VALUE;
    m = tf.keep(tf.tensor2d(data, [T, T]));
    causalMasks.set(T, m);
  }
  return m;
}
