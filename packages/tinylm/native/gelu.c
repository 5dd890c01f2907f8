/* tinylm kernels: gelu_new and its gradient (see simd.h; also compiled with 8-lane vectors by native/x64/build.sh). */
#include "simd.h"

#define GELU_C 0.7978845608028654f /* sqrt(2 / pi) */

/* tanh(u) = 1 - 2 / (e^(2u) + 1), y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): the scalar and
   VL-lane versions perform the same operations in the same order. */
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

/* y = gelu_new(x) over [i0, i1); when t is not null it keeps tanh(.) for the backward pass. */
void gelu_fwd(f32 *y, f32 *t, const f32 *x, i32 i0, i32 i1) {
  i32 i = i0;
  v128_t half = wasm_f32x4_splat(0.5f), one = wasm_f32x4_splat(1.0f);
  for (; i + VL <= i1; i += VL) {
    v128_t v = wasm_v128_load(x + i);
    v128_t th = gelu_tv(v);
    if (t) wasm_v128_store(t + i, th);
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(half, v), wasm_f32x4_add(one, th)));
  }
  for (; i < i1; i++) {
    f32 v = x[i];
    f32 th = gelu_t(v);
    if (t) t[i] = th;
    y[i] = (0.5f * v) * (1.0f + th);
  }
}

/* dx = dy * gelu'(x) (may alias dy) from the saved tanh t: 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2). */
void gelu_bwd(f32 *dx, const f32 *t, const f32 *x, const f32 *dy, i32 i0, i32 i1) {
  i32 i = i0;
  v128_t half = wasm_f32x4_splat(0.5f), one = wasm_f32x4_splat(1.0f), gc = wasm_f32x4_splat(GELU_C), c3 = wasm_f32x4_splat(3.0f * 0.044715f);
  for (; i + VL <= i1; i += VL) {
    v128_t v = wasm_v128_load(x + i);
    v128_t th = wasm_v128_load(t + i);
    v128_t du = wasm_f32x4_mul(gc, wasm_f32x4_add(one, wasm_f32x4_mul(wasm_f32x4_mul(c3, v), v)));
    v128_t a = wasm_f32x4_mul(half, wasm_f32x4_add(one, th));
    v128_t b = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(half, v), wasm_f32x4_sub(one, wasm_f32x4_mul(th, th))), du);
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), wasm_f32x4_add(a, b)));
  }
  for (; i < i1; i++) {
    f32 v = x[i];
    f32 th = t[i];
    f32 du = GELU_C * (1.0f + ((3.0f * 0.044715f) * v) * v);
    dx[i] = dy[i] * (0.5f * (1.0f + th) + ((0.5f * v) * (1.0f - th * th)) * du);
  }
}
