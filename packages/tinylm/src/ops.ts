/**
 * Differentiable building blocks tuned for the tfjs wasm backend.
 *
 * The wasm backend has three slow paths that the default gradients hit (measured on the 2-core box):
 * - `matMul` with a transpose flag (or any batch > 1) skips XNNPACK: ~10x slower than transposing
 *   explicitly and multiplying plainly;
 * - the 2D transpose kernel thrashes the cache on tall matrices (power-of-two write strides), while
 *   the 3D kernel reading with a stride is ~4x faster;
 * - reductions over a non-last axis (bias gradients) transpose internally; `ones @ dy` is ~40x faster.
 * - `tf.gather` has no gradient kernel (UnsortedSegmentSum) at all.
 * The custom gradients below route around those; the maths is the textbook one.
 */
import * as tf from '@tensorflow/tfjs-core';

type T2 = tf.Tensor2D;

/**
 * Run `fn` in a tidy scope and read its tensor's values. (Never return a typed array from `tf.tidy`:
 * tidy walks its result looking for tensors, element by element - ~100 ms for 250k values.)
 */
export function tidyRead(fn: () => tf.Tensor): Float32Array {
  let out: Float32Array = new Float32Array(0);
  tf.tidy(() => {
    out = fn().dataSync() as Float32Array;
  });
  return out;
}

/** Smallest factor >= 2 of n, or 0 when n is prime (or < 4). */
function smallFactor(n: number): number {
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return f;
  return 0;
}

/** x^T for a 2D matrix, through the 3D transpose kernel when the row count factors. */
export function transpose2d(x: T2): T2 {
  const [r, c] = x.shape;
  const f = smallFactor(r);
  if (f === 0 || r * c < 4096) return tf.transpose(x);
  return tf.reshape(tf.transpose(tf.reshape(x, [f, r / f, c]), [2, 0, 1]), [c, r]);
}

/**
 * Column sums of a 2D matrix [N, K] as [K]: an XNNPACK average pool over a [1, N, 1, K] image,
 * times N. ~10x faster than `tf.sum(x, 0)` (which transposes) or `ones @ x` (which packs x).
 */
export function sumRows(x: T2): tf.Tensor1D {
  const [n, k] = x.shape;
  const mean = tf.avgPool(tf.reshape(x, [1, n, 1, k]) as tf.Tensor4D, [n, 1], 1, 'valid');
  return tf.reshape(tf.mul(mean, n), [k]);
}

/**
 * a^T @ b for tall a [N, p], b [N, q] (a weight gradient). The wider operand is transposed, so
 * XNNPACK packs the narrower one as its weights (measured faster both ways round).
 */
function tallProduct(a: T2, b: T2): T2 {
  if (a.shape[1] >= b.shape[1]) return tf.matMul(transpose2d(a), b);
  return tf.transpose(tf.matMul(transpose2d(b), a)) as T2;
}

/** y = x @ w + b (Conv1D layout, as GPT-2 stores it). */
export function linear(x: T2, w: T2, b: tf.Tensor1D): T2 {
  const op = tf.customGrad((...args) => {
    const [xi, wi, bi] = args as [T2, T2, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    save([xi, wi]);
    return {
      value: tf.fused.matMul({ a: xi, b: wi, bias: bi }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [T2, T2];
        const g = dy as T2;
        return [tf.matMul(g, tf.transpose(ws)), tallProduct(xs, g), sumRows(g)];
      },
    };
  });
  return op(x, w, b) as T2;
}

/** y = x @ w^T (the tied language-model head; `w` is the token embedding [vocab, n_embd]). */
export function linearTransposed(x: T2, w: T2): T2 {
  const op = tf.customGrad((...args) => {
    const [xi, wi] = args as [T2, T2];
    const save = args[2] as tf.GradSaveFunc;
    save([xi, wi]);
    return {
      value: tf.matMul(xi, tf.transpose(wi)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [T2, T2];
        const g = dy as T2;
        return [tf.matMul(g, ws), tallProduct(g, xs)];
      },
    };
  });
  return op(x, w) as T2;
}

/** The transposed one-hot matrix [rows, ids.length] of `ids` (a gradient constant). */
function oneHotTransposed(ids: Int32Array, rows: number): T2 {
  const n = ids.length;
  const data = new Float32Array(rows * n);
  for (let j = 0; j < n; j++) data[(ids[j] as number) * n + j] = 1;
  return tf.tensor2d(data, [rows, n]);
}

/** The one-hot matrix [ids.length, cols] of `ids`. */
export function oneHot(ids: Int32Array, cols: number): T2 {
  const data = new Float32Array(ids.length * cols);
  for (let j = 0; j < ids.length; j++) data[j * cols + (ids[j] as number)] = 1;
  return tf.tensor2d(data, [ids.length, cols]);
}

/**
 * Rows of `table` picked by `ids` (an embedding lookup) as a one-hot matmul (wasm's gather kernel
 * is ~10x slower than XNNPACK here and has no gradient); backward `onehot(ids)^T @ dy`.
 */
export function embedRows(table: T2, ids: Int32Array): T2 {
  const op = tf.customGrad((...args) => {
    const [tab] = args as [T2];
    return {
      value: tf.matMul(oneHot(ids, tab.shape[0]), tab),
      gradFunc: (dy: tf.Tensor) => [tf.matMul(oneHotTransposed(ids, table.shape[0]), dy as T2)],
    };
  });
  return op(table) as T2;
}

/** GPT-2 layer norm over the last axis with an analytic backward (only last-axis reductions). */
export function layerNorm(x: T2, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): T2 {
  const op = tf.customGrad((...args) => {
    const [xi, gi, bi] = args as [T2, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const xc = tf.sub(xi, tf.mean(xi, -1, true));
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps));
    const xhat = tf.mul(xc, rstd);
    save([xhat, rstd, gi]);
    return {
      value: tf.add(tf.mul(xhat, gi), bi) as T2,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rs, ga] = saved as [T2, T2, tf.Tensor1D];
        const d = dy as T2;
        const g = tf.mul(d, ga);
        const dx = tf.mul(
          rs,
          tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xh, tf.mean(tf.mul(g, xh), -1, true))),
        );
        return [dx, sumRows(tf.mul(d, xh) as T2), sumRows(d)];
      },
    };
  });
  return op(x, gamma, beta) as T2;
}

const GELU_K = 2 * Math.sqrt(2 / Math.PI);

/**
 * GPT-2's `gelu_new`: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), computed as the identical
 * x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)) because wasm's sigmoid is vectorised and tanh is not.
 */
export function geluNew(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), GELU_K);
  return tf.mul(x, tf.sigmoid(inner));
}

/**
 * log softmax(logits)[target] per row (exact log-sum-exp); the gradient is dy * (onehot - softmax).
 */
export function tokenLogProbs(logits: T2, targets: Int32Array): tf.Tensor1D {
  const [n, v] = logits.shape;
  const op = tf.customGrad((...args) => {
    const [z] = args as [T2];
    const save = args[1] as tf.GradSaveFunc;
    const m = tf.max(z, -1, true);
    const lse = tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(z, m)), -1, true)));
    const zt = tf.sum(tf.mul(z, oneHot(targets, v)), -1);
    save([z]);
    return {
      value: tf.sub(zt, tf.reshape(lse, [n])) as tf.Tensor1D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [zs] = saved as [T2];
        return [tf.mul(tf.reshape(dy, [n, 1]), tf.sub(oneHot(targets, v), tf.softmax(zs)))];
      },
    };
  });
  return op(logits) as tf.Tensor1D;
}

type T3 = tf.Tensor3D;

/** y[m, g, n] = sum_k x[m, k, g] f[k, g, n] as one XNNPACK depthwise convolution (no gradient). */
function groupedMatmulRaw(x: T3, f: T3): T3 {
  const [m, k, g] = x.shape;
  const n = f.shape[2];
  const y = tf.depthwiseConv2d(tf.reshape(x, [1, m, k, g]) as tf.Tensor4D, tf.reshape(f, [1, k, g, n]) as tf.Tensor4D, 1, 'valid');
  return tf.reshape(y, [m, g, n]);
}

/**
 * A batch of g small matrix products in "channels last" layout: y[m, g, n] = sum_k x[m, k, g] f[k, g, n].
 *
 * wasm's BatchMatMul only uses XNNPACK for a batch of one; batched products run a scalar loop
 * (~1 GMAC/s). A depthwise convolution whose kernel spans the whole k axis, with channel multiplier
 * n, computes exactly this product through XNNPACK, 2-3x faster. Attention is written in this layout.
 */
export function groupedMatmul(x: T3, f: T3): T3 {
  const op = tf.customGrad((...args) => {
    const [xi, fi] = args as [T3, T3];
    const save = args[2] as tf.GradSaveFunc;
    save([xi, fi]);
    return {
      value: groupedMatmulRaw(xi, fi),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, fs] = saved as [T3, T3];
        const g = dy as T3;
        // dx[m, k, g] = sum_n dy[m, g, n] f[k, g, n];  df[k, g, n] = sum_m x[m, k, g] dy[m, g, n]
        const dx = tf.transpose(groupedMatmulRaw(tf.transpose(g, [0, 2, 1]), tf.transpose(fs, [2, 1, 0])), [0, 2, 1]);
        const df = groupedMatmulRaw(tf.transpose(xs, [1, 0, 2]), g);
        return [dx, df];
      },
    };
  });
  return op(x, f) as T3;
}
