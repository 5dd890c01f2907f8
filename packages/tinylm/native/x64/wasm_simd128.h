/*
 * The WebAssembly SIMD operations tinylm's kernels use (native/simd.h, native/attention.c), on 8-lane
 * AVX2 vectors: native/x64/build.sh compiles attention.c with this header in place of clang's
 * <wasm_simd128.h> and VL = 8. Every operation acts lane by lane exactly as its WebAssembly namesake
 * (bitselect is only ever given comparison masks; trunc_sat saturates as WebAssembly does), and the
 * kernels' results never depend on which lane computes a value, so 8 lanes give the same bits as 4.
 */
#pragma once
#include <immintrin.h>
#define VL 8
typedef __m256 v128_t;
#define WASM_SHIM static inline __attribute__((always_inline, target("avx2")))
WASM_SHIM v128_t wasm_f32x4_splat(float x) { return _mm256_set1_ps(x); }
WASM_SHIM v128_t wasm_i32x4_splat(int x) { return _mm256_castsi256_ps(_mm256_set1_epi32(x)); }
WASM_SHIM v128_t wasm_f32x4_mul(v128_t a, v128_t b) { return _mm256_mul_ps(a, b); }
WASM_SHIM v128_t wasm_f32x4_add(v128_t a, v128_t b) { return _mm256_add_ps(a, b); }
WASM_SHIM v128_t wasm_f32x4_sub(v128_t a, v128_t b) { return _mm256_sub_ps(a, b); }
WASM_SHIM v128_t wasm_f32x4_div(v128_t a, v128_t b) { return _mm256_div_ps(a, b); }
WASM_SHIM v128_t wasm_f32x4_lt(v128_t a, v128_t b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
WASM_SHIM v128_t wasm_f32x4_gt(v128_t a, v128_t b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
WASM_SHIM v128_t wasm_v128_load(const void *p) { return _mm256_loadu_ps((const float *)p); }
WASM_SHIM void wasm_v128_store(void *p, v128_t v) { _mm256_storeu_ps((float *)p, v); }
/* (a & m) | (b & ~m) for a comparison mask m (all ones or all zeros per lane) */
WASM_SHIM v128_t wasm_v128_bitselect(v128_t a, v128_t b, v128_t m) { return _mm256_blendv_ps(b, a, m); }
WASM_SHIM v128_t wasm_i32x4_add(v128_t a, v128_t b) {
  return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(a), _mm256_castps_si256(b)));
}
WASM_SHIM v128_t wasm_i32x4_shl(v128_t a, int n) { return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(a), n)); }
WASM_SHIM v128_t wasm_f32x4_convert_i32x4(v128_t a) { return _mm256_cvtepi32_ps(_mm256_castps_si256(a)); }
/* float -> int32 truncation saturating as WebAssembly: NaN -> 0, too large -> INT32_MAX (too small -> INT32_MIN, as x86) */
WASM_SHIM v128_t wasm_i32x4_trunc_sat_f32x4(v128_t a) {
  __m256i t = _mm256_cvttps_epi32(a);
  __m256 big = _mm256_cmp_ps(a, _mm256_set1_ps(2147483648.0f), _CMP_GE_OQ);
  __m256 nan = _mm256_cmp_ps(a, a, _CMP_UNORD_Q);
  __m256 r = _mm256_blendv_ps(_mm256_castsi256_ps(t), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)), big);
  return _mm256_andnot_ps(nan, r);
}
