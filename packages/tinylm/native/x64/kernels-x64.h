/* The native kernels' entry points (matmul.c; native/attention.c, native/gelu.c) and their types. */
#pragma once
#include <stdint.h>

typedef float f32;
typedef int32_t i32;
typedef int64_t i64;

/* C[i, j] (+)= sum_k A(i, k) B[k, j], i in [r0, r1) (native/kernels.c's matmul); -1: out of memory. */
int matmul_avx2(f32 *C, const f32 *A, const f32 *B, i32 r0, i32 r1, i32 K, i32 N, i32 sai, i32 sak, i32 acc);
/* Free the calling thread's packing buffer. */
void matmul_release(void);

/* native/attention.c (see there) */
void keys_t(f32 *kT, const f32 *k, i32 b0, i32 b1, i32 Tn, i32 H, i32 dh, i32 ks, i32 kt, i32 ldT, i32 t0);
void attention_fwd(f32 *out, f32 *P, const f32 *q, const f32 *kT, const f32 *v, const i32 *pads, i32 b0, i32 b1, i32 Tq, i32 Tk, i32 H, i32 dh,
                   i32 qs, i32 qt, i32 ldT, i32 vs, i32 vt, i32 qoff, f32 scale);
void attention_bwd(f32 *dqkv, const f32 *dout, const f32 *P, const f32 *qkv, i32 b0, i32 b1, i32 T, i32 H, i32 dh, f32 scale, f32 *scratch);

/* native/gelu.c (see there) */
void gelu_fwd(f32 *y, f32 *t, const f32 *x, i32 i0, i32 i1);
void gelu_bwd(f32 *dx, const f32 *t, const f32 *x, const f32 *dy, i32 i0, i32 i1);

/* adamw.c: AdamW on the host's buffers (src/adamw.ts) */
double adamw_squares(const f32 *g, i64 n);
void adamw_update(f32 *params, const f32 *grads, f32 *m, f32 *v, const unsigned char *decay_mask, i64 n, double scale, double b1, double b2,
                  double c1, double c2, double eps, double lr, double decay);
