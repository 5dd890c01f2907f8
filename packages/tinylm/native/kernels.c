/* tinylm kernels: matrix products, embeddings, layer norm, log-probabilities (see simd.h; gelu_new in gelu.c). */
#include "simd.h"

/* ---------- matrix products ---------- */

/* One K block of matmul (below). */
static void matmul_panel(f32 *C, const f32 *A, const f32 *B, i32 r0, i32 r1, i32 K, i32 N, i32 sai, i32 sak, i32 acc) {
  i32 i = r0;
  for (; i + 4 <= r1; i += 4) {
    const f32 *a0 = A + i * sai;
    const f32 *a1 = a0 + sai;
    const f32 *a2 = a1 + sai;
    const f32 *a3 = a2 + sai;
    f32 *c0 = C + i * N;
    f32 *c1 = c0 + N;
    f32 *c2 = c1 + N;
    f32 *c3 = c2 + N;
    i32 j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t z = wasm_f32x4_splat(0.0f);
      v128_t s00 = acc ? wasm_v128_load(c0 + j) : z, s01 = acc ? wasm_v128_load(c0 + j + 4) : z;
      v128_t s10 = acc ? wasm_v128_load(c1 + j) : z, s11 = acc ? wasm_v128_load(c1 + j + 4) : z;
      v128_t s20 = acc ? wasm_v128_load(c2 + j) : z, s21 = acc ? wasm_v128_load(c2 + j + 4) : z;
      v128_t s30 = acc ? wasm_v128_load(c3 + j) : z, s31 = acc ? wasm_v128_load(c3 + j + 4) : z;
      const f32 *b = B + j;
      for (i32 k = 0; k < K; k++, b += N) {
        v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        i32 ka = k * sak;
        v128_t x0 = wasm_f32x4_splat(a0[ka]), x1 = wasm_f32x4_splat(a1[ka]);
        v128_t x2 = wasm_f32x4_splat(a2[ka]), x3 = wasm_f32x4_splat(a3[ka]);
        s00 = wasm_f32x4_add(s00, wasm_f32x4_mul(x0, b0));
        s01 = wasm_f32x4_add(s01, wasm_f32x4_mul(x0, b1));
        s10 = wasm_f32x4_add(s10, wasm_f32x4_mul(x1, b0));
        s11 = wasm_f32x4_add(s11, wasm_f32x4_mul(x1, b1));
        s20 = wasm_f32x4_add(s20, wasm_f32x4_mul(x2, b0));
        s21 = wasm_f32x4_add(s21, wasm_f32x4_mul(x2, b1));
        s30 = wasm_f32x4_add(s30, wasm_f32x4_mul(x3, b0));
        s31 = wasm_f32x4_add(s31, wasm_f32x4_mul(x3, b1));
      }
      wasm_v128_store(c0 + j, s00); wasm_v128_store(c0 + j + 4, s01);
      wasm_v128_store(c1 + j, s10); wasm_v128_store(c1 + j + 4, s11);
      wasm_v128_store(c2 + j, s20); wasm_v128_store(c2 + j + 4, s21);
      wasm_v128_store(c3 + j, s30); wasm_v128_store(c3 + j + 4, s31);
    }
    for (; j + 4 <= N; j += 4) {
      v128_t z = wasm_f32x4_splat(0.0f);
      v128_t s0 = acc ? wasm_v128_load(c0 + j) : z, s1 = acc ? wasm_v128_load(c1 + j) : z;
      v128_t s2 = acc ? wasm_v128_load(c2 + j) : z, s3 = acc ? wasm_v128_load(c3 + j) : z;
      const f32 *b = B + j;
      for (i32 k = 0; k < K; k++, b += N) {
        v128_t b0 = wasm_v128_load(b);
        i32 ka = k * sak;
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_f32x4_splat(a0[ka]), b0));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_f32x4_splat(a1[ka]), b0));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_f32x4_splat(a2[ka]), b0));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_f32x4_splat(a3[ka]), b0));
      }
      wasm_v128_store(c0 + j, s0); wasm_v128_store(c1 + j, s1);
      wasm_v128_store(c2 + j, s2); wasm_v128_store(c3 + j, s3);
    }
    for (; j < N; j++) {
      f32 s0 = acc ? c0[j] : 0.0f, s1 = acc ? c1[j] : 0.0f, s2 = acc ? c2[j] : 0.0f, s3 = acc ? c3[j] : 0.0f;
      for (i32 k = 0; k < K; k++) {
        f32 bk = B[k * N + j];
        i32 ka = k * sak;
        s0 = s0 + a0[ka] * bk;
        s1 = s1 + a1[ka] * bk;
        s2 = s2 + a2[ka] * bk;
        s3 = s3 + a3[ka] * bk;
      }
      c0[j] = s0; c1[j] = s1; c2[j] = s2; c3[j] = s3;
    }
  }
  for (; i < r1; i++) {
    const f32 *a0 = A + i * sai;
    f32 *c0 = C + i * N;
    i32 j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t z = wasm_f32x4_splat(0.0f);
      v128_t s0 = acc ? wasm_v128_load(c0 + j) : z, s1 = acc ? wasm_v128_load(c0 + j + 4) : z;
      const f32 *b = B + j;
      for (i32 k = 0; k < K; k++, b += N) {
        v128_t x0 = wasm_f32x4_splat(a0[k * sak]);
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(x0, wasm_v128_load(b)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(x0, wasm_v128_load(b + 4)));
      }
      wasm_v128_store(c0 + j, s0); wasm_v128_store(c0 + j + 4, s1);
    }
    for (; j + 4 <= N; j += 4) {
      v128_t s0 = acc ? wasm_v128_load(c0 + j) : wasm_f32x4_splat(0.0f);
      const f32 *b = B + j;
      for (i32 k = 0; k < K; k++, b += N) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_f32x4_splat(a0[k * sak]), wasm_v128_load(b)));
      wasm_v128_store(c0 + j, s0);
    }
    for (; j < N; j++) {
      f32 s0 = acc ? c0[j] : 0.0f;
      for (i32 k = 0; k < K; k++) s0 = s0 + a0[k * sak] * B[k * N + j];
      c0[j] = s0;
    }
  }
}

/*
 * C[i, j] (+)= sum_k A(i, k) B[k, j] for rows i in [r0, r1), where A(i, k) = A[i * sai + k * sak],
 * B is [K, N] row-major and C is [M, N] row-major. acc = 0 overwrites C, 1 adds to it.
 * x @ W is (sai, sak) = (K, 1); x^T @ dy (a weight gradient) is (sai, sak) = (1, M).
 * K is cut into blocks whose slice of B stays in cache (about 256 KB); C carries the partial sums
 * between blocks in float32, so each element is still summed over k in order, with the same bits.
 */
void matmul(f32 *C, const f32 *A, const f32 *B, i32 r0, i32 r1, i32 K, i32 N, i32 sai, i32 sak, i32 acc) {
  i32 kc = 65536 / (N > 0 ? N : 1);
  if (kc < 32) kc = 32;
  for (i32 k0 = 0; k0 < K; k0 += kc) {
    i32 kn = K - k0 < kc ? K - k0 : kc;
    matmul_panel(C, A + k0 * sak, B + k0 * N, r0, r1, kn, N, sai, sak, acc || k0 > 0);
  }
  if (K == 0 && !acc)
    for (i32 i = r0; i < r1; i++)
      for (i32 j = 0; j < N; j++) C[i * N + j] = 0.0f;
}

/* dst[c, r] = src[r, c] for rows r in [r0, r1) of src [R, C] (dst is [C, R]). */
void transpose(f32 *dst, const f32 *src, i32 r0, i32 r1, i32 R, i32 C) {
  for (i32 r = r0; r < r1; r++)
    for (i32 c = 0; c < C; c++) dst[c * R + r] = src[r * C + c];
}

/* y[i, :] += b for rows [r0, r1). */
void add_bias(f32 *y, const f32 *b, i32 r0, i32 r1, i32 N) {
  for (i32 i = r0; i < r1; i++)
    for (i32 j = 0; j < N; j++) y[i * N + j] = y[i * N + j] + b[j];
}

/* out[j] += sum over rows i in order of x[i, j] (bias gradients), for columns [c0, c1). */
void col_sum(f32 *out, const f32 *x, i32 c0, i32 c1, i32 rows, i32 N) {
  for (i32 i = 0; i < rows; i++)
    for (i32 j = c0; j < c1; j++) out[j] = out[j] + x[i * N + j];
}

/* y[i] = a[i] + b[i] over [i0, i1). */
void add(f32 *y, const f32 *a, const f32 *b, i32 i0, i32 i1) {
  for (i32 i = i0; i < i1; i++) y[i] = a[i] + b[i];
}

/* ---------- embeddings ---------- */

void embed_fwd(f32 *x, const f32 *wte, const f32 *wpe, const i32 *ids, const i32 *pos, i32 r0, i32 r1, i32 C) {
  for (i32 n = r0; n < r1; n++) {
    const f32 *t = wte + ids[n] * C;
    const f32 *p = wpe + pos[n] * C;
    for (i32 j = 0; j < C; j++) x[n * C + j] = t[j] + p[j];
  }
}

/* dwte[ids[n]] += dx[n], dwpe[pos[n]] += dx[n] for n = 0..rows-1 in order, columns [c0, c1). */
void embed_bwd(f32 *dwte, f32 *dwpe, const f32 *dx, const i32 *ids, const i32 *pos, i32 c0, i32 c1, i32 rows, i32 C) {
  for (i32 n = 0; n < rows; n++) {
    f32 *t = dwte + ids[n] * C;
    f32 *p = dwpe + pos[n] * C;
    for (i32 j = c0; j < c1; j++) {
      t[j] = t[j] + dx[n * C + j];
      p[j] = p[j] + dx[n * C + j];
    }
  }
}

/* ---------- layer norm ---------- */

void layernorm_fwd(f32 *out, f32 *mean, f32 *rstd, const f32 *x, const f32 *g, const f32 *b, i32 r0, i32 r1, i32 C, f32 eps) {
  for (i32 i = r0; i < r1; i++) {
    const f32 *xi = x + i * C;
    f32 s = 0.0f;
    for (i32 j = 0; j < C; j++) s = s + xi[j];
    f32 m = s / (f32)C;
    f32 v = 0.0f;
    for (i32 j = 0; j < C; j++) {
      f32 d = xi[j] - m;
      v = v + d * d;
    }
    f32 rs = 1.0f / __builtin_sqrtf(v / (f32)C + eps);
    f32 *oi = out + i * C;
    for (i32 j = 0; j < C; j++) oi[j] = (xi[j] - m) * rs * g[j] + b[j];
    if (mean) mean[i] = m;
    if (rstd) rstd[i] = rs;
  }
}

/* dx[i] += rstd * (dn - mean(dn) - xhat * mean(dn * xhat)), dn = dout * g, rows [r0, r1). */
void layernorm_bwd_x(f32 *dx, const f32 *dout, const f32 *x, const f32 *mean, const f32 *rstd, const f32 *g, i32 r0, i32 r1, i32 C) {
  for (i32 i = r0; i < r1; i++) {
    const f32 *xi = x + i * C;
    const f32 *di = dout + i * C;
    f32 m = mean[i], rs = rstd[i];
    f32 s1 = 0.0f, s2 = 0.0f;
    for (i32 j = 0; j < C; j++) {
      f32 dn = di[j] * g[j];
      s1 = s1 + dn;
      s2 = s2 + dn * ((xi[j] - m) * rs);
    }
    s1 = s1 / (f32)C;
    s2 = s2 / (f32)C;
    f32 *dxi = dx + i * C;
    for (i32 j = 0; j < C; j++) {
      f32 xh = (xi[j] - m) * rs;
      dxi[j] = dxi[j] + rs * (di[j] * g[j] - s1 - xh * s2);
    }
  }
}

/* dg[j] += sum_i dout[i, j] xhat[i, j], db[j] += sum_i dout[i, j], rows in order, columns [c0, c1). */
void layernorm_bwd_params(f32 *dg, f32 *db, const f32 *dout, const f32 *x, const f32 *mean, const f32 *rstd, i32 c0, i32 c1, i32 rows, i32 C) {
  for (i32 i = 0; i < rows; i++) {
    const f32 *xi = x + i * C;
    const f32 *di = dout + i * C;
    f32 m = mean[i], rs = rstd[i];
    for (i32 j = c0; j < c1; j++) {
      dg[j] = dg[j] + di[j] * ((xi[j] - m) * rs);
      db[j] = db[j] + di[j];
    }
  }
}

/* ---------- token log-probabilities ---------- */

/* lp[i] = z[i, t_i] - logsumexp(z[i, :]); lse[i] saved for the backward. Rows [r0, r1). */
void logprobs_fwd(f32 *lp, f32 *lse, const f32 *z, const i32 *targets, i32 r0, i32 r1, i32 V) {
  for (i32 i = r0; i < r1; i++) {
    const f32 *zi = z + i * V;
    f32 mx = zi[0];
    for (i32 j = 1; j < V; j++) mx = zi[j] > mx ? zi[j] : mx;
    f32 s = 0.0f;
    for (i32 j = 0; j < V; j++) s = s + exp_f(zi[j] - mx);
    f32 l = mx + (f32)log_d((double)s);
    lse[i] = l;
    lp[i] = zi[targets[i]] - l;
  }
}

/* dz[i, :] = dlp[i] * (onehot(t_i) - softmax(z[i, :])) (dz may alias z). Rows [r0, r1). */
void logprobs_bwd(f32 *dz, const f32 *z, const f32 *lse, const i32 *targets, const f32 *dlp, i32 r0, i32 r1, i32 V) {
  for (i32 i = r0; i < r1; i++) {
    const f32 *zi = z + i * V;
    f32 *di = dz + i * V;
    f32 g = dlp[i], l = lse[i];
    i32 t = targets[i];
    for (i32 j = 0; j < V; j++) {
      f32 sm = exp_f(zi[j] - l);
      di[j] = g * ((j == t ? 1.0f : 0.0f) - sm);
    }
  }
}

/* Index of the largest logit per row (ties: lowest index), rows [r0, r1). */
void argmax_rows(i32 *out, const f32 *z, i32 r0, i32 r1, i32 V) {
  for (i32 i = r0; i < r1; i++) {
    const f32 *zi = z + i * V;
    i32 best = 0;
    f32 bv = zi[0];
    for (i32 j = 1; j < V; j++)
      if (zi[j] > bv) {
        bv = zi[j];
        best = j;
      }
    out[i] = best;
  }
}
