/*
 * Shared helpers of tinylm's compute kernels (kernels.c, attention.c): float32, row-major, compiled to
 * WebAssembly (SIMD128, VL = 4 lanes) by native/build.sh; attention.c is also compiled for x86-64 with
 * 8-lane AVX2 vectors (VL = 8) by native/x64/build.sh, through native/x64/wasm_simd128.h.
 *
 * Rules that keep results bit-for-bit reproducible whatever the thread count:
 * - every output element is a sum over its contraction index in ascending order, started from 0 or from
 *   the value already in the output (accumulate), with a multiply then an add (no fused multiply-add);
 * - kernels take a row range [r0, r1) where callers split work across threads, and rows never share
 *   an output element, so splitting changes which thread computes a value, never how.
 * - no shadow-stack use (no local arrays): the module's memory is shared by several instances.
 */
#pragma once
#include <wasm_simd128.h>
#ifndef VL
#define VL 4 /* lanes of v128_t */
#endif

typedef float f32;
typedef int i32;

/* Vector code steps by VL lanes and never depends on which lane computes a value, so both builds give the
   same bits. */

/* ---------- scalar maths (no libc) ---------- */

/* bit casts through unions (C; clang and gcc, as the native build compiles attention.c with gcc) */
static inline f32 as_f32(i32 bits) {
  union { i32 i; f32 f; } u = { .i = bits };
  return u.f;
}
static inline double as_f64(long long bits) {
  union { long long i; double f; } u = { .i = bits };
  return u.f;
}
static inline long long f64_bits(double x) {
  union { double f; long long i; } u = { .f = x };
  return u.i;
}

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

/* exp_f on VL lanes with exactly the same operations (so a value never depends on its lane or on the
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
static inline double log_d(double x) {
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


/* y += a x over n values (element-wise: the same bits with or without SIMD). */
static inline void axpy(f32 *y, f32 a, const f32 *x, i32 n) {
  i32 m = 0;
  v128_t av = wasm_f32x4_splat(a);
  for (; m + VL <= n; m += VL) wasm_v128_store(y + m, wasm_f32x4_add(wasm_v128_load(y + m), wasm_f32x4_mul(av, wasm_v128_load(x + m))));
  for (; m < n; m++) y[m] = y[m] + a * x[m];
}
