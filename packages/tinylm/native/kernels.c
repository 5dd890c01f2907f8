/*
 * tinylm's compute kernels: float32, row-major, compiled to WebAssembly (SIMD128) by native/build.sh.
 *
 * Rules that keep results bit-for-bit reproducible whatever the thread count:
 * - every output element is a sum over its contraction index in ascending order, started from 0 or from
 *   the value already in the output (accumulate), with a multiply then an add (no fused multiply-add);
 * - kernels take a row range [r0, r1) where callers split work across threads, and rows never share
 *   an output element, so splitting changes which thread computes a value, never how.
 * - no shadow-stack use (no local arrays): the module's memory is shared by several instances.
 */
#include <wasm_simd128.h>

typedef float f32;
typedef int i32;

/* ---------- scalar maths (no libc) ---------- */

static inline f32 as_f32(i32 bits) { return __builtin_bit_cast(f32, bits); }
static inline double as_f64(long long bits) { return __builtin_bit_cast(double, bits); }
static inline long long f64_bits(double x) { return __builtin_bit_cast(long long, x); }

/* e^x in float (Cody-Waite reduction, degree-6 polynomial; ~1 ulp); 0 below -87.3, clamped above 88. */
static inline f32 exp_f(f32 x) {
  f32 xc = x < -87.0f ? -87.0f : x;
  xc = xc > 88.0f ? 88.0f : xc;
  f32 y = xc * 1.44269504088896341f;
  f32 n = (f32)(i32)(y + (y < 0.0f ? -0.5f : 0.5f));
  f32 r = xc - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  f32 p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = ((p * r) * r + r) + 1.0f;
  f32 scale = as_f32(((i32)n + 127) << 23);
  return x < -87.3f ? 0.0f : p * scale;
}

/* exp_f on 4 lanes with exactly the same operations (so a value never depends on its lane or on the
   range split: the scalar tail and the vector body give identical bits). */
static inline v128_t exp_v(v128_t x) {
  v128_t lo = wasm_f32x4_splat(-87.0f), hi = wasm_f32x4_splat(88.0f);
  v128_t xc = wasm_v128_bitselect(lo, x, wasm_f32x4_lt(x, lo));
  xc = wasm_v128_bitselect(hi, xc, wasm_f32x4_gt(xc, hi));
  v128_t y = wasm_f32x4_mul(xc, wasm_f32x4_splat(1.44269504088896341f));
  v128_t half = wasm_v128_bitselect(wasm_f32x4_splat(-0.5f), wasm_f32x4_splat(0.5f), wasm_f32x4_lt(y, wasm_f32x4_splat(0.0f)));
  v128_t ni = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_add(y, half));
  v128_t n = wasm_f32x4_convert_i32x4(ni);
  v128_t r = wasm_f32x4_sub(xc, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_add(r, wasm_f32x4_mul(n, wasm_f32x4_splat(2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.0f));
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(ni, wasm_i32x4_splat(127)), 23);
  v128_t e = wasm_f32x4_mul(p, scale);
  return wasm_v128_bitselect(wasm_f32x4_splat(0.0f), e, wasm_f32x4_lt(x, wasm_f32x4_splat(-87.3f)));
}

/* natural log in double for positive finite x (frexp + atanh series; ~1e-15 relative). */
static double log_d(double x) {
  long long bits = f64_bits(x);
  int e = (int)((bits >> 52) & 0x7ff) - 1023;
  double m = as_f64((bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL); /* [1, 2) */
  if (m > 1.41421356237309505) {
    m *= 0.5;
    e += 1;
  }
  double s = (m - 1.0) / (m + 1.0);
  double s2 = s * s;
  double t = 1.0 / 19;
  t = t * s2 + 1.0 / 17;
  t = t * s2 + 1.0 / 15;
  t = t * s2 + 1.0 / 13;
  t = t * s2 + 1.0 / 11;
  t = t * s2 + 1.0 / 9;
  t = t * s2 + 1.0 / 7;
  t = t * s2 + 1.0 / 5;
  t = t * s2 + 1.0 / 3;
  t = t * s2 + 1.0;
  return 2.0 * s * t + e * 0.693147180559945309;
}

/* ---------- matrix products ---------- */

/*
 * C[i, j] (+)= sum_k A(i, k) B[k, j] for rows i in [r0, r1), where A(i, k) = A[i * sai + k * sak],
 * B is [K, N] row-major and C is [M, N] row-major. acc = 0 overwrites C, 1 adds to it.
 * x @ W is (sai, sak) = (K, 1); x^T @ dy (a weight gradient) is (sai, sak) = (1, M).
 */
void matmul(f32 *C, const f32 *A, const f32 *B, i32 r0, i32 r1, i32 K, i32 N, i32 sai, i32 sak, i32 acc) {
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

/* ---------- gelu_new ---------- */

#define GELU_C 0.7978845608028654f /* sqrt(2 / pi) */

/* tanh(u) = 1 - 2 / (e^(2u) + 1), y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): the scalar and
   4-lane versions perform the same operations in the same order. */
static inline f32 gelu_t(f32 v) {
  f32 u = GELU_C * (v + ((0.044715f * v) * v) * v);
  return 1.0f - 2.0f / (exp_f(2.0f * u) + 1.0f);
}
static inline v128_t gelu_tv(v128_t v) {
  v128_t c = wasm_f32x4_splat(0.044715f);
  v128_t u = wasm_f32x4_mul(wasm_f32x4_splat(GELU_C), wasm_f32x4_add(v, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(c, v), v), v)));
  v128_t e = exp_v(wasm_f32x4_mul(wasm_f32x4_splat(2.0f), u));
  return wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, wasm_f32x4_splat(1.0f))));
}

/* y = gelu_new(x) over [i0, i1). */
void gelu_fwd(f32 *y, const f32 *x, i32 i0, i32 i1) {
  i32 i = i0;
  v128_t half = wasm_f32x4_splat(0.5f), one = wasm_f32x4_splat(1.0f);
  for (; i + 4 <= i1; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(half, v), wasm_f32x4_add(one, gelu_tv(v))));
  }
  for (; i < i1; i++) {
    f32 v = x[i];
    y[i] = (0.5f * v) * (1.0f + gelu_t(v));
  }
}

/* dx = dy * gelu'(x) (may alias dy): 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2). */
void gelu_bwd(f32 *dx, const f32 *x, const f32 *dy, i32 i0, i32 i1) {
  i32 i = i0;
  v128_t half = wasm_f32x4_splat(0.5f), one = wasm_f32x4_splat(1.0f), gc = wasm_f32x4_splat(GELU_C), c3 = wasm_f32x4_splat(3.0f * 0.044715f);
  for (; i + 4 <= i1; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t t = gelu_tv(v);
    v128_t du = wasm_f32x4_mul(gc, wasm_f32x4_add(one, wasm_f32x4_mul(wasm_f32x4_mul(c3, v), v)));
    v128_t a = wasm_f32x4_mul(half, wasm_f32x4_add(one, t));
    v128_t b = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(half, v), wasm_f32x4_sub(one, wasm_f32x4_mul(t, t))), du);
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), wasm_f32x4_add(a, b)));
  }
  for (; i < i1; i++) {
    f32 v = x[i];
    f32 t = gelu_t(v);
    f32 du = GELU_C * (1.0f + ((3.0f * 0.044715f) * v) * v);
    dx[i] = dy[i] * (0.5f * (1.0f + t) + ((0.5f * v) * (1.0f - t * t)) * du);
  }
}

/* ---------- attention ---------- */

/* y += a x over n values (element-wise: the same bits with or without SIMD). */
static inline void axpy(f32 *y, f32 a, const f32 *x, i32 n) {
  i32 m = 0;
  v128_t av = wasm_f32x4_splat(a);
  for (; m + 4 <= n; m += 4) wasm_v128_store(y + m, wasm_f32x4_add(wasm_v128_load(y + m), wasm_f32x4_mul(av, wasm_v128_load(x + m))));
  for (; m < n; m++) y[m] = y[m] + a * x[m];
}

/* y[j] = x[j] * a over [0, n) (element-wise). */
static inline void scale_row(f32 *y, f32 a, i32 n) {
  i32 j = 0;
  v128_t av = wasm_f32x4_splat(a);
  for (; j + 4 <= n; j += 4) wasm_v128_store(y + j, wasm_f32x4_mul(wasm_v128_load(y + j), av));
  for (; j < n; j++) y[j] = y[j] * a;
}

/* y[j] = exp(y[j] - mx) over [0, n); returns the sum in index order. */
static inline f32 exp_row(f32 *y, f32 mx, i32 n) {
  i32 j = 0;
  v128_t m = wasm_f32x4_splat(mx);
  for (; j + 4 <= n; j += 4) wasm_v128_store(y + j, exp_v(wasm_f32x4_sub(wasm_v128_load(y + j), m)));
  for (; j < n; j++) y[j] = exp_f(y[j] - mx);
  f32 sum = 0.0f;
  for (j = 0; j < n; j++) sum = sum + y[j];
  return sum;
}

/* row[j] = sum_m q[m] xT[m * stride + j] for j in [0, n) (m order; 4 j at a time in registers). */
static inline void rows_dot(f32 *row, const f32 *q, const f32 *xT, i32 stride, i32 dh, i32 n) {
  i32 j = 0;
  for (; j + 4 <= n; j += 4) {
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

/* o[m] (+)= sum_j w[j] x[j * stride + m] over j in [0, n), j order; o stays in registers for dh 16 / 32. */
static inline void weighted_rows(f32 *o, const f32 *w, const f32 *x, i32 stride, i32 n, i32 dh) {
  if (dh == 16) {
    v128_t a0 = wasm_v128_load(o), a1 = wasm_v128_load(o + 4), a2 = wasm_v128_load(o + 8), a3 = wasm_v128_load(o + 12);
    for (i32 j = 0; j < n; j++) {
      const f32 *xj = x + j * stride;
      v128_t wj = wasm_f32x4_splat(w[j]);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wj, wasm_v128_load(xj)));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wj, wasm_v128_load(xj + 4)));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wj, wasm_v128_load(xj + 8)));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wj, wasm_v128_load(xj + 12)));
    }
    wasm_v128_store(o, a0); wasm_v128_store(o + 4, a1); wasm_v128_store(o + 8, a2); wasm_v128_store(o + 12, a3);
    return;
  }
  if (dh == 32) {
    for (i32 half = 0; half < 32; half += 16) weighted_rows(o + half, w, x + half, stride, n, 16);
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
        for (i32 j = 0; j < n; j++) {
          const f32 *kj = qkv + (b * T + j) * S + D + h * dh;
          f32 *dkj = dqkv + (b * T + j) * S + D + h * dh;
          f32 *dvj = dqkv + (b * T + j) * S + 2 * D + h * dh;
          f32 pj = p[j];
          f32 ds = pj * (dP[j] - sum) * scale;
          axpy(dvj, pj, doi, dh);
          axpy(dqi, ds, kj, dh);
          axpy(dkj, ds, qi, dh);
        }
      }
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
