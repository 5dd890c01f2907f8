/*
 * TIES / task arithmetic on bf16 tensors, block by block, in WebAssembly SIMD128: the kernel behind
 * src/engine/blocked-wasm.ts. Every value is computed with exactly the float32 operations and bf16
 * roundings of src/engine/blocked.ts (mergekit's precision steps), so both give identical bits:
 *   delta_i = bf16(f32(m_i) - f32(base))
 *   x_i     = bf16(trim(delta_i) * w_i)           trim: |x| > threshold, or == threshold while quota lasts
 *   mixed   = consensus mix (2 models: a0*x0 + a1*x1 in one rounding; more: sequential sums from 0)
 *             or the plain sum from 0; bf16; then / divisor (bf16), * lambda (bf16)
 *   out     = bf16(base + mixed)
 * Built by native/build.sh (clang --target=wasm32 -msimd128, no libc); one instance per thread.
 */
#include <wasm_simd128.h>

typedef unsigned short u16;
typedef unsigned int u32;
typedef int i32;
typedef float f32;

#define MAX_MODELS 8

/* ---------- bf16 rounding of float32 bits: nearest even; infinities stay; NaN stays a quiet NaN ---------- */

static inline u32 round_bits(u32 u) {
  if ((u & 0x7f800000u) == 0x7f800000u) return (u & 0xffff0000u) | ((u & 0x7fffffu) != 0 ? 0x400000u : 0);
  return (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
}
static inline f32 widen(u16 h) { return __builtin_bit_cast(f32, (u32)h << 16); }

static inline v128_t round_special(v128_t u, v128_t normal, v128_t special) {
  v128_t nan = wasm_v128_not(wasm_i32x4_eq(wasm_v128_and(u, wasm_i32x4_const_splat(0x7fffff)), wasm_i32x4_const_splat(0)));
  v128_t spec = wasm_v128_or(wasm_v128_and(u, wasm_i32x4_const_splat((i32)0xffff0000)), wasm_v128_and(nan, wasm_i32x4_const_splat(0x400000)));
  return wasm_v128_bitselect(spec, normal, special);
}

/* round_bits on 4 lanes; the lanes holding infinities or NaN (rare) are fixed up on a separate path */
static inline v128_t round_v(v128_t u) {
  const v128_t exp = wasm_i32x4_const_splat(0x7f800000);
  v128_t lsb = wasm_v128_and(wasm_u32x4_shr(u, 16), wasm_i32x4_const_splat(1));
  v128_t normal = wasm_v128_and(wasm_i32x4_add(wasm_i32x4_add(u, wasm_i32x4_const_splat(0x7fff)), lsb), wasm_i32x4_const_splat((i32)0xffff0000));
  v128_t special = wasm_i32x4_eq(wasm_v128_and(u, exp), exp);
  if (__builtin_expect(wasm_v128_any_true(special), 0)) return round_special(u, normal, special);
  return normal;
}

/* 8 bf16 values <-> two float32x4 halves */
static inline v128_t lo_f(v128_t h) { return wasm_i32x4_shl(wasm_u32x4_extend_low_u16x8(h), 16); }
static inline v128_t hi_f(v128_t h) { return wasm_i32x4_shl(wasm_u32x4_extend_high_u16x8(h), 16); }
static inline v128_t pack(v128_t a, v128_t b) { return wasm_u16x8_narrow_i32x4(wasm_u32x4_shr(a, 16), wasm_u32x4_shr(b, 16)); }

/* round_bits without the infinity / NaN fix-up: exact when no NaN can occur (see mix2_consensus) */
static inline v128_t round_fast(v128_t u) {
  v128_t lsb = wasm_v128_and(wasm_u32x4_shr(u, 16), wasm_i32x4_const_splat(1));
  return wasm_v128_and(wasm_i32x4_add(wasm_i32x4_add(u, wasm_i32x4_const_splat(0x7fff)), lsb), wasm_i32x4_const_splat((i32)0xffff0000));
}

/* |x| below 2^24 for every bf16 value of the three streams (no infinity, no NaN) */
static int chunk_small(const u16 *b, const u16 *m0, const u16 *m1, u32 n8) {
  const v128_t mask = wasm_i16x8_const_splat(0x7fff);
  v128_t acc = wasm_i16x8_const_splat(0);
  for (u32 j = 0; j < n8; j += 8) {
    v128_t x = wasm_u16x8_max(wasm_v128_and(wasm_v128_load(b + j), mask), wasm_v128_and(wasm_v128_load(m0 + j), mask));
    acc = wasm_u16x8_max(acc, wasm_u16x8_max(x, wasm_v128_and(wasm_v128_load(m1 + j), mask)));
  }
  return !wasm_v128_any_true(wasm_u16x8_gt(acc, wasm_i16x8_const_splat(0x4b7f)));
}

#define CHUNK 2048u

/* ---------- pass 1: task vectors (in place over the model block) and their magnitude histogram ---------- */

/** m[j] := bf16(f32(m[j]) - f32(base[j])) for j < n. */
void delta_bf16(const u16 *base, u16 *m, u32 n) {
  u32 j = 0;
  for (; j + 8 <= n; j += 8) {
    v128_t b = wasm_v128_load(base + j), x = wasm_v128_load(m + j);
    v128_t d0 = round_v(wasm_f32x4_sub(lo_f(x), lo_f(b)));
    v128_t d1 = round_v(wasm_f32x4_sub(hi_f(x), hi_f(b)));
    wasm_v128_store(m + j, pack(d0, d1));
  }
  for (; j < n; j++) m[j] = (u16)(round_bits(__builtin_bit_cast(u32, widen(m[j]) - widen(base[j]))) >> 16);
}

/**
 * delta_bf16 and hist_bf16 in one pass: m[j] := its task vector; when hist is not 0, hist[|m[j]|] += 1.
 * Four sub-histograms (hist, hist + 32768, ...) take alternate elements so that runs of equal
 * magnitudes do not wait on each other's increments; the caller adds them up.
 */
void hist_delta_bf16(const u16 *base, u16 *m, u32 *hist, u32 n) {
  u32 j = 0;
  while (j + 8 <= n) {
    const u32 len = ((n - j) & ~7u) < CHUNK ? ((n - j) & ~7u) : CHUNK;
    const int fast = chunk_small(base + j, m + j, m + j, len);
    for (const u32 stop = j + len; j < stop; j += 8) {
      v128_t b = wasm_v128_load(base + j), x = wasm_v128_load(m + j), d;
      if (fast) {
        /* even elements in the high halves of 32-bit lanes, odd ones masked in place: no unpacking; no
           NaN can occur (finite inputs below 2^24), so the rounding needs no fix-up, and the even
           lanes no final mask (the packing shifts their low half out) */
        const v128_t hi = wasm_i32x4_const_splat((i32)0xffff0000);
        v128_t de = wasm_f32x4_sub(wasm_i32x4_shl(x, 16), wasm_i32x4_shl(b, 16));
        v128_t dd = wasm_f32x4_sub(wasm_v128_and(x, hi), wasm_v128_and(b, hi));
        de = wasm_i32x4_add(wasm_i32x4_add(de, wasm_i32x4_const_splat(0x7fff)), wasm_v128_and(wasm_u32x4_shr(de, 16), wasm_i32x4_const_splat(1)));
        dd = round_fast(dd);
        d = wasm_v128_or(wasm_u32x4_shr(de, 16), dd);
      } else {
        d = pack(round_v(wasm_f32x4_sub(lo_f(x), lo_f(b))), round_v(wasm_f32x4_sub(hi_f(x), hi_f(b))));
      }
      wasm_v128_store(m + j, d);
      if (hist) {
        v128_t mag = wasm_v128_and(d, wasm_i16x8_const_splat(0x7fff));
        hist[wasm_u16x8_extract_lane(mag, 0)]++;
        hist[32768 + wasm_u16x8_extract_lane(mag, 1)]++;
        hist[65536 + wasm_u16x8_extract_lane(mag, 2)]++;
        hist[98304 + wasm_u16x8_extract_lane(mag, 3)]++;
        hist[wasm_u16x8_extract_lane(mag, 4)]++;
        hist[32768 + wasm_u16x8_extract_lane(mag, 5)]++;
        hist[65536 + wasm_u16x8_extract_lane(mag, 6)]++;
        hist[98304 + wasm_u16x8_extract_lane(mag, 7)]++;
      }
    }
  }
  for (; j < n; j++) {
    m[j] = (u16)(round_bits(__builtin_bit_cast(u32, widen(m[j]) - widen(base[j]))) >> 16);
    if (hist) hist[m[j] & 0x7fffu]++;
  }
}

/** hist[|d| as bf16 bits] += 1 for j < n (the high half of the float32 magnitude: its low half is 0). */
void hist_bf16(const u16 *d, u32 *hist, u32 n) {
  for (u32 j = 0; j < n; j++) hist[d[j] & 0x7fffu]++;
}

/* ---------- pass 2: trim, weight, mix, add to the base ---------- */

/*
 * The settings of pass 2, written by the caller into memory:
 *   models[i]     raw block of model i (bf16 bits): its task vector is computed here as in delta_bf16
 *   weights[i]    w_i (a bf16 value), thresholds[i] magnitude bits, trim[i] 0/1, remaining[i] the quota
 *                 of entries equal to the threshold still to keep (updated: blocks run in index order)
 */
typedef struct {
  const u16 *models[MAX_MODELS];
  f32 weights[MAX_MODELS];
  u32 thresholds[MAX_MODELS];
  i32 trim[MAX_MODELS];
  i32 remaining[MAX_MODELS];
  i32 count;
  i32 consensus;
  i32 normalize;
  f32 lambda;
  f32 const_divisor;
  i32 deltas; /* 1: models[i] already hold the task vectors (hist_delta_bf16), 0: raw weights */
} Settings;

static Settings settings;

Settings *settings_ptr(void) { return &settings; }

/* Trim (forward declaration order: trim_v is defined below) */
static inline v128_t trim_v(v128_t d, v128_t thr, i32 *remaining);

/* One model's x = bf16(trim(delta) * w) on 4 lanes starting at element j (quota handled lane by lane). */
static inline v128_t weighted(i32 i, v128_t d, u32 j) {
  (void)j;
  if (settings.trim[i]) d = trim_v(d, wasm_i32x4_splat((i32)settings.thresholds[i]), &settings.remaining[i]);
  return round_v(wasm_f32x4_mul(d, wasm_f32x4_splat(settings.weights[i])));
}

/* Mix 4 lanes of the weighted task vectors xs[0..count) and add them to the base b (float32 bits). */
static inline v128_t mix(const v128_t *xs, v128_t b) {
  const i32 count = settings.count;
  const v128_t zero = wasm_f32x4_splat(0.0f), one = wasm_f32x4_splat(1.0f);
  v128_t mixed, divisor = zero;
  if (settings.consensus) {
    v128_t sum = xs[0];
    for (i32 i = 1; i < count; i++) sum = wasm_f32x4_add(sum, xs[i]);
    v128_t e = wasm_v128_bitselect(one, wasm_f32x4_splat(-1.0f), wasm_f32x4_ge(sum, zero));
    if (count == 2) {
      v128_t a0 = wasm_v128_and(wasm_f32x4_gt(wasm_f32x4_mul(xs[0], e), zero), one);
      v128_t a1 = wasm_v128_and(wasm_f32x4_gt(wasm_f32x4_mul(xs[1], e), zero), one);
      mixed = wasm_f32x4_add(wasm_f32x4_mul(a0, xs[0]), wasm_f32x4_mul(a1, xs[1]));
      divisor = wasm_f32x4_add(wasm_f32x4_mul(a0, wasm_f32x4_splat(settings.weights[0])), wasm_f32x4_mul(a1, wasm_f32x4_splat(settings.weights[1])));
    } else {
      mixed = zero;
      for (i32 i = 0; i < count; i++) {
        v128_t a = wasm_v128_and(wasm_f32x4_gt(wasm_f32x4_mul(xs[i], e), zero), one);
        mixed = wasm_f32x4_add(mixed, wasm_f32x4_mul(a, xs[i]));
        divisor = wasm_f32x4_add(divisor, wasm_f32x4_mul(a, wasm_f32x4_splat(settings.weights[i])));
      }
    }
  } else {
    mixed = zero;
    for (i32 i = 0; i < count; i++) mixed = wasm_f32x4_add(mixed, xs[i]);
  }
  mixed = round_v(mixed);
  if (settings.normalize) {
    if (settings.consensus) {
      divisor = round_v(divisor);
      divisor = wasm_f32x4_add(divisor, wasm_v128_and(wasm_f32x4_eq(divisor, zero), one));
      mixed = round_v(wasm_f32x4_div(mixed, divisor));
    } else {
      mixed = round_v(wasm_f32x4_div(mixed, wasm_f32x4_splat(settings.const_divisor)));
    }
  }
  if (settings.lambda != 1.0f) mixed = round_v(wasm_f32x4_mul(mixed, wasm_f32x4_splat(settings.lambda)));
  return round_v(wasm_f32x4_add(b, mixed));
}

/* Task vector of 4 lanes: bf16(m - b), float32 bits in and out. */
static inline v128_t delta_v(v128_t m, v128_t b) { return round_v(wasm_f32x4_sub(m, b)); }

/* Trim against a threshold with a quota for entries equal to it, lane by lane in index order. */
static inline v128_t trim_v(v128_t d, v128_t thr, i32 *remaining) {
  v128_t mag = wasm_v128_and(d, wasm_i32x4_const_splat(0x7fffffff));
  v128_t keep = wasm_i32x4_gt(mag, thr);
  v128_t eq = wasm_i32x4_eq(mag, thr);
  if (wasm_v128_any_true(eq)) {
    i32 r = *remaining;
    i32 k0 = 0, k1 = 0, k2 = 0, k3 = 0;
    if (wasm_i32x4_extract_lane(eq, 0) && r > 0) { r--; k0 = -1; }
    if (wasm_i32x4_extract_lane(eq, 1) && r > 0) { r--; k1 = -1; }
    if (wasm_i32x4_extract_lane(eq, 2) && r > 0) { r--; k2 = -1; }
    if (wasm_i32x4_extract_lane(eq, 3) && r > 0) { r--; k3 = -1; }
    *remaining = r;
    keep = wasm_v128_or(keep, wasm_i32x4_make(k0, k1, k2, k3));
  }
  return wasm_v128_and(d, keep);
}

static inline f32 divisor_of(f32 a0, f32 a1, f32 w0, f32 w1) {
  f32 v = __builtin_bit_cast(f32, round_bits(__builtin_bit_cast(u32, a0 * w0 + a1 * w1)));
  return v + (v == 0.0f ? 1.0f : 0.0f);
}

/*
 * The common case on its own: 2 models, sign consensus, trimming, settings held in locals (the quota
 * updates would otherwise force every setting to be reloaded from memory on each step).
 */
static inline v128_t lane_mask(u32 bits) {
  return wasm_i32x4_make(-(i32)(bits & 1u), -(i32)((bits >> 1) & 1u), -(i32)((bits >> 2) & 1u), -(i32)((bits >> 3) & 1u));
}

/*
 * trim_v on 8 elements held as even (e) and odd (o) lanes: entries equal to the threshold are kept in
 * index order (element 2l is e's lane l, 2l + 1 is o's lane l) while the quota lasts.
 */
static inline void trim_pair(v128_t *e, v128_t *o, v128_t thr, i32 *remaining) {
  const v128_t abs = wasm_i32x4_const_splat(0x7fffffff);
  v128_t me = wasm_v128_and(*e, abs), mo = wasm_v128_and(*o, abs);
  v128_t ke = wasm_i32x4_gt(me, thr), ko = wasm_i32x4_gt(mo, thr);
  v128_t ee = wasm_i32x4_eq(me, thr), eo = wasm_i32x4_eq(mo, thr);
  if (wasm_v128_any_true(wasm_v128_or(ee, eo))) {
    u32 be = wasm_i32x4_bitmask(ee), bo = wasm_i32x4_bitmask(eo);
    i32 r = *remaining, c = __builtin_popcount(be) + __builtin_popcount(bo);
    if (r >= c) {
      ke = wasm_v128_or(ke, ee);
      ko = wasm_v128_or(ko, eo);
      r -= c;
    } else {
      u32 keep_e = 0, keep_o = 0;
      for (u32 l = 0; l < 4; l++) {
        if (((be >> l) & 1u) && r > 0) { r--; keep_e |= 1u << l; }
        if (((bo >> l) & 1u) && r > 0) { r--; keep_o |= 1u << l; }
      }
      ke = wasm_v128_or(ke, lane_mask(keep_e));
      ko = wasm_v128_or(ko, lane_mask(keep_o));
    }
    *remaining = r;
  }
  *e = wasm_v128_and(*e, ke);
  *o = wasm_v128_and(*o, ko);
}

static inline __attribute__((always_inline)) void mix2_consensus_impl(const u16 *base, u16 *out, const u16 *m0, const u16 *m1, u32 n8, i32 *r0p, i32 *r1p,
                                                                        const i32 deltas, const i32 fast) {
#define RND(x) (fast ? round_fast(x) : round_v(x))
  const v128_t w0 = wasm_f32x4_splat(settings.weights[0]), w1 = wasm_f32x4_splat(settings.weights[1]);
  const i32 t0 = settings.trim[0], t1 = settings.trim[1];
  const v128_t thr0 = wasm_i32x4_splat((i32)settings.thresholds[0]), thr1 = wasm_i32x4_splat((i32)settings.thresholds[1]);
  i32 r0 = *r0p, r1 = *r1p;
  const i32 normalize = settings.normalize;
  const f32 lambda_f = settings.lambda;
  const v128_t lambda = wasm_f32x4_splat(lambda_f);
  const v128_t zero = wasm_f32x4_splat(0.0f), one = wasm_f32x4_splat(1.0f), minus = wasm_f32x4_splat(-1.0f);
  /* divisor(a0, a1) = bf16(a0 * w0 + a1 * w1), 0 replaced by 1: the same scalar steps as the vector ones */
  const f32 wf0 = settings.weights[0], wf1 = settings.weights[1];
  const v128_t d00 = wasm_f32x4_splat(divisor_of(0.0f, 0.0f, wf0, wf1)), d10 = wasm_f32x4_splat(divisor_of(1.0f, 0.0f, wf0, wf1));
  const v128_t d01 = wasm_f32x4_splat(divisor_of(0.0f, 1.0f, wf0, wf1)), d11 = wasm_f32x4_splat(divisor_of(1.0f, 1.0f, wf0, wf1));
  const v128_t hi = wasm_i32x4_const_splat((i32)0xffff0000);
  for (u32 j = 0; j < n8; j += 8) {
    v128_t b8 = wasm_v128_load(base + j), a8 = wasm_v128_load(m0 + j), c8 = wasm_v128_load(m1 + j);
    /* h = 0: the even elements (in the high halves of the 32-bit lanes), h = 1: the odd ones (masked in place) */
    v128_t x0s[2] = {wasm_i32x4_shl(a8, 16), wasm_v128_and(a8, hi)};
    v128_t x1s[2] = {wasm_i32x4_shl(c8, 16), wasm_v128_and(c8, hi)};
    const v128_t bs[2] = {wasm_i32x4_shl(b8, 16), wasm_v128_and(b8, hi)};
    if (!deltas) {
      for (i32 h = 0; h < 2; h++) {
        x0s[h] = RND(wasm_f32x4_sub(x0s[h], bs[h]));
        x1s[h] = RND(wasm_f32x4_sub(x1s[h], bs[h]));
      }
    }
    if (t0) trim_pair(&x0s[0], &x0s[1], thr0, &r0);
    if (t1) trim_pair(&x1s[0], &x1s[1], thr1, &r1);
    v128_t res[2];
    for (i32 h = 0; h < 2; h++) {
      v128_t b = bs[h];
      v128_t x0 = RND(wasm_f32x4_mul(x0s[h], w0));
      v128_t x1 = RND(wasm_f32x4_mul(x1s[h], w1));
      v128_t e = wasm_v128_bitselect(one, minus, wasm_f32x4_ge(wasm_f32x4_add(x0, x1), zero));
      v128_t k0 = wasm_f32x4_gt(wasm_f32x4_mul(x0, e), zero), k1 = wasm_f32x4_gt(wasm_f32x4_mul(x1, e), zero);
      v128_t a0 = wasm_v128_and(k0, one), a1 = wasm_v128_and(k1, one);
      v128_t mixed = RND(wasm_f32x4_add(wasm_f32x4_mul(a0, x0), wasm_f32x4_mul(a1, x1)));
      if (normalize) {
        /* the divisor takes one of 4 values, by which models agree: chosen, not recomputed */
        v128_t divisor = wasm_v128_bitselect(wasm_v128_bitselect(d11, d10, k1), wasm_v128_bitselect(d01, d00, k1), k0);
        mixed = RND(wasm_f32x4_div(mixed, divisor));
      }
      if (lambda_f != 1.0f) mixed = RND(wasm_f32x4_mul(mixed, lambda));
      res[h] = RND(wasm_f32x4_add(b, mixed));
    }
    wasm_v128_store(out + j, wasm_v128_or(wasm_u32x4_shr(res[0], 16), res[1]));
  }
  *r0p = r0;
  *r1p = r1;
#undef RND
}

static inline int moderate(f32 x) { return x < 65536.0f && x > -65536.0f; } /* false for NaN */
static inline int moderate_divisor(f32 x) { return moderate(x) && (x >= 1.0f / 65536.0f || x <= -1.0f / 65536.0f); }

/*
 * The 2-model consensus merge chunk by chunk. Rounding needs its infinity / NaN fix-up only where a NaN
 * can occur; with inputs (and task vectors) below 2^24 in magnitude, weights and lambda below 2^16 and
 * the divisors between 2^-16 and 2^16 in magnitude, every intermediate stays below 2^75 and is never
 * infinite or NaN, so such chunks take the rounding without it (the same bits). Other chunks take the
 * general path.
 */
static void mix2_consensus(const u16 *base, u16 *out, u32 n8) {
  const f32 w0 = settings.weights[0], w1 = settings.weights[1];
  const int params_ok = moderate(w0) && moderate(w1) && moderate(settings.lambda) &&
                        (!settings.normalize || (moderate_divisor(divisor_of(0.0f, 0.0f, w0, w1)) && moderate_divisor(divisor_of(1.0f, 0.0f, w0, w1)) &&
                                                 moderate_divisor(divisor_of(0.0f, 1.0f, w0, w1)) && moderate_divisor(divisor_of(1.0f, 1.0f, w0, w1))));
  const u16 *m0 = settings.models[0], *m1 = settings.models[1];
  i32 r0 = settings.remaining[0], r1 = settings.remaining[1];
  const i32 deltas = settings.deltas;
  for (u32 c = 0; c < n8; c += CHUNK) {
    const u32 len = n8 - c < CHUNK ? n8 - c : CHUNK;
    const int fast = params_ok && chunk_small(base + c, m0 + c, m1 + c, len);
    if (deltas) {
      if (fast) mix2_consensus_impl(base + c, out + c, m0 + c, m1 + c, len, &r0, &r1, 1, 1);
      else mix2_consensus_impl(base + c, out + c, m0 + c, m1 + c, len, &r0, &r1, 1, 0);
    } else {
      if (fast) mix2_consensus_impl(base + c, out + c, m0 + c, m1 + c, len, &r0, &r1, 0, 1);
      else mix2_consensus_impl(base + c, out + c, m0 + c, m1 + c, len, &r0, &r1, 0, 0);
    }
  }
  settings.remaining[0] = r0;
  settings.remaining[1] = r1;
}

/** out[j] for j < n from base[j] and the settings' raw model blocks. */
void mix_bf16(const u16 *base, u16 *out, u32 n) {
  const i32 count = settings.count;
  v128_t xs_lo[MAX_MODELS], xs_hi[MAX_MODELS];
  u32 j = 0;
  if (count == 2 && settings.consensus) {
    j = n & ~7u;
    mix2_consensus(base, out, j);
  }
  for (; j + 8 <= n; j += 8) {
    v128_t b = wasm_v128_load(base + j);
    for (i32 i = 0; i < count; i++) {
      v128_t m = wasm_v128_load(settings.models[i] + j);
      xs_lo[i] = weighted(i, settings.deltas ? lo_f(m) : delta_v(lo_f(m), lo_f(b)), j);
    }
    for (i32 i = 0; i < count; i++) {
      v128_t m = wasm_v128_load(settings.models[i] + j);
      xs_hi[i] = weighted(i, settings.deltas ? hi_f(m) : delta_v(hi_f(m), hi_f(b)), j + 4);
    }
    wasm_v128_store(out + j, pack(mix(xs_lo, lo_f(b)), mix(xs_hi, hi_f(b))));
  }
  for (; j < n; j++) {
    /* the tail: one element in lane 0 of each vector (the other lanes see zeros and are discarded) */
    v128_t b = wasm_i32x4_make((i32)((u32)base[j] << 16), 0, 0, 0);
    for (i32 i = 0; i < count; i++) {
      v128_t mv = wasm_i32x4_make((i32)((u32)settings.models[i][j] << 16), 0, 0, 0);
      v128_t d = settings.deltas ? mv : delta_v(mv, b);
      if (settings.trim[i]) {
        /* lanes 1-3 hold 0: keep them out of the quota by testing lane 0 alone */
        u32 mag = (u32)wasm_i32x4_extract_lane(d, 0) & 0x7fffffffu;
        i32 keep = mag > settings.thresholds[i];
        if (mag == settings.thresholds[i] && settings.remaining[i] > 0) {
          settings.remaining[i]--;
          keep = 1;
        }
        if (!keep) d = wasm_i32x4_const_splat(0);
        xs_lo[i] = round_v(wasm_f32x4_mul(d, wasm_f32x4_splat(settings.weights[i])));
      } else {
        xs_lo[i] = weighted(i, d, j);
      }
    }
    out[j] = (u16)((u32)wasm_i32x4_extract_lane(mix(xs_lo, b), 0) >> 16);
  }
}
