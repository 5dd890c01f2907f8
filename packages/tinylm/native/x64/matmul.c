/*
 * tinylm's native matrix product for x86-64 with AVX2: the contract of matmul in native/kernels.c on
 * 256-bit vectors (6x16 register blocks over packed panels of B), giving bit-for-bit the WebAssembly
 * kernel's results. Each output element is summed over k in ascending order, from 0 or from the value
 * already in C, with a multiply then an add (no fused multiply-add: built without -mfma and with
 * -ffp-contract=off); the blocking of rows, columns and k only changes which elements are computed
 * together, never how one is computed. Built by native/x64/build.sh.
 */
#include <immintrin.h>
#include <stdlib.h>

#include "kernels-x64.h"

#define AVX2_INLINE __attribute__((target("avx2"), always_inline)) static inline
#define AVX2_FN __attribute__((target("avx2"), noinline)) static

/*
 * C rows [i, i + R), columns [0, W) (+)= A rows @ B for one block of k, B unpacked (row stride N, as C's):
 * the last W = N % 16 columns, which the packed panels (rows_packed) leave; R is a compile-time constant
 * (6, 4 or 1).
 */
AVX2_INLINE void rows(int R, f32 *C, const f32 *A, const f32 *B, i32 i, i32 K, i32 N, i32 W, i32 sai, i32 sak, i32 acc) {
  const f32 *a[6];
  f32 *c[6];
  for (int r = 0; r < R; r++) {
    a[r] = A + (i64)(i + r) * sai;
    c[r] = C + (i64)(i + r) * N;
  }
  i32 j = 0;
  for (; j + 8 <= W; j += 8) {
    __m256 s[6];
    for (int r = 0; r < R; r++) s[r] = acc ? _mm256_loadu_ps(c[r] + j) : _mm256_setzero_ps();
    const f32 *b = B + j;
    for (i32 k = 0; k < K; k++, b += N) {
      __m256 b0 = _mm256_loadu_ps(b);
      i64 ka = (i64)k * sak;
      for (int r = 0; r < R; r++) s[r] = _mm256_add_ps(s[r], _mm256_mul_ps(_mm256_broadcast_ss(a[r] + ka), b0));
    }
    for (int r = 0; r < R; r++) _mm256_storeu_ps(c[r] + j, s[r]);
  }
  for (; j + 4 <= W; j += 4) {
    __m128 s[6];
    for (int r = 0; r < R; r++) s[r] = acc ? _mm_loadu_ps(c[r] + j) : _mm_setzero_ps();
    const f32 *b = B + j;
    for (i32 k = 0; k < K; k++, b += N) {
      __m128 b0 = _mm_loadu_ps(b);
      i64 ka = (i64)k * sak;
      for (int r = 0; r < R; r++) s[r] = _mm_add_ps(s[r], _mm_mul_ps(_mm_broadcast_ss(a[r] + ka), b0));
    }
    for (int r = 0; r < R; r++) _mm_storeu_ps(c[r] + j, s[r]);
  }
  for (; j < W; j++) {
    for (int r = 0; r < R; r++) {
      f32 s = acc ? c[r][j] : 0.0f;
      for (i32 k = 0; k < K; k++) s = s + a[r][(i64)k * sak] * B[(i64)k * N + j];
      c[r][j] = s;
    }
  }
}

/*
 * C rows [i, i + R) (+)= A rows @ B over the 16-column panels of a packed block of B: Bp[p][k][0..16) is
 * B[k, 16 p .. 16 p + 16), so the kernel reads B sequentially.
 */
AVX2_INLINE void rows_packed(int R, f32 *C, const f32 *A, const f32 *Bp, i32 i, i32 K, i32 N, i32 panels, i32 sai, i32 sak, i32 acc) {
  const f32 *a[6];
  f32 *c[6];
  for (int r = 0; r < R; r++) {
    a[r] = A + (i64)(i + r) * sai;
    c[r] = C + (i64)(i + r) * N;
  }
  for (i32 p = 0; p < panels; p++) {
    i32 j = p * 16;
    __m256 s[6][2];
    for (int r = 0; r < R; r++) {
      s[r][0] = acc ? _mm256_loadu_ps(c[r] + j) : _mm256_setzero_ps();
      s[r][1] = acc ? _mm256_loadu_ps(c[r] + j + 8) : _mm256_setzero_ps();
    }
    const f32 *b = Bp + (i64)p * K * 16;
    for (i32 k = 0; k < K; k++, b += 16) {
      __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
      i64 ka = (i64)k * sak;
      for (int r = 0; r < R; r++) {
        __m256 x = _mm256_broadcast_ss(a[r] + ka);
        s[r][0] = _mm256_add_ps(s[r][0], _mm256_mul_ps(x, b0));
        s[r][1] = _mm256_add_ps(s[r][1], _mm256_mul_ps(x, b1));
      }
    }
    for (int r = 0; r < R; r++) {
      _mm256_storeu_ps(c[r] + j, s[r][0]);
      _mm256_storeu_ps(c[r] + j + 8, s[r][1]);
    }
  }
}

#define ROWS_FN(R)                                                                                                    \
  AVX2_FN void rows##R(f32 *C, const f32 *A, const f32 *B, i32 i, i32 K, i32 N, i32 W, i32 sai, i32 sak, i32 acc) {  \
    rows(R, C, A, B, i, K, N, W, sai, sak, acc);                                                                      \
  }                                                                                                                   \
  AVX2_FN void packed##R(f32 *C, const f32 *A, const f32 *Bp, i32 i, i32 K, i32 N, i32 np, i32 sai, i32 sak, i32 acc) { \
    rows_packed(R, C, A, Bp, i, K, N, np, sai, sak, acc);                                                             \
  }
ROWS_FN(6)
ROWS_FN(4)
ROWS_FN(1)

/*
 * Each thread's buffer for a packed block of B, grown as needed; matmul_release() frees the calling
 * thread's (the worker calls it before it ends). Thread-local storage keeps the addon free of the
 * pthread_key_* symbols that glibc 2.34 re-versioned, so it loads on older glibc too.
 */
static __thread f32 *pack_data;
static __thread i64 pack_capacity; /* floats */

static f32 *pack_buffer(i64 floats) {
  if (floats > pack_capacity) {
    void *mem = NULL;
    if (posix_memalign(&mem, 64, (size_t)floats * sizeof(f32)) != 0) return NULL;
    free(pack_data);
    pack_data = mem;
    pack_capacity = floats;
  }
  return pack_data;
}

void matmul_release(void) {
  free(pack_data);
  pack_data = NULL;
  pack_capacity = 0;
}

/*
 * The contract of matmul in native/kernels.c: C[i, j] (+)= sum_k A(i, k) B[k, j], i in [r0, r1).
 * k is cut into blocks whose slice of B (about 256 KB) is packed into 16-column panels; the last N % 16
 * columns are read unpacked. Returns 0, or -1 when the packing buffer could not be allocated.
 */
int matmul_avx2(f32 *C, const f32 *A, const f32 *B, i32 r0, i32 r1, i32 K, i32 N, i32 sai, i32 sak, i32 acc) {
  i32 kc = 65536 / (N > 0 ? N : 1);
  if (kc < 32) kc = 32;
  i32 panels = N / 16, tail = panels * 16;
  f32 *pack = panels > 0 && K > 0 ? pack_buffer((i64)panels * (K < kc ? K : kc) * 16) : NULL;
  if (panels > 0 && K > 0 && !pack) return -1;
  for (i32 k0 = 0; k0 < K; k0 += kc) {
    i32 kn = K - k0 < kc ? K - k0 : kc;
    const f32 *Ak = A + (i64)k0 * sak, *Bk = B + (i64)k0 * N;
    i32 ac = acc || k0 > 0;
    for (i32 p = 0; p < panels; p++)
      for (i32 k = 0; k < kn; k++) {
        const f32 *src = Bk + (i64)k * N + p * 16;
        f32 *dst = pack + ((i64)p * kn + k) * 16;
        for (int q = 0; q < 16; q++) dst[q] = src[q];
      }
    i32 i = r0;
    if (panels > 0) {
      for (; i + 6 <= r1; i += 6) packed6(C, Ak, pack, i, kn, N, panels, sai, sak, ac);
      for (; i + 4 <= r1; i += 4) packed4(C, Ak, pack, i, kn, N, panels, sai, sak, ac);
      for (; i < r1; i++) packed1(C, Ak, pack, i, kn, N, panels, sai, sak, ac);
    }
    if (tail < N) {
      i = r0;
      for (; i + 6 <= r1; i += 6) rows6(C + tail, Ak, Bk + tail, i, kn, N, N - tail, sai, sak, ac);
      for (; i + 4 <= r1; i += 4) rows4(C + tail, Ak, Bk + tail, i, kn, N, N - tail, sai, sak, ac);
      for (; i < r1; i++) rows1(C + tail, Ak, Bk + tail, i, kn, N, N - tail, sai, sak, ac);
    }
  }
  if (K == 0 && !acc)
    for (i32 i = r0; i < r1; i++)
      for (i32 j = 0; j < N; j++) C[(i64)i * N + j] = 0.0f;
  return 0;
}

