/*
 * AdamW's update on the host's float32 buffers (src/adamw.ts's loops, compiled with AVX2): the same
 * operations in double precision in the same order as the JavaScript, so the same bits (IEEE
 * multiply, add, divide and square root are correctly rounded in both; no contraction, no reassociation).
 */
#include <math.h>

#include "kernels-x64.h"

double adamw_squares(const f32 *g, i64 n) {
  double sq = 0.0;
  for (i64 i = 0; i < n; i++) sq += (double)g[i] * (double)g[i]; /* index order, as the JavaScript sums */
  return sq;
}

void adamw_update(f32 *params, const f32 *grads, f32 *m, f32 *v, const unsigned char *decay_mask, i64 n, double scale, double b1, double b2,
                  double c1, double c2, double eps, double lr, double decay) {
  for (i64 i = 0; i < n; i++) {
    double g = (double)grads[i] * scale;
    double mi = b1 * (double)m[i] + (1 - b1) * g;
    double vi = b2 * (double)v[i] + (1 - b2) * g * g;
    m[i] = (f32)mi;
    v[i] = (f32)vi;
    double p = params[i];
    if (decay != 0 && decay_mask[i] == 1) p -= decay * p;
    params[i] = (f32)(p - (lr * (mi * c1)) / (sqrt(vi * c2) + eps));
  }
}
