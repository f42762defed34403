/*
 * seglosses' fused loss kernels, compiled to WebAssembly with 128-bit SIMD by
 * scripts/build-native-kernels.sh into src/kernels/native/loss-kernels-binary.ts, which the
 * library loads itself (src/kernels/native/loss-kernels.ts). Nothing here depends on a C
 * library, and nothing uses a stack or static data in linear memory: the module imports its
 * memory — the wasm backend's own, where the tensors already are, or one of its own into which
 * the JavaScript side copies them (cpu) — and writes only where its pointer arguments say.
 * Every pointer below is a byte offset into that memory.
 *
 * Tensors are row-major with the class axis last: logits x[n·C], labels y[n] (int32), so row i
 * holds the C logits of pixel i. Probabilities are p_ic = e_ic / S_i with e = exp(x) and
 * S_i = Σ_c e_ic, and the differences 1 − p_t are always formed as Σ_{c≠t} p_c (no
 * cancellation near p_t = 1). Sums run in float64.
 *
 * exp(x) of every logit is computed four at a time (exp_f32x4). Rows with an entry outside
 * [e^−80, e^80] (or not finite) are recomputed as exp(x − max x) in float64 (exact_row): both
 * forms are proportional to exp(x) within the row, which is all a softmax needs.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef double f64;
typedef float f32;

static const f64 LN2_HI = 6.93147180369123816490e-01; /* ln 2 with its last 32 bits zero */
static const f64 LN2_LO = 1.90821492927058770002e-10; /* ln 2 − LN2_HI */
static const f64 SMALLEST = 1.8048513878454153e-35;   /* e^−80 */
static const f64 LARGEST = 5.540622384393510e+34;     /* e^80 */
static const f64 FLT_MIN = 1.17549435082228751e-38;   /* float32's smallest normal */

/* ------------------------------------------------------------------ scalar float64 math */

static inline f64 from_bits(uint64_t b) {
  f64 d;
  __builtin_memcpy(&d, &b, 8);
  return d;
}

static inline uint64_t to_bits(f64 d) {
  uint64_t b;
  __builtin_memcpy(&b, &d, 8);
  return b;
}

/* e^x, relative error about 2e-16: x = n·ln2 + r with |r| ≤ ln2/2, Taylor to r^12. */
static f64 exp64(f64 x) {
  if (x != x) return x;
  if (x < -745.2) return 0.0;
  if (x > 709.78) return __builtin_inf();
  f64 n = __builtin_rint(x * 1.4426950408889634);
  f64 r = (x - n * LN2_HI) - n * LN2_LO;
  f64 p = 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  int k = (int)n;
  if (k < -1000) {
    p *= from_bits((uint64_t)(1023 - 100) << 52); /* 2^−100, keeps 2^k normal below */
    k += 100;
  }
  return p * from_bits((uint64_t)(k + 1023) << 52);
}

/* ln x for x ≥ 0, relative error about 1e-16: x = m·2^k with m ∈ [√½, √2), ln m = 2 atanh s. */
static f64 log64(f64 x) {
  if (x != x || x < 0) return __builtin_nan("");
  if (x == 0) return -__builtin_inf();
  if (x == __builtin_inf()) return x;
  int k = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984.0; /* 2^54 */
    k = -54;
  }
  uint64_t b = to_bits(x);
  k += (int)((b >> 52) & 0x7ff) - 1023;
  f64 m = from_bits((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    k += 1;
  }
  f64 s = (m - 1.0) / (m + 1.0);
  f64 s2 = s * s;
  f64 t = 1.0 / 19.0;
  t = t * s2 + 1.0 / 17.0;
  t = t * s2 + 1.0 / 15.0;
  t = t * s2 + 1.0 / 13.0;
  t = t * s2 + 1.0 / 11.0;
  t = t * s2 + 1.0 / 9.0;
  t = t * s2 + 1.0 / 7.0;
  t = t * s2 + 1.0 / 5.0;
  t = t * s2 + 1.0 / 3.0;
  t = t * s2 + 1.0;
  return 2.0 * s * t + (f64)k * LN2_LO + (f64)k * LN2_HI;
}

/* ln(1 + r) for r ≥ 0 without losing the digits of a small r. */
static f64 log1p64(f64 r) {
  if (r < 1e-4) return r * (1.0 - r * (0.5 - r * (1.0 / 3.0 - r * 0.25)));
  return log64(1.0 + r);
}

/* b^e for b ≥ 0, with 0^0 = 1 and 0^e = 0 for e > 0. */
static f64 pow64(f64 b, f64 e) {
  if (e == 0) return 1.0;
  if (e == 1) return b;
  if (e == 2) return b * b;
  if (b == 0) return 0.0;
  return exp64(e * log64(b));
}

/* ------------------------------------------------------------------ vector float32 exp */

/* e^x four at a time for x ∈ [−87, 88] (clamped outside; such rows are recomputed by
 * exact_row): x = n·ln2 + r with n = round(x/ln2) found by adding 1.5·2^23 (whose float32
 * spacing is 1, so the sum's low mantissa bits are n), Taylor to r^7 (relative error ≤ 6e-9
 * before rounding), times 2^n built from n's bits. A NaN stays NaN. */
static inline v128_t exp_f32x4(v128_t x) {
  const v128_t magic = wasm_f32x4_splat(12582912.0f);
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, wasm_f32x4_splat(-87.0f)), wasm_f32x4_splat(88.0f));
  v128_t shifted = wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)), magic);
  v128_t n = wasm_f32x4_sub(shifted, magic);
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.0f / 5040.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 720.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  /* bits(shifted) = 0x4B400000 + n, so (bits + 127 − 0x4B400000) << 23 is 2^n's pattern. */
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(shifted, wasm_i32x4_splat(127 - 0x4B400000)), 23);
  return wasm_f32x4_mul(p, scale);
}

/* Whether a vector of exponentials lies in [e^−80, e^80] (false for NaN), as a lane mask. */
static inline v128_t in_range_f32x4(v128_t e) {
  return wasm_v128_and(wasm_f32x4_ge(e, wasm_f32x4_splat((f32)SMALLEST)),
                       wasm_f32x4_le(e, wasm_f32x4_splat((f32)LARGEST)));
}

/* e[j] = exp(x[j]) for j < count; returns whether every e[j] lies in [e^−80, e^80]. The last
 * count mod 4 entries are computed in float64 (no stack: the module may share a backend's
 * memory, where it must write nothing but its arguments). */
static int exponentials(const f32 *x, f32 *e, int count) {
  v128_t ok = wasm_i32x4_splat(-1);
  int j = 0;
  for (; j + 4 <= count; j += 4) {
    v128_t v = exp_f32x4(wasm_v128_load(x + j));
    ok = wasm_v128_and(ok, in_range_f32x4(v));
    wasm_v128_store(e + j, v);
  }
  int all = wasm_i32x4_all_true(ok);
  for (; j < count; j++) {
    f64 v = (f32)exp64(x[j]);
    e[j] = (f32)v;
    all &= (v >= SMALLEST) & (v <= LARGEST);
  }
  return all;
}

/* ln(1 + r) four at a time for r ≥ 0 (float32, a few ulps): with u = 1 + r rounded,
 * ln(1 + r) = ln(u) · r / (u − 1) (exact for u = 1: r), and ln u = k ln2 + 2 atanh s,
 * s = (m − 1)/(m + 1), u = m·2^k, m ∈ [√½, √2). Lanes holding −L < 0 pass L through. */
static inline v128_t log1p_f32x4(v128_t r) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  v128_t u = wasm_f32x4_add(one, r);
  v128_t bits = u;
  v128_t k = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(127));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007fffff)), one);
  v128_t big = wasm_f32x4_gt(m, wasm_f32x4_splat(1.41421356f));
  m = wasm_v128_bitselect(wasm_f32x4_mul(m, wasm_f32x4_splat(0.5f)), m, big);
  k = wasm_i32x4_sub(k, big); /* big lanes are −1 */
  v128_t s = wasm_f32x4_div(wasm_f32x4_sub(m, one), wasm_f32x4_add(m, one));
  v128_t s2 = wasm_f32x4_mul(s, s);
  v128_t t = wasm_f32x4_splat(1.0f / 9.0f);
  t = wasm_f32x4_add(wasm_f32x4_mul(t, s2), wasm_f32x4_splat(1.0f / 7.0f));
  t = wasm_f32x4_add(wasm_f32x4_mul(t, s2), wasm_f32x4_splat(1.0f / 5.0f));
  t = wasm_f32x4_add(wasm_f32x4_mul(t, s2), wasm_f32x4_splat(1.0f / 3.0f));
  t = wasm_f32x4_add(wasm_f32x4_mul(t, s2), one);
  v128_t kf = wasm_f32x4_convert_i32x4(k);
  v128_t lu = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_add(s, s), t),
                             wasm_f32x4_mul(kf, wasm_f32x4_splat(0.693147181f)));
  v128_t d = wasm_f32x4_sub(u, one);
  v128_t exact = wasm_f32x4_eq(d, wasm_f32x4_splat(0.0f));
  v128_t scaled = wasm_f32x4_div(wasm_f32x4_mul(lu, r), wasm_v128_bitselect(one, d, exact));
  v128_t result = wasm_v128_bitselect(r, scaled, exact);
  v128_t negative = wasm_f32x4_lt(r, wasm_f32x4_splat(0.0f));
  return wasm_v128_bitselect(wasm_f32x4_neg(r), result, negative);
}

/* Whether every entry of a row of exponentials lies in [e^−80, e^80]. */
static inline int row_in_range(const f32 *e, int classes) {
  int ok = 1;
  for (int c = 0; c < classes; c++) {
    f64 v = e[c];
    ok &= (v >= SMALLEST) & (v <= LARGEST);
  }
  return ok;
}

static f64 row_max(const f32 *x, int classes) {
  f64 top = -__builtin_inf();
  for (int c = 0; c < classes; c++) top = x[c] > top ? x[c] : top;
  return top;
}

/* Rewrites a row of e as exp(x − max x) in float64 (rounded to float32). */
static void exact_row(const f32 *x, f32 *e, int classes) {
  f64 top = row_max(x, classes);
  for (int c = 0; c < classes; c++) e[c] = (f32)exp64((f64)x[c] - top);
}

/* ------------------------------------------------------------------ row helpers */

/* Lanes 0..3 of a row position, to mask the target class out of a vector of four classes. */
static inline v128_t lanes_from(int c) {
  return wasm_i32x4_add(wasm_i32x4_make(0, 1, 2, 3), wasm_i32x4_splat(c));
}

static inline f64 lane_sum(v128_t v) {
  return ((f64)wasm_f32x4_extract_lane(v, 0) + (f64)wasm_f32x4_extract_lane(v, 1)) +
         ((f64)wasm_f32x4_extract_lane(v, 2) + (f64)wasm_f32x4_extract_lane(v, 3));
}

/* Σ_{c≠t} row[c] (t outside 0..C−1: the whole row), four classes at a time. */
static inline f64 sum_others(const f32 *row, int classes, int t) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  v128_t target = wasm_i32x4_splat(t);
  int c = 0;
  for (; c + 4 <= classes; c += 4) {
    v128_t keep = wasm_i32x4_ne(lanes_from(c), target);
    acc = wasm_f32x4_add(acc, wasm_v128_and(wasm_v128_load(row + c), keep));
  }
  f64 sum = lane_sum(acc);
  for (; c < classes; c++) sum += c == t ? 0.0 : (f64)row[c];
  return sum;
}

/* row[c] *= factor for every class (rounded to float32 first, as the stored row). */
static inline void scale_row(f32 *row, int classes, f64 factor) {
  f32 f = (f32)factor;
  v128_t k = wasm_f32x4_splat(f);
  int c = 0;
  for (; c + 4 <= classes; c += 4) wasm_v128_store(row + c, wasm_f32x4_mul(wasm_v128_load(row + c), k));
  for (; c < classes; c++) row[c] *= f;
}

/* out[c] = row[c]·factor for every class. */
static inline void scaled_copy(const f32 *row, f32 *out, int classes, f32 factor) {
  v128_t k = wasm_f32x4_splat(factor);
  int c = 0;
  for (; c + 4 <= classes; c += 4) wasm_v128_store(out + c, wasm_f32x4_mul(wasm_v128_load(row + c), k));
  for (; c < classes; c++) out[c] = row[c] * factor;
}

static inline f32 clamp32(f32 v, f32 low, f32 high) { return v < low ? low : v > high ? high : v; }

static inline f64 clamp64(f64 v, f64 low, f64 high) { return v < low ? low : v > high ? high : v; }

/* ------------------------------------------------------------------ softmax cross-entropy */

/*
 * Per-pixel softmax cross-entropy terms, optionally modulated (focal) and clamped, for rows with
 * a label t ∈ 0..C−1 (others: see below). With p = p_t, q = 1 − p = Σ_{c≠t} p_c and
 * L = −ln p = ln(1 + O/e_t), O = Σ_{c≠t} e_c:
 *
 *   term_i = w_t · q^γ_t · L^κ
 *   ∂term_i/∂x_c = coef_i · (p_c − [c = t]),   coef_i = w_t · (γ_t p q^(γ_t−1) L^κ + q^γ_t κ L^(κ−1))
 *
 * (γ = 0, κ = 1: cross-entropy, coef = w). With eps > 0, p is clamped to [eps, 1 − eps] first
 * (as clipping log p and 1 − p to those bounds): a clamped pixel keeps its clamped value and
 * gets coef 0. Each labelled row adds counts[t] to the denominator; rows labelled `ignore`
 * (when has_ignore) get term 0, coef 0 and add nothing; rows with a label outside 0..C−1 get
 * term 0 and coef 0 and add `unlabelled_count`.
 *
 * Inputs: x [n·C], y [n], weights, counts and gammas [C] (float64). Outputs: p [n·C] (the
 * softmax), terms [n], coef [n], sums [2] = (Σ term, Σ count) in float64.
 */
EXPORT(softmax_cross_entropy)
void softmax_cross_entropy(const f32 *x, const int32_t *y, int n, int classes, const f64 *weights,
                           const f64 *counts, const f64 *gammas, f64 kappa, f64 eps,
                           int has_ignore, int ignore, f64 unlabelled_count, f32 *p, f32 *terms,
                           f32 *coef, f64 *sums) {
  int all_in_range = exponentials(x, p, n * classes);
  /* Plain (weighted) cross-entropy with no saturated row: the row loop leaves r = O/e_t in
   * terms[i] and the logarithms are taken four at a time afterwards. */
  /* Plain (weighted) cross-entropy: term = w·L, coef = w, straight from the logarithms. */
  int plain = kappa == 1 && eps == 0;
  for (int c = 0; c < classes; c++) plain &= gammas[c] == 0;
  f64 sum_terms = 0;
  f64 sum_weights = 0;
  /* Pass 1, per row: the softmax, and r = O/e_t in terms[i] for log1p_f32x4 (a saturated row,
   * or a ratio beyond float32's range, keeps L itself, negated); coef[i] holds w (plain) or
   * q = 1 − p_t for pass 3. */
  for (int i = 0; i < n; i++) {
    const f32 *xr = x + (int64_t)i * classes;
    f32 *pr = p + (int64_t)i * classes;
    int t = y[i];
    terms[i] = 0;
    coef[i] = 0;
    if (has_ignore && t == ignore) continue;
    if (t < 0 || t >= classes) {
      sum_weights += unlabelled_count;
      continue;
    }
    f64 w = weights[t];
    sum_weights += counts[t];
    int exact = !all_in_range && !row_in_range(pr, classes);
    if (exact) exact_row(xr, pr, classes);
    f64 others = sum_others(pr, classes, t);
    f64 target = pr[t];
    f64 inv = 1.0 / (others + target);
    scale_row(pr, classes, inv);
    if (w == 0) continue;
    if (exact) {
      /* A saturated row: L and q from the logits in float64 (the float32 e_t of a target far
       * below the row's maximum is subnormal or 0), L kept negated for log1p_f32x4. */
      f64 top = row_max(xr, classes), o = 0;
      for (int c = 0; c < classes; c++) o += c == t ? 0.0 : exp64((f64)xr[c] - top);
      f64 e = exp64((f64)xr[t] - top);
      f64 loss = e > 0 ? log1p64(o / e) : log64(o) + top - xr[t];
      terms[i] = (f32)-loss;
      coef[i] = plain ? (f32)w : (f32)(o / (o + e));
      continue;
    }
    f64 ratio = others / target;
    terms[i] = ratio < 1e30 ? (f32)ratio : (f32)-log1p64(ratio);
    coef[i] = plain ? (f32)w : (f32)(others * inv);
  }
  /* Pass 2: the logarithms L = log1p(r), four at a time (times w when plain). */
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v128_t v = log1p_f32x4(wasm_v128_load(terms + j));
    if (plain) v = wasm_f32x4_mul(v, wasm_v128_load(coef + j));
    wasm_v128_store(terms + j, v);
  }
  for (; j < n; j++) {
    f64 r = terms[j];
    f64 loss = r < 0 ? -r : log1p64(r);
    terms[j] = (f32)(plain ? coef[j] * loss : loss);
  }
  if (plain) {
    for (int i = 0; i < n; i++) sum_terms += terms[i];
    sums[0] = sum_terms;
    sums[1] = sum_weights;
    return;
  }
  /* Pass 3 (focal, powered or clamped terms), per row: term and coef from L, q and p_t. */
  for (int i = 0; i < n; i++) {
    int t = y[i];
    if ((has_ignore && t == ignore) || t < 0 || t >= classes) continue;
    f64 w = weights[t];
    if (w == 0) continue;
    f64 loss = terms[i];
    f64 q = coef[i];
    f64 pt = p[(int64_t)i * classes + t];
    int clamped = 0;
    if (eps > 0 && pt < eps) {
      pt = eps;
      q = 1.0 - eps;
      loss = -log64(eps);
      clamped = 1;
    } else if (eps > 0 && q < eps) {
      pt = 1.0 - eps;
      q = eps;
      loss = -log64(1.0 - eps);
      clamped = 1;
    }
    f64 gamma = gammas[t];
    f64 modulation = pow64(q, gamma);
    f64 shaped = pow64(loss, kappa);
    f64 m = 0;
    if (!clamped) {
      if (gamma != 0 && q > 0) m += gamma * pt * pow64(q, gamma - 1.0) * shaped;
      /* κ < 1: κ L^(κ−1) grows without bound as L → 0 (while p_c − [c = t] shrinks like L);
       * below float32's smallest normal L counts as 0, with no gradient, as in float32. */
      if (kappa == 1) m += modulation;
      else if (loss >= FLT_MIN) m += modulation * kappa * pow64(loss, kappa - 1.0);
    }
    f64 term = w * modulation * shaped;
    terms[i] = (f32)term;
    coef[i] = (f32)(w * m);
    sum_terms += term;
  }
  sums[0] = sum_terms;
  sums[1] = sum_weights;
}

/*
 * Gradient of the terms: dx_ic = k_i · (p_ic − [c = t]) with k_i = coef_i · dy_i (per_pixel)
 * or coef_i · dy[0] · scale, and p_t − 1 written as −Σ_{c≠t} p_c. Rows with coef 0 get 0.
 */
EXPORT(softmax_cross_entropy_grad)
void softmax_cross_entropy_grad(const f32 *p, const int32_t *y, const f32 *coef, const f32 *dy,
                                int per_pixel, f64 scale, int n, int classes, f32 *dx) {
  f64 shared = per_pixel ? 0.0 : (f64)dy[0] * scale;
  for (int i = 0; i < n; i++) {
    const f32 *pr = p + (int64_t)i * classes;
    f32 *out = dx + (int64_t)i * classes;
    f64 c_i = coef[i];
    if (c_i == 0) {
      for (int c = 0; c < classes; c++) out[c] = 0;
      continue;
    }
    f64 k = c_i * (per_pixel ? (f64)dy[i] : shared);
    int t = y[i];
    scaled_copy(pr, out, classes, (f32)k);
    out[t] = (f32)(-sum_others(pr, classes, t) * k);
  }
}

/* ------------------------------------------------------------------ soft overlap statistics */

enum { TP, PM, TM, FP, FN, FP2, FN2, VM, STATS };

/*
 * Soft overlap statistics of p = softmax(x) against the labels, per image b and class c, over
 * the pixels that are not ignored (v = 1):
 *
 *   TP = Σ p t,  PM = Σ p (Σ p² when squared),  TM = Σ t,  FP = Σ p (1 − t),  FN = Σ (1 − p) t,
 *   FP2 = Σ p² (1 − t),  FN2 = Σ (1 − p)² t,  VM = Σ v (the same for every c),
 *
 * with 1 − p_t = Σ_{c≠t} p_c. A label outside 0..C−1 (not ignored) has t = 0 for every class.
 * With clip > 0 every p (and 1 − p_t) is clamped to [clip, 1 − clip] before it is summed, as
 * Keras-style code clips its probabilities. With `confusion`, rows STATS + t of the statistics
 * hold the soft confusion matrix S[b, t, c] = Σ p_c over the valid pixels labelled t (the
 * generalized Wasserstein Dice loss is built from it). FP, FP2 and S are summed four classes at
 * a time (the target's lane masked out of FP and FP2) in float32 over blocks of BLOCK pixels,
 * and those block sums in float64. Outputs: p [n·C] and stats [(STATS + C·confusion)·B·C] in
 * float64, stat-major. `acc` is scratch of (STATS + 3 + C)·C float64, `block` of
 * (C + 2)·(C + 4) float32.
 */
#define BLOCK 64

static inline void add_to(f32 *sum, v128_t v) {
  wasm_v128_store(sum, wasm_f32x4_add(wasm_v128_load(sum), v));
}

EXPORT(softmax_overlap)
void softmax_overlap(const f32 *x, const int32_t *y, int batch, int pixels, int classes,
                     int has_ignore, int ignore, int squared, f64 clip, int confusion, f32 *p,
                     f64 *stats, f64 *acc, f32 *block) {
  int all_in_range = exponentials(x, p, batch * pixels * classes);
  int plane = batch * classes;
  int wide = classes & ~3;
  int row = classes + 4; /* padded row of a block accumulator */
  f32 *block_sum = block, *block_squares = block + row, *block_confusion = block + 2 * row;
  int block_size = (confusion ? classes + 2 : 2) * row;
  f32 low = (f32)clip, high = (f32)(1.0 - clip);
  v128_t low4 = wasm_f32x4_splat(low), high4 = wasm_f32x4_splat(high);
  for (int b = 0; b < batch; b++) {
    for (int j = 0; j < (STATS + 3 + classes) * classes; j++) acc[j] = 0;
    f64 *tp = acc, *tm = acc + TM * classes, *fn = acc + FN * classes;
    f64 *fn2 = acc + FN2 * classes;
    /* Σ p (1 − t) and Σ p² (1 − t) by class, and Σ p_t² for the squared prediction mass. */
    f64 *column = acc + STATS * classes, *squares = column + classes, *tp2 = squares + classes;
    f64 *soft_confusion = tp2 + classes;
    f64 valid = 0;
    for (int start = b * pixels; start < (b + 1) * pixels; start += BLOCK) {
      int end = start + BLOCK < (b + 1) * pixels ? start + BLOCK : (b + 1) * pixels;
      for (int c = 0; c < block_size; c++) block[c] = 0;
      for (int i = start; i < end; i++) {
        const f32 *xr = x + (int64_t)i * classes;
        f32 *pr = p + (int64_t)i * classes;
        if (!all_in_range && !row_in_range(pr, classes)) exact_row(xr, pr, classes);
        scale_row(pr, classes, 1.0 / sum_others(pr, classes, -1));
        int t = y[i];
        if (has_ignore && t == ignore) continue;
        valid += 1;
        v128_t target = wasm_i32x4_splat(t);
        for (int c = 0; c < wide; c += 4) {
          v128_t v = wasm_v128_load(pr + c);
          if (clip > 0) v = wasm_f32x4_pmin(wasm_f32x4_pmax(v, low4), high4);
          v = wasm_v128_and(v, wasm_i32x4_ne(lanes_from(c), target));
          add_to(block_sum + c, v);
          add_to(block_squares + c, wasm_f32x4_mul(v, v));
        }
        for (int c = wide; c < classes; c++) {
          f32 v = c == t ? 0.0f : clip > 0 ? clamp32(pr[c], low, high) : pr[c];
          block_sum[c] += v;
          block_squares[c] += v * v;
        }
        if (t < 0 || t >= classes) continue;
        if (confusion) {
          f32 *into = block_confusion + t * row;
          int c = 0;
          for (; c < wide; c += 4) {
            v128_t v = wasm_v128_load(pr + c);
            if (clip > 0) v = wasm_f32x4_pmin(wasm_f32x4_pmax(v, low4), high4);
            add_to(into + c, v);
          }
          for (; c < classes; c++) into[c] += clip > 0 ? clamp32(pr[c], low, high) : pr[c];
        }
        f64 others = sum_others(pr, classes, t);
        f64 pt = pr[t];
        if (clip > 0) {
          others = clamp64(others, clip, 1.0 - clip);
          pt = clamp64(pt, clip, 1.0 - clip);
        }
        tp[t] += pt;
        tp2[t] += pt * pt;
        tm[t] += 1;
        fn[t] += others;
        fn2[t] += others * others;
      }
      for (int c = 0; c < classes; c++) {
        column[c] += block_sum[c];
        squares[c] += block_squares[c];
      }
      if (confusion) {
        for (int t = 0; t < classes; t++) {
          for (int c = 0; c < classes; c++) soft_confusion[t * classes + c] += block_confusion[t * row + c];
        }
      }
    }
    for (int c = 0; c < classes; c++) {
      acc[FP * classes + c] = column[c];
      acc[FP2 * classes + c] = squares[c];
      acc[PM * classes + c] = squared ? squares[c] + tp2[c] : column[c] + tp[c];
      acc[VM * classes + c] = valid;
      for (int s = 0; s < STATS; s++) stats[s * plane + b * classes + c] = acc[s * classes + c];
      if (confusion) {
        for (int t = 0; t < classes; t++) {
          stats[(STATS + t) * plane + b * classes + c] = soft_confusion[t * classes + c];
        }
      }
    }
  }
}

/*
 * Gradient of the statistics, given G_s = ∂L/∂stat_s [STATS·B·C] (float32). Per pixel, with
 * respect to p:
 *
 *   g_c = G_PM (1, or 2 p_c when squared) + G_FP + 2 p_c G_FP2                      (c ≠ t)
 *   g_t = G_PM (1, or 2 p_t) + G_TP − G_FN − 2 (1 − p_t) G_FN2
 *
 * and through the softmax dx_c = p_c (g_c − ḡ), ḡ = Σ_j p_j g_j / Σ_j p_j (dividing by the
 * stored Σ_j p_j, 1 up to rounding, keeps g_c − ḡ exact at saturated pixels). Ignored pixels get
 * 0. With clip > 0, g_c = 0 where p_c (for c = t: p_t or 1 − p_t) lies outside [clip, 1 − clip],
 * the zero gradient of the clamp. With `confusion`, G_S[t, c] (rows STATS + t) adds to g_c at
 * the pixels labelled t. `acc` is scratch of (4 + C)·C float64.
 */
/* One pixel of softmax_overlap_grad with clip > 0 (scalar): g_c = 0 where the clamp is active. */
static void overlap_grad_row_clipped(const f32 *pr, f32 *out, int classes, int t, const f64 *base,
                                     const f64 *slope, const f64 *own, const f64 *extra,
                                     const f32 *dstats_b, int plane, f64 clip) {
  f64 g_t = 0;
  if (t >= 0) {
    f64 others = sum_others(pr, classes, t);
    f64 pt = pr[t];
    g_t = base[t] + extra[t] + pt * slope[t] - 2.0 * pt * dstats_b[FP2 * plane + t] + own[t] -
          2.0 * others * dstats_b[FN2 * plane + t];
    if (pt < clip || others < clip) g_t = 0;
  }
  f64 dot = 0, total = 0;
  for (int c = 0; c < classes; c++) {
    f64 v = pr[c];
    f64 g = c == t ? g_t : (v < clip || v > 1.0 - clip) ? 0.0 : base[c] + extra[c] + v * slope[c];
    dot += v * g;
    total += v;
  }
  f64 mean = dot / total;
  for (int c = 0; c < classes; c++) {
    f64 v = pr[c];
    f64 g = c == t ? g_t : (v < clip || v > 1.0 - clip) ? 0.0 : base[c] + extra[c] + v * slope[c];
    out[c] = (f32)(v * (g - mean));
  }
}

EXPORT(softmax_overlap_grad)
void softmax_overlap_grad(const f32 *p, const int32_t *y, const f32 *dstats, int batch, int pixels,
                          int classes, int has_ignore, int ignore, int squared, f64 clip,
                          int confusion, f32 *dx, f64 *acc) {
  int plane = batch * classes;
  f64 *base = acc, *slope = acc + classes, *own = acc + 2 * classes, *zero = acc + 3 * classes;
  f64 *dconfusion = acc + 4 * classes;
  for (int c = 0; c < classes; c++) zero[c] = 0;
  for (int b = 0; b < batch; b++) {
    for (int c = 0; c < classes; c++) {
      int at = b * classes + c;
      f64 g_pm = dstats[PM * plane + at], g_fp = dstats[FP * plane + at];
      base[c] = (squared ? 0.0 : g_pm) + g_fp;
      slope[c] = (squared ? 2.0 * g_pm : 0.0) + 2.0 * dstats[FP2 * plane + at];
      own[c] = dstats[TP * plane + at] - g_fp - dstats[FN * plane + at];
    }
    if (confusion) {
      /* Row t: base plus G_S[t, ·], the g_c of a pixel labelled t before its slope term. */
      for (int t = 0; t < classes; t++) {
        for (int c = 0; c < classes; c++) {
          dconfusion[t * classes + c] = base[c] + dstats[(STATS + t) * plane + b * classes + c];
        }
      }
    }
    int sloped = 0;
    for (int c = 0; c < classes; c++) sloped |= slope[c] != 0;
    for (int i = b * pixels; i < (b + 1) * pixels; i++) {
      const f32 *pr = p + (int64_t)i * classes;
      f32 *out = dx + (int64_t)i * classes;
      int t = y[i];
      if (has_ignore && t == ignore) {
        for (int c = 0; c < classes; c++) out[c] = 0;
        continue;
      }
      int labelled = t >= 0 && t < classes;
      /* base, plus the G_S row of this pixel's label when there is one. */
      const f64 *fixed = confusion && labelled ? dconfusion + t * classes : base;
      if (clip > 0) {
        overlap_grad_row_clipped(pr, out, classes, labelled ? t : -1, fixed, slope, own, zero,
                                 dstats + b * classes, plane, clip);
        continue;
      }
      /* Two lanes of float64 at a time: g_c = fixed_c + p_c slope_c for every c ≠ t (fixed:
       * base plus this label's G_S row; the slope term only when some slope is non-zero), the
       * target's lane masked out of the sums; then p_t g_t and p_t added on their own — the
       * same sums as one class at a time, so ḡ = g_t exactly when the others vanish. */
      v128_t dot2 = wasm_f64x2_splat(0.0), total2 = wasm_f64x2_splat(0.0);
      int c = 0;
      for (; c + 2 <= classes; c += 2) {
        v128_t keep = wasm_i64x2_make(-(int64_t)(c != t), -(int64_t)(c + 1 != t));
        v128_t v = wasm_v128_and(wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(pr + c)), keep);
        v128_t g = wasm_v128_load(fixed + c);
        if (sloped) g = wasm_f64x2_add(g, wasm_f64x2_mul(v, wasm_v128_load(slope + c)));
        dot2 = wasm_f64x2_add(dot2, wasm_f64x2_mul(v, g));
        total2 = wasm_f64x2_add(total2, v);
      }
      f64 dot = wasm_f64x2_extract_lane(dot2, 0) + wasm_f64x2_extract_lane(dot2, 1);
      f64 total = wasm_f64x2_extract_lane(total2, 0) + wasm_f64x2_extract_lane(total2, 1);
      for (; c < classes; c++) {
        f64 v = c == t ? 0.0 : (f64)pr[c];
        dot += v * (fixed[c] + v * slope[c]);
        total += v;
      }
      f64 g_t = 0;
      if (labelled) {
        f64 pt = pr[t];
        int at = b * classes + t;
        f64 others = sum_others(pr, classes, t);
        g_t = fixed[t] + pt * slope[t] - 2.0 * pt * dstats[FP2 * plane + at] + own[t] -
              2.0 * others * dstats[FN2 * plane + at];
        dot += pt * g_t;
        total += pt;
      }
      f64 mean = dot / total;
      v128_t mean2 = wasm_f64x2_splat(mean);
      for (c = 0; c + 2 <= classes; c += 2) {
        v128_t v = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(pr + c));
        v128_t g = wasm_v128_load(fixed + c);
        if (sloped) g = wasm_f64x2_add(g, wasm_f64x2_mul(v, wasm_v128_load(slope + c)));
        v128_t d = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(v, wasm_f64x2_sub(g, mean2)));
        wasm_v128_store64_lane(out + c, d, 0);
      }
      for (; c < classes; c++) {
        f64 v = pr[c];
        out[c] = (f32)(v * (fixed[c] + v * slope[c] - mean));
      }
      if (labelled) out[t] = (f32)(pr[t] * (g_t - mean));
    }
  }
}
/* ------------------------------------------------------------------ Lovász-Softmax */

/*
 * A descending argsort whose order among equal keys is PyTorch's CPU sort's: the introsort of
 * libstdc++'s std::sort step for step (src/core/descending-order.ts explains and is the
 * reference). Here on (key, index) pairs stored together, so that a move is one 8-byte copy;
 * the keys are the float32 errors themselves (comparisons are the same as in float64).
 */
#define SORT_THRESHOLD 16

typedef struct {
  f32 key;
  int32_t index;
} pair;

static inline void swap_pairs(pair *p, int i, int j) {
  pair t = p[i];
  p[i] = p[j];
  p[j] = t;
}

static void median_to_front(pair *p, int to, int a, int b, int c) {
  int median;
  if (p[a].key > p[b].key) {
    if (p[b].key > p[c].key) median = b;
    else if (p[a].key > p[c].key) median = c;
    else median = a;
  } else if (p[a].key > p[c].key) median = a;
  else if (p[b].key > p[c].key) median = c;
  else median = b;
  swap_pairs(p, to, median);
}

static int partition_pairs(pair *p, int first, int last, int pivot) {
  f32 key = p[pivot].key;
  for (;;) {
    while (p[first].key > key) first++;
    last--;
    while (key > p[last].key) last--;
    if (first >= last) return first;
    swap_pairs(p, first, last);
    first++;
  }
}

static void adjust_heap(pair *p, int first, int hole, int len, pair value) {
  int top = hole;
  int child = hole;
  while (child < (len - 1) / 2) {
    child = 2 * (child + 1);
    if (p[first + child].key > p[first + child - 1].key) child--;
    p[first + hole] = p[first + child];
    hole = child;
  }
  if ((len & 1) == 0 && child == (len - 2) / 2) {
    child = 2 * (child + 1);
    p[first + hole] = p[first + child - 1];
    hole = child - 1;
  }
  while (hole > top) {
    int parent = (hole - 1) / 2;
    if (!(value.key < p[first + parent].key)) break;
    p[first + hole] = p[first + parent];
    hole = parent;
  }
  p[first + hole] = value;
}

static void heap_sort_pairs(pair *p, int first, int last) {
  int len = last - first;
  for (int parent = (len - 2) / 2; parent >= 0; parent--) {
    adjust_heap(p, first, parent, len, p[first + parent]);
  }
  for (int end = last - 1; end - first > 0; end--) {
    pair value = p[end];
    p[end] = p[first];
    adjust_heap(p, first, 0, end - first, value);
  }
}

static void introsort_loop(pair *p, int first, int last, int depth) {
  while (last - first > SORT_THRESHOLD) {
    if (depth == 0) {
      heap_sort_pairs(p, first, last);
      return;
    }
    depth--;
    int middle = first + (last - first) / 2;
    median_to_front(p, first, first + 1, middle, last - 1);
    int cut = partition_pairs(p, first + 1, last, first);
    introsort_loop(p, cut, last, depth);
    last = cut;
  }
}

static void linear_insert(pair *p, int i) {
  pair value = p[i];
  int j = i - 1;
  while (value.key > p[j].key) {
    p[j + 1] = p[j];
    j--;
  }
  p[j + 1] = value;
}

static void insertion_sort(pair *p, int first, int last) {
  for (int i = first + 1; i < last; i++) {
    if (p[i].key > p[first].key) {
      pair value = p[i];
      for (int j = i; j > first; j--) p[j] = p[j - 1];
      p[first] = value;
    } else {
      linear_insert(p, i);
    }
  }
}

/* Sorts the pairs by descending key with `depth` as the recursion limit. */
static void descending_order(pair *p, int n, int depth) {
  if (n <= 1) return;
  introsort_loop(p, 0, n, depth);
  if (n > SORT_THRESHOLD) {
    insertion_sort(p, 0, SORT_THRESHOLD);
    for (int i = SORT_THRESHOLD; i < n; i++) linear_insert(p, i);
  } else {
    insertion_sort(p, 0, n);
  }
}

/*
 * The Lovász extension's weights (the gradient of the loss with respect to the errors): per
 * group g (an image, or the whole batch) and class c, the valid pixels sorted by decreasing
 * error m, and at rank r the increment J_r − J_{r−1} of the Jaccard loss
 * J_r = 1 − (M − I_r) / (M + O_r), with M the class's target mass and I_r, O_r the target and
 * non-target mass among the first r pixels. Classes without target mass in a group are skipped
 * when present_only. Inputs: errors, target [G·P·C], valid [G·P]; outputs: weights [G·P·C]
 * (0 where not set) and counted [G·C] (1 for the classes that count). Scratch: kept int32 [P]
 * and order, P (key, index) pairs of 8 bytes.
 */
EXPORT(lovasz_weights)
void lovasz_weights(const f32 *errors, const f32 *target, const f32 *valid, int groups, int pixels,
                    int classes, int present_only, f32 *weights, f32 *counted, int32_t *kept,
                    pair *order) {
  for (int64_t j = 0; j < (int64_t)groups * pixels * classes; j++) weights[j] = 0;
  for (int j = 0; j < groups * classes; j++) counted[j] = 0;
  for (int g = 0; g < groups; g++) {
    int n = 0;
    for (int q = 0; q < pixels; q++) {
      if (valid[g * pixels + q] > 0) kept[n++] = g * pixels + q;
    }
    if (n == 0) continue;
    int depth = 2 * (31 - __builtin_clz((unsigned)n));
    for (int c = 0; c < classes; c++) {
      f64 mass = 0;
      for (int j = 0; j < n; j++) {
        order[j].key = errors[(int64_t)kept[j] * classes + c];
        order[j].index = j;
        mass += target[(int64_t)kept[j] * classes + c];
      }
      if (present_only && mass == 0) continue;
      counted[g * classes + c] = 1;
      descending_order(order, n, depth);
      f64 inside = 0, outside = 0, previous = 0;
      for (int r = 0; r < n; r++) {
        int64_t at = (int64_t)kept[order[r].index] * classes + c;
        inside += target[at];
        outside += 1.0 - target[at];
        f64 jaccard = 1.0 - (mass - inside) / (mass + outside);
        weights[at] = (f32)(jaccard - previous);
        previous = jaccard;
      }
    }
  }
}

/* ------------------------------------------------------------------ TopK selection */

/*
 * Weights selecting the `count` largest of n scores (1 ≤ count ≤ n): 1 above the count-th
 * largest score s_k, 0 below it, and (count − #above)/#tied for the entries equal to s_k, so
 * that they sum to count whatever the ties (src/core/top-selection.ts is the reference). s_k is
 * found by quickselect (median-of-three pivot) on `work`, a copy of the scores it permutes.
 * Returns s_k.
 */
EXPORT(top_selection)
f64 top_selection(const f32 *scores, int n, int count, f32 *work, f32 *weights) {
  for (int i = 0; i < n; i++) work[i] = scores[i];
  int k = n - count; /* the k-th smallest, 0-based */
  int lo = 0, hi = n - 1;
  while (hi > lo) {
    int mid = lo + (hi - lo) / 2;
    f32 t;
    if (work[mid] < work[lo]) { t = work[mid]; work[mid] = work[lo]; work[lo] = t; }
    if (work[hi] < work[lo]) { t = work[hi]; work[hi] = work[lo]; work[lo] = t; }
    if (work[mid] < work[hi]) { t = work[mid]; work[mid] = work[hi]; work[hi] = t; }
    f32 pivot = work[hi];
    int i = lo - 1, j = hi;
    for (;;) {
      do i++;
      while (work[i] < pivot);
      do j--;
      while (j > lo && work[j] > pivot);
      if (i >= j) break;
      t = work[i];
      work[i] = work[j];
      work[j] = t;
    }
    t = work[i];
    work[i] = work[hi];
    work[hi] = t;
    if (i == k) break;
    if (i < k) lo = i + 1;
    else hi = i - 1;
  }
  f32 kth = work[k];
  int above = 0, tied = 0;
  for (int i = 0; i < n; i++) {
    above += scores[i] > kth;
    tied += scores[i] == kth;
  }
  f32 share = (f32)((f64)(count - above) / (f64)tied);
  for (int i = 0; i < n; i++) weights[i] = scores[i] > kth ? 1.0f : scores[i] == kth ? share : 0.0f;
  return kth;
}

/* ------------------------------------------------------------------ region mutual information */

/* Cholesky factor L (lower, row-major d×d) of a; returns 0, or j + 1 when pivot j is not
 * positive (the matrix is not positive definite). */
static int cholesky64(const f64 *a, int d, f64 *l) {
  for (int j = 0; j < d * d; j++) l[j] = 0;
  for (int j = 0; j < d; j++) {
    f64 pivot = a[j * d + j];
    for (int k = 0; k < j; k++) pivot -= l[j * d + k] * l[j * d + k];
    if (!(pivot > 0)) return j + 1;
    f64 diagonal = __builtin_sqrt(pivot);
    l[j * d + j] = diagonal;
    for (int i = j + 1; i < d; i++) {
      f64 sum = a[i * d + j];
      for (int k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = sum / diagonal;
    }
  }
  return 0;
}

/* Solves L Lᵀ x = b in place for the m columns of x (d×m, row-major). */
static void cholesky_solve64(const f64 *l, int d, f64 *x, int m) {
  for (int col = 0; col < m; col++) {
    for (int i = 0; i < d; i++) {
      f64 sum = x[i * m + col];
      for (int k = 0; k < i; k++) sum -= l[i * d + k] * x[k * m + col];
      x[i * m + col] = sum / l[i * d + i];
    }
    for (int i = d - 1; i >= 0; i--) {
      f64 sum = x[i * m + col];
      for (int k = i + 1; k < d; k++) sum -= l[k * d + i] * x[k * m + col];
      x[i * m + col] = sum / l[i * d + i];
    }
  }
}

/*
 * ½·log det(Σ_{Y|P} + αI) per (image, class) of the pooled maps probs and labels [B·h·w·C], and
 * its gradient with respect to probs (src/losses/region/rmi-statistics.ts has the formula, the
 * derivation ∂f/∂P = −Kᵀ·W·(Y − K·P) and the JavaScript reference; the arithmetic here follows
 * it step for step). Outputs: values [B·C], gradient [B·h·w·C]. Scratch: 2·d·n + 9·d² + d
 * float64 (d = r², n = (h − r + 1)(w − r + 1)). Returns 0, or the 1-based index of the first
 * (image, class) whose matrix is not positive definite.
 */
EXPORT(rmi_terms)
int rmi_terms(const f32 *probs, const f32 *labels, int batch, int h, int w, int classes,
              int radius, f64 alpha, f32 *values, f32 *gradient, f64 *scratch) {
  int d = radius * radius;
  int nh = h - radius + 1, nw = w - radius + 1;
  int n = nh * nw;
  f64 *p = scratch, *y = p + (int64_t)d * n;
  f64 *sigma_p = y + (int64_t)d * n, *sigma_yp = sigma_p + d * d, *sigma_y = sigma_yp + d * d;
  f64 *kt = sigma_y + d * d, *m = kt + d * d, *factor = m + d * d, *inverse = factor + d * d;
  f64 *ktw = inverse + d * d, *l_p = ktw + d * d, *e = l_p + d * d;
  for (int64_t j = 0; j < (int64_t)batch * h * w * classes; j++) gradient[j] = 0;
  for (int b = 0; b < batch; b++) {
    for (int c = 0; c < classes; c++) {
      /* Centred neighbourhood vectors: row k holds the (k / r, k % r) shift of every point. */
      for (int k = 0; k < d; k++) {
        int ki = k / radius, kj = k % radius;
        f64 p_mean = 0, y_mean = 0;
        f64 *pk = p + (int64_t)k * n, *yk = y + (int64_t)k * n;
        for (int jr = 0; jr < nh; jr++) {
          const int64_t row = ((int64_t)(b * h + jr + ki) * w + kj) * classes + c;
          for (int jc = 0; jc < nw; jc++) {
            int j = jr * nw + jc;
            pk[j] = probs[row + (int64_t)jc * classes];
            yk[j] = labels[row + (int64_t)jc * classes];
            p_mean += pk[j];
            y_mean += yk[j];
          }
        }
        for (int j = 0; j < n; j++) {
          pk[j] -= p_mean / n;
          yk[j] -= y_mean / n;
        }
      }
      for (int k = 0; k < d; k++) {
        for (int l = 0; l < d; l++) {
          const f64 *pk = p + (int64_t)k * n, *pl = p + (int64_t)l * n;
          const f64 *yk = y + (int64_t)k * n, *yl = y + (int64_t)l * n;
          f64 pp = 0, yp = 0, yy = 0;
          for (int j = 0; j < n; j++) {
            pp += pk[j] * pl[j];
            yp += yk[j] * pl[j];
            yy += yk[j] * yl[j];
          }
          sigma_p[k * d + l] = pp + (k == l ? alpha : 0);
          sigma_yp[k * d + l] = yp;
          sigma_y[k * d + l] = yy;
        }
      }
      /* Kᵀ = (Σ_P + αI)⁻¹ Σ_{YP}ᵀ; M = Σ_Y − K Σ_{YP}ᵀ + αI (symmetrised). */
      if (cholesky64(sigma_p, d, l_p)) return b * classes + c + 1;
      for (int k = 0; k < d; k++) {
        for (int l = 0; l < d; l++) kt[k * d + l] = sigma_yp[l * d + k];
      }
      cholesky_solve64(l_p, d, kt, d);
      for (int k = 0; k < d; k++) {
        for (int l = 0; l < d; l++) {
          f64 explained = 0;
          for (int q = 0; q < d; q++) explained += kt[q * d + k] * sigma_yp[l * d + q];
          m[k * d + l] = sigma_y[k * d + l] - explained;
        }
      }
      for (int k = 0; k < d; k++) {
        for (int l = 0; l < k; l++) m[k * d + l] = m[l * d + k] = (m[k * d + l] + m[l * d + k]) / 2;
        m[k * d + k] += alpha;
      }
      if (cholesky64(m, d, factor)) return b * classes + c + 1;
      f64 half_log_det = 0;
      for (int k = 0; k < d; k++) half_log_det += log64(factor[k * d + k]);
      values[b * classes + c] = (f32)half_log_det;
      /* ∂f/∂P = −Kᵀ W E with W = M⁻¹ and E = Y − K P. */
      for (int k = 0; k < d * d; k++) inverse[k] = 0;
      for (int k = 0; k < d; k++) inverse[k * d + k] = 1;
      cholesky_solve64(factor, d, inverse, d);
      for (int k = 0; k < d; k++) {
        for (int l = 0; l < d; l++) {
          f64 sum = 0;
          for (int q = 0; q < d; q++) sum += kt[k * d + q] * inverse[q * d + l];
          ktw[k * d + l] = sum;
        }
      }
      for (int jr = 0; jr < nh; jr++) {
        for (int jc = 0; jc < nw; jc++) {
          int j = jr * nw + jc;
          for (int k = 0; k < d; k++) {
            f64 fitted = 0;
            for (int q = 0; q < d; q++) fitted += kt[q * d + k] * p[(int64_t)q * n + j];
            e[k] = y[(int64_t)k * n + j] - fitted;
          }
          for (int k = 0; k < d; k++) {
            f64 g = 0;
            for (int q = 0; q < d; q++) g -= ktw[k * d + q] * e[q];
            int64_t at = ((int64_t)(b * h + jr + k / radius) * w + jc + k % radius) * classes + c;
            gradient[at] = (f32)((f64)gradient[at] + g);
          }
        }
      }
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ binary cross-entropy */

/*
 * Binary cross-entropy with logits for binary targets t ∈ {0, 1}, four at a time:
 * ℓ = softplus(z) with z = (1 − 2t)·x, i.e. softplus(x) − t·x without its cancellation, as
 * max(z, 0) + log1p(e^−|z|); and its derivative ∂ℓ/∂x = (1 − 2t)·σ(z), with σ(z) = 1/(1 + e)
 * for z ≥ 0 and e/(1 + e) otherwise (e = e^−|z|), both accurate in the tails. Outputs: terms
 * and slope [n].
 */
EXPORT(binary_cross_entropy)
void binary_cross_entropy(const f32 *x, const f32 *t, int n, f32 *terms, f32 *slope) {
  const v128_t one = wasm_f32x4_splat(1.0f), zero = wasm_f32x4_splat(0.0f);
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v128_t sign = wasm_f32x4_sub(one, wasm_f32x4_add(wasm_v128_load(t + j), wasm_v128_load(t + j)));
    v128_t z = wasm_f32x4_mul(sign, wasm_v128_load(x + j));
    v128_t e = exp_f32x4(wasm_f32x4_neg(wasm_f32x4_abs(z)));
    v128_t up = wasm_f32x4_ge(z, zero);
    wasm_v128_store(terms + j, wasm_f32x4_add(wasm_f32x4_pmax(z, zero), log1p_f32x4(e)));
    v128_t sigma = wasm_f32x4_div(wasm_v128_bitselect(one, e, up), wasm_f32x4_add(one, e));
    wasm_v128_store(slope + j, wasm_f32x4_mul(sign, sigma));
  }
  for (; j < n; j++) {
    f64 sign = 1.0 - 2.0 * t[j];
    f64 z = sign * x[j];
    f64 e = exp64(-(z < 0 ? -z : z));
    terms[j] = (f32)((z > 0 ? z : 0.0) + log1p64(e));
    slope[j] = (f32)(sign * (z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e)));
  }
}
