/*
 * tinylm's native kernels as a Node-API addon (Linux x86-64, AVX2): the matrix product (matmul.c),
 * attention and gelu_new (native/attention.c, gelu.c compiled with 8-lane vectors), giving bit-for-bit the WebAssembly
 * kernels' results. They read and write the WebAssembly memory (a SharedArrayBuffer) passed as a
 * Uint8Array, at byte offsets, after checking every range they touch against it. Built by
 * native/x64/build.sh into prebuilds/linux-x64/tinylm-kernels.node.
 */
#include <node_api.h>
#include <stdio.h>

#include "kernels-x64.h"

/* ---------- Node-API binding ---------- */

static napi_value fail(napi_env env, const char *message) {
  napi_throw_range_error(env, "ERR_TINYLM_NATIVE", message);
  return NULL;
}

/* Does [off, off + 4 * count) lie in a memory of len bytes? (no overflow: off <= len is checked first) */
static int inside(i64 off, i64 count, size_t len) {
  return off >= 0 && count >= 0 && (off & 3) == 0 && off <= (i64)len && count <= ((i64)len - off) / 4;
}

/* The same for a count computed in double (products of up to four i32 sizes stay finite). */
static int inside_d(i64 off, double count, size_t len) {
  return off >= 0 && count >= 0 && (off & 3) == 0 && (double)off + 4.0 * count <= (double)len;
}

/* The kernels index the memory with 32-bit integers: a WebAssembly memory is at most 2 GiB. */
#define MAX_MEMORY 2147483648.0

/* A kernel call's arguments: the memory (a Uint8Array), then `n` numbers (i32 values, or one float). */
struct call {
  char *base;
  size_t len;
  i32 v[20];
  double d[20];
};

static int read_call(napi_env env, napi_callback_info info, size_t n, struct call *c, const char *name) {
  size_t argc = 21;
  napi_value argv[21];
  char message[160];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != n + 1) {
    snprintf(message, sizeof message, "tinylm native %s: expected %zu arguments", name, n + 1);
    fail(env, message);
    return 0;
  }
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  bool is_typed = false;
  napi_is_typedarray(env, argv[0], &is_typed);
  if (!is_typed || napi_get_typedarray_info(env, argv[0], &type, &c->len, &data, &buffer, &offset) != napi_ok || type != napi_uint8_array) {
    snprintf(message, sizeof message, "tinylm native %s: the first argument must be a Uint8Array over the kernel memory", name);
    fail(env, message);
    return 0;
  }
  if ((double)c->len > MAX_MEMORY) {
    snprintf(message, sizeof message, "tinylm native %s: the kernel memory is larger than 2 GiB", name);
    fail(env, message);
    return 0;
  }
  c->base = data;
  for (size_t q = 0; q < n; q++) {
    if (napi_get_value_double(env, argv[q + 1], &c->d[q]) != napi_ok || !(c->d[q] > -2147483649.0 && c->d[q] < 2147483648.0)) {
      snprintf(message, sizeof message, "tinylm native %s: arguments 2-%zu must be numbers in the int32 range", name, n + 1);
      fail(env, message);
      return 0;
    }
    c->v[q] = (i32)c->d[q];
  }
  return 1;
}

#define F32(q) ((f32 *)(c.base + c.v[q]))

/* matmul(memory: Uint8Array, C, A, B, r0, r1, K, N, sai, sak, acc): byte offsets C, A, B. */
static napi_value Matmul(napi_env env, napi_callback_info info) {
  struct call c;
  if (!read_call(env, info, 10, &c, "matmul")) return NULL;
  i32 r0 = c.v[3], r1 = c.v[4], K = c.v[5], N = c.v[6], sai = c.v[7], sak = c.v[8], acc = c.v[9];
  if (r0 < 0 || r1 < r0 || K < 0 || N < 0 || sai < 0 || sak < 0) return fail(env, "tinylm native matmul: negative size or range");
  i64 aspan = (r1 > r0 && K > 0) ? (i64)(r1 - 1) * sai + (i64)(K - 1) * sak + 1 : 0;
  if (!inside(c.v[0], (i64)r1 * N, c.len) || !inside(c.v[1], aspan, c.len) || !inside(c.v[2], (i64)K * N, c.len))
    return fail(env, "tinylm native matmul: an operand lies outside the kernel memory");
  if (matmul_avx2(F32(0), F32(1), F32(2), r0, r1, K, N, sai, sak, acc) != 0) {
    napi_throw_error(env, "ERR_TINYLM_NATIVE", "tinylm native matmul: out of memory for the packing buffer");
    return NULL;
  }
  return NULL;
}

/* keys_t(memory, kT, k, b0, b1, Tn, H, dh, ks, kt, ldT, t0) */
static napi_value KeysT(napi_env env, napi_callback_info info) {
  struct call c;
  if (!read_call(env, info, 11, &c, "keys_t")) return NULL;
  i32 b0 = c.v[2], b1 = c.v[3], Tn = c.v[4], H = c.v[5], dh = c.v[6], ks = c.v[7], kt = c.v[8], ldT = c.v[9], t0 = c.v[10];
  if (b0 < 0 || b1 < b0 || Tn < 0 || H < 0 || dh < 0 || ks < 0 || kt < 0 || ldT < 0 || t0 < 0)
    return fail(env, "tinylm native keys_t: negative size or range");
  if (b1 > b0 && Tn > 0 && H > 0 && dh > 0) {
    double kTspan = ((double)b1 * H * dh - 1) * ldT + t0 + Tn, kspan = (double)(b1 - 1) * ks + (double)(Tn - 1) * kt + (double)H * dh;
    if (!inside_d(c.v[0], kTspan, c.len) || !inside_d(c.v[1], kspan, c.len))
      return fail(env, "tinylm native keys_t: an operand lies outside the kernel memory");
  }
  keys_t(F32(0), F32(1), b0, b1, Tn, H, dh, ks, kt, ldT, t0);
  return NULL;
}

/* attention_fwd(memory, out, P, q, kT, v, pads (0: none), b0, b1, Tq, Tk, H, dh, qs, qt, ldT, vs, vt, qoff, scale) */
static napi_value AttentionFwd(napi_env env, napi_callback_info info) {
  struct call c;
  if (!read_call(env, info, 19, &c, "attention_fwd")) return NULL;
  i32 b0 = c.v[6], b1 = c.v[7], Tq = c.v[8], Tk = c.v[9], H = c.v[10], dh = c.v[11], qs = c.v[12], qt = c.v[13], ldT = c.v[14], vs = c.v[15],
      vt = c.v[16], qoff = c.v[17];
  for (int q = 6; q <= 17; q++)
    if (c.v[q] < 0) return fail(env, "tinylm native attention_fwd: negative size or range");
  if (b1 < b0) return fail(env, "tinylm native attention_fwd: negative size or range");
  if (b1 > b0) {
    /* the kernel touches out, P and pads even when some sizes are 0: refuse those (the engine never passes them) */
    if (Tq == 0 || Tk == 0 || H == 0 || dh == 0) return fail(env, "tinylm native attention_fwd: a zero size");
    if ((double)qoff + Tq > 2147483647.0) return fail(env, "tinylm native attention_fwd: qoff + Tq overflows");
    double D = (double)H * dh;
    int ok = inside_d(c.v[0], (double)b1 * Tq * D, c.len) && inside_d(c.v[1], (double)b1 * H * Tq * Tk, c.len) &&
             inside_d(c.v[2], (double)(b1 - 1) * qs + (double)(Tq - 1) * qt + D, c.len) &&
             inside_d(c.v[3], ((double)b1 * H * dh - 1) * ldT + Tk, c.len) &&
             inside_d(c.v[4], (double)(b1 - 1) * vs + (double)(Tk - 1) * vt + D, c.len) && (c.v[5] == 0 || inside(c.v[5], b1, c.len));
    if (!ok) return fail(env, "tinylm native attention_fwd: an operand lies outside the kernel memory");
    /* (a negative padding length, even one written between this check and its use, is read as 0) */
  }
  attention_fwd(F32(0), F32(1), F32(2), F32(3), F32(4), c.v[5] ? (const i32 *)(c.base + c.v[5]) : NULL, b0, b1, Tq, Tk, H, dh, qs, qt, ldT,
                vs, vt, qoff, (f32)c.d[18]);
  return NULL;
}

/* attention_bwd(memory, dqkv, dout, P, qkv, b0, b1, T, H, dh, scale, scratch) */
static napi_value AttentionBwd(napi_env env, napi_callback_info info) {
  struct call c;
  if (!read_call(env, info, 11, &c, "attention_bwd")) return NULL;
  i32 b0 = c.v[4], b1 = c.v[5], T = c.v[6], H = c.v[7], dh = c.v[8];
  if (b0 < 0 || b1 < b0 || T < 0 || H < 0 || dh < 0) return fail(env, "tinylm native attention_bwd: negative size or range");
  if (b1 > b0) {
    if (T == 0 || H == 0 || dh == 0) return fail(env, "tinylm native attention_bwd: a zero size");
    double D = (double)H * dh;
    int ok = inside_d(c.v[0], (double)b1 * T * 3 * D, c.len) && inside_d(c.v[1], (double)b1 * T * D, c.len) &&
             inside_d(c.v[2], (double)b1 * H * T * T, c.len) && inside_d(c.v[3], (double)b1 * T * 3 * D, c.len) &&
             inside_d(c.v[10], (double)b1 * (dh + 1) * T, c.len);
    if (!ok) return fail(env, "tinylm native attention_bwd: an operand lies outside the kernel memory");
  }
  attention_bwd(F32(0), F32(1), F32(2), F32(3), b0, b1, T, H, dh, (f32)c.d[9], F32(10));
  return NULL;
}

/* gelu_fwd(memory, y, t (0: none), x, i0, i1) */
static napi_value GeluFwd(napi_env env, napi_callback_info info) {
  struct call c;
  if (!read_call(env, info, 5, &c, "gelu_fwd")) return NULL;
  i32 i0 = c.v[3], i1 = c.v[4];
  if (i0 < 0 || i1 < i0) return fail(env, "tinylm native gelu_fwd: negative size or range");
  if (!inside(c.v[0], i1, c.len) || (c.v[1] != 0 && !inside(c.v[1], i1, c.len)) || !inside(c.v[2], i1, c.len))
    return fail(env, "tinylm native gelu_fwd: an operand lies outside the kernel memory");
  gelu_fwd(F32(0), c.v[1] ? F32(1) : NULL, F32(2), i0, i1);
  return NULL;
}

/* gelu_bwd(memory, dx, t, x, dy, i0, i1) */
static napi_value GeluBwd(napi_env env, napi_callback_info info) {
  struct call c;
  if (!read_call(env, info, 6, &c, "gelu_bwd")) return NULL;
  i32 i0 = c.v[4], i1 = c.v[5];
  if (i0 < 0 || i1 < i0) return fail(env, "tinylm native gelu_bwd: negative size or range");
  for (int q = 0; q < 4; q++)
    if (!inside(c.v[q], i1, c.len)) return fail(env, "tinylm native gelu_bwd: an operand lies outside the kernel memory");
  gelu_bwd(F32(0), F32(1), F32(2), F32(3), i0, i1);
  return NULL;
}

/* ---------- AdamW on JavaScript typed arrays (src/adamw.ts) ---------- */

/* The data and length of a typed array argument of the given type, or NULL (an exception is pending). */
static void *typed(napi_env env, napi_value value, napi_typedarray_type want, size_t *length, const char *what) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  napi_is_typedarray(env, value, &is_typed);
  if (!is_typed || napi_get_typedarray_info(env, value, &type, length, &data, &buffer, &offset) != napi_ok || type != want) {
    fail(env, what);
    return NULL;
  }
  return data;
}

/* adamw_squares(grads: Float32Array): sum of grads[i]^2 in index order, in double. */
static napi_value AdamwSquares(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  size_t n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1) return fail(env, "tinylm native adamw_squares: expected 1 argument");
  const f32 *g = typed(env, argv[0], napi_float32_array, &n, "tinylm native adamw_squares: expected a Float32Array");
  if (!g) return NULL;
  napi_value out;
  napi_create_double(env, adamw_squares(g, (i64)n), &out);
  return out;
}

/* adamw_update(params, grads, m, v: Float32Array, decayMask: Uint8Array, scale, b1, b2, c1, c2, eps, lr, decay) */
static napi_value AdamwUpdate(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 13) return fail(env, "tinylm native adamw_update: expected 13 arguments");
  size_t n[5];
  f32 *arrays[4];
  for (int q = 0; q < 4; q++) {
    arrays[q] = typed(env, argv[q], napi_float32_array, &n[q], "tinylm native adamw_update: arguments 1-4 must be Float32Arrays");
    if (!arrays[q]) return NULL;
  }
  const unsigned char *mask = typed(env, argv[4], napi_uint8_array, &n[4], "tinylm native adamw_update: argument 5 must be a Uint8Array");
  if (!mask) return NULL;
  for (int q = 1; q < 5; q++)
    if (n[q] != n[0]) return fail(env, "tinylm native adamw_update: the arrays differ in length");
  double d[8];
  for (int q = 0; q < 8; q++)
    if (napi_get_value_double(env, argv[q + 5], &d[q]) != napi_ok) return fail(env, "tinylm native adamw_update: arguments 6-13 must be numbers");
  adamw_update(arrays[0], arrays[1], arrays[2], arrays[3], mask, (i64)n[0], d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
  return NULL;
}

/* release(): free the calling thread's buffers (the kernel worker calls it before it ends). */
static napi_value Release(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  matmul_release();
  return NULL;
}

/* avx2(): can this CPU run the kernels? */
static napi_value Avx2(napi_env env, napi_callback_info info) {
  (void)info;
  __builtin_cpu_init();
  napi_value out;
  napi_get_boolean(env, __builtin_cpu_supports("avx2") != 0, &out);
  return out;
}

static void export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

/* The kernels are exported only when the CPU has AVX2 (their code uses it); avx2() always. */
NAPI_MODULE_INIT() {
  export_fn(env, exports, "avx2", Avx2);
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2")) return exports;
  export_fn(env, exports, "matmul", Matmul);
  export_fn(env, exports, "keys_t", KeysT);
  export_fn(env, exports, "attention_fwd", AttentionFwd);
  export_fn(env, exports, "attention_bwd", AttentionBwd);
  export_fn(env, exports, "gelu_fwd", GeluFwd);
  export_fn(env, exports, "gelu_bwd", GeluBwd);
  export_fn(env, exports, "adamw_squares", AdamwSquares);
  export_fn(env, exports, "adamw_update", AdamwUpdate);
  export_fn(env, exports, "release", Release);
  return exports;
}
