/* tinylm kernels: causal multi-head attention (see simd.h). */
#include "simd.h"

/* ---------- attention ---------- */


/* y[j] = x[j] * a over [0, n) (element-wise). */
static inline void scale_row(f32 *y, f32 a, i32 n) {
  i32 j = 0;
  v128_t av = wasm_f32x4_splat(a);
  for (; j + VL <= n; j += VL) wasm_v128_store(y + j, wasm_f32x4_mul(wasm_v128_load(y + j), av));
  for (; j < n; j++) y[j] = y[j] * a;
}

/* y[j] = exp(y[j] - mx) over [0, n); returns the sum in index order. */
static inline f32 exp_row(f32 *y, f32 mx, i32 n) {
  i32 j = 0;
  v128_t m = wasm_f32x4_splat(mx);
  for (; j + VL <= n; j += VL) wasm_v128_store(y + j, exp_v(wasm_f32x4_sub(wasm_v128_load(y + j), m)));
  for (; j < n; j++) y[j] = exp_f(y[j] - mx);
  f32 sum = 0.0f;
  for (j = 0; j < n; j++) sum = sum + y[j];
  return sum;
}

/* row[j] = sum_m q[m] xT[m * stride + j] for j in [0, n) (m order; VL j at a time in registers). */
static inline void rows_dot(f32 *row, const f32 *q, const f32 *xT, i32 stride, i32 dh, i32 n) {
  i32 j = 0;
  for (; j + VL <= n; j += VL) {
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (i32 m = 0; m < dh; m++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(q[m]), wasm_v128_load(xT + m * stride + j)));
    wasm_v128_store(row + j, acc);
  }
  for (; j < n; j++) {
    f32 acc = 0.0f;
    for (i32 m = 0; m < dh; m++) acc = acc + q[m] * xT[m * stride + j];
    row[j] = acc;
  }
}

/* o[m] (+)= sum_j w[j] x[j * stride + m] over j in [0, n), j order; NV vectors of o in registers. */
static inline __attribute__((always_inline)) void weighted_rows_nv(f32 *o, const f32 *w, const f32 *x, i32 stride, i32 n, const i32 NV) {
  v128_t a[8];
  for (i32 u = 0; u < NV; u++) a[u] = wasm_v128_load(o + u * VL);
  for (i32 j = 0; j < n; j++) {
    const f32 *xj = x + j * stride;
    v128_t wj = wasm_f32x4_splat(w[j]);
    for (i32 u = 0; u < NV; u++) a[u] = wasm_f32x4_add(a[u], wasm_f32x4_mul(wj, wasm_v128_load(xj + u * VL)));
  }
  for (i32 u = 0; u < NV; u++) wasm_v128_store(o + u * VL, a[u]);
}

/* o[m] (+)= sum_j w[j] x[j * stride + m] over j in [0, n), j order; o stays in registers for dh 16 / 32. */
static inline void weighted_rows(f32 *o, const f32 *w, const f32 *x, i32 stride, i32 n, i32 dh) {
  if (dh == 16) {
    weighted_rows_nv(o, w, x, stride, n, 16 / VL);
    return;
  }
  if (dh == 32) {
    weighted_rows_nv(o, w, x, stride, n, 32 / VL);
    return;
  }
  for (i32 j = 0; j < n; j++) axpy(o, w[j], x + j * stride, dh);
}

/*
 * Keys in the transposed layout attention reads: kT[((b * H + h) * dh + m) * ldT + t0 + j] = key m of
 * head h at source position j of row b (k[b * ks + j * kt + h * dh + m]), for j in [0, Tn), rows [b0, b1).
 */
void keys_t(f32 *kT, const f32 *k, i32 b0, i32 b1, i32 Tn, i32 H, i32 dh, i32 ks, i32 kt, i32 ldT, i32 t0) {
  for (i32 b = b0; b < b1; b++)
    for (i32 h = 0; h < H; h++) {
      f32 *dst = kT + (b * H + h) * dh * ldT + t0;
      for (i32 j = 0; j < Tn; j++) {
        const f32 *kj = k + b * ks + j * kt + h * dh;
        for (i32 m = 0; m < dh; m++) dst[m * ldT + j] = kj[m];
      }
    }
}

/*
 * Causal multi-head attention for batch rows b in [b0, b1). Query i of row b sits at key position
 * qoff + i and sees keys j with pads[b] <= j <= qoff + i (pads may be 0: none). Queries: q + b * qs +
 * i * qt + h * dh; keys transposed (keys_t) with row length ldT; values: v + b * vs + j * vt + h * dh.
 * out is [B, Tq, H * dh]; P is [B, H, Tq, Tk] (probabilities, zero where masked).
 * A score is sum_m q[m] k[m] in m order (times scale), the same in a full pass and in a cached
 * decoding step. A query with no visible key (left padding) gets uniform weights over all Tk keys.
 */
void attention_fwd(f32 *out, f32 *P, const f32 *q, const f32 *kT, const f32 *v, const i32 *pads,
                   i32 b0, i32 b1, i32 Tq, i32 Tk, i32 H, i32 dh, i32 qs, i32 qt, i32 ldT, i32 vs, i32 vt, i32 qoff, f32 scale) {
  i32 D = H * dh;
  for (i32 b = b0; b < b1; b++) {
    i32 lo = pads ? pads[b] : 0;
    if (lo < 0) lo = 0; /* never for valid input; keeps a bad padding length inside the row */
    for (i32 h = 0; h < H; h++) {
      const f32 *kh = kT + (b * H + h) * dh * ldT;
      for (i32 i = 0; i < Tq; i++) {
        const f32 *qi = q + b * qs + i * qt + h * dh;
        f32 *p = P + ((b * H + h) * Tq + i) * Tk;
        f32 *o = out + (b * Tq + i) * D + h * dh;
        i32 hi = qoff + i;
        if (hi > Tk - 1) hi = Tk - 1;
        for (i32 j = 0; j < Tk; j++) p[j] = 0.0f;
        for (i32 m = 0; m < dh; m++) o[m] = 0.0f;
        if (lo > hi) {
          /* every key masked (a left-padding query): uniform weights over all Tk keys, as an additive
             -1e9 mask gives in float32 (and as the ONNX export computes); such outputs are never read. */
          f32 u = 1.0f / (f32)Tk;
          for (i32 j = 0; j < Tk; j++) {
            p[j] = u;
            axpy(o, u, v + b * vs + j * vt + h * dh, dh);
          }
          continue;
        }
        i32 n = hi - lo + 1;
        f32 *row = p + lo;
        rows_dot(row, qi, kh + lo, ldT, dh, n);
        scale_row(row, scale, n);
        f32 mx = row[0];
        for (i32 j = 1; j < n; j++) mx = row[j] > mx ? row[j] : mx;
        f32 sum = exp_row(row, mx, n);
        scale_row(row, 1.0f / sum, n);
        weighted_rows(o, row, v + b * vs + lo * vt + h * dh, vt, n, dh);
      }
    }
  }
}

/*
 * Backward of attention_fwd for training (Tq = Tk = T, qoff = 0, no pads) over rows [b0, b1).
 * qkv and dqkv are [B, T, 3 * D] (q, k, v column blocks); dqkv must be zeroed by the caller.
 * scratch holds [B, dh + 1, T] floats (values transposed and one row of dP, one row b at a time).
 */
void attention_bwd(f32 *dqkv, const f32 *dout, const f32 *P, const f32 *qkv, i32 b0, i32 b1, i32 T, i32 H, i32 dh, f32 scale, f32 *scratch) {
  i32 D = H * dh;
  i32 S = 3 * D;
  for (i32 b = b0; b < b1; b++) {
    f32 *vT = scratch + b * (dh + 1) * T;
    f32 *dP = vT + dh * T;
    for (i32 h = 0; h < H; h++) {
      for (i32 j = 0; j < T; j++) {
        const f32 *vj = qkv + (b * T + j) * S + 2 * D + h * dh;
        for (i32 m = 0; m < dh; m++) vT[m * T + j] = vj[m];
      }
      for (i32 i = 0; i < T; i++) {
        const f32 *p = P + ((b * H + h) * T + i) * T;
        const f32 *doi = dout + (b * T + i) * D + h * dh;
        const f32 *qi = qkv + (b * T + i) * S + h * dh;
        f32 *dqi = dqkv + (b * T + i) * S + h * dh;
        i32 n = i + 1;
        /* dP_j = do_i . v_j (m order), sum = sum_j P_ij dP_j (j order) */
        rows_dot(dP, doi, vT, T, dh, n);
        f32 sum = 0.0f;
        for (i32 j = 0; j < n; j++) sum = sum + p[j] * dP[j];
        for (i32 j = 0; j < n; j++) dP[j] = p[j] * (dP[j] - sum) * scale; /* dS_ij */
        weighted_rows(dqi, dP, qkv + (b * T) * S + D + h * dh, S, n, dh); /* dq_i += sum_j dS_ij k_j */
        for (i32 j = 0; j < n; j++) {
          f32 *dkj = dqkv + (b * T + j) * S + D + h * dh;
          f32 *dvj = dqkv + (b * T + j) * S + 2 * D + h * dh;
          axpy(dvj, p[j], doi, dh);
          axpy(dkj, dP[j], qi, dh);
        }
      }
    }
  }
}

