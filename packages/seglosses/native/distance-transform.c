/*
 * The exact Euclidean distance transform of src/geometry/distance-transform.ts (Felzenszwalb &
 * Huttenlocher 2012), compiled to WebAssembly with 128-bit SIMD by
 * scripts/build-native-kernels.sh into src/kernels/native/distance-transform-binary.ts and
 * loaded by src/geometry/native-distance-transform.ts. As for every module of the library:
 * no C library, no stack and no static data in linear memory; every pointer is a byte offset
 * into the imported memory, and the scratch arrays come in as arguments.
 *
 * The arithmetic is that of the JavaScript path, operation for operation and in the same order
 * (no fused multiply-add exists in this instruction set), so both give the same bits: the
 * squared distance along axis 0 is s²·steps·steps, a parabola's key is f + s²·q·q, a crossing
 * is (h_q − h_v) / (2s²·(q − v)), and an output is s²·(p − v)·(p − v) + f(v), then its root.
 *
 * One difference in order of work, not of arithmetic: the backward sweep along axis 0 finishes
 * one slab (one index along axis 0, every index of the other axes) at a time, and each line
 * along axes 1 … rank − 1 lies inside one slab, so the envelope passes run on that slab at once
 * while it is in cache, instead of each pass streaming the whole array.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* The passes stay separate functions, each called once per line, slab or block: engines compile
 * a function first with a baseline compiler and run optimized code from its next call on, so
 * with everything inlined into the entry point the whole first transform would run as baseline
 * code (measured on V8: a first 96×256×256 call 1.5× slower than the following ones). */
#define PASS __attribute__((noinline)) static void

typedef double f64;

#define INF __builtin_inf()

/* Lines of a strided axis gathered together (see envelope_block). */
#define LINES_PER_BLOCK 16

/* ------------------------------------------------------------------ axis 0: two sweeps */

/* Forward sweep from a byte mask (sites where sites[j] == 0): values[j] = steps since the
 * nearest site above on the same line, ∞ if none (0 at the sites). Eight bytes at a time: the
 * zero test is widened from 8 to 64 bits per lane and clears the lanes of sites. */
PASS forward_sweep_u8(f64 *values, const uint8_t *sites, int n, int stride) {
  const v128_t zero = wasm_i16x8_splat(0);
  const v128_t one = wasm_f64x2_splat(1.0);
  const v128_t inf = wasm_f64x2_splat(INF);
  for (int row = 0; row < n; row++) {
    f64 *out = values + row * stride;
    const f64 *above = out - stride;
    const uint8_t *s = sites + row * stride;
    int x = 0;
    for (; x + 8 <= stride; x += 8) {
      v128_t site16 = wasm_i16x8_eq(wasm_u16x8_load8x8(s + x), zero);
      v128_t lo = wasm_i32x4_extend_low_i16x8(site16);
      v128_t hi = wasm_i32x4_extend_high_i16x8(site16);
      v128_t m0 = wasm_i64x2_extend_low_i32x4(lo);
      v128_t m1 = wasm_i64x2_extend_high_i32x4(lo);
      v128_t m2 = wasm_i64x2_extend_low_i32x4(hi);
      v128_t m3 = wasm_i64x2_extend_high_i32x4(hi);
      v128_t a0 = inf, a1 = inf, a2 = inf, a3 = inf;
      if (row > 0) {
        a0 = wasm_f64x2_add(wasm_v128_load(above + x), one);
        a1 = wasm_f64x2_add(wasm_v128_load(above + x + 2), one);
        a2 = wasm_f64x2_add(wasm_v128_load(above + x + 4), one);
        a3 = wasm_f64x2_add(wasm_v128_load(above + x + 6), one);
      }
      wasm_v128_store(out + x, wasm_v128_andnot(a0, m0));
      wasm_v128_store(out + x + 2, wasm_v128_andnot(a1, m1));
      wasm_v128_store(out + x + 4, wasm_v128_andnot(a2, m2));
      wasm_v128_store(out + x + 6, wasm_v128_andnot(a3, m3));
    }
    for (; x < stride; x++) out[x] = s[x] == 0 ? 0.0 : row > 0 ? above[x] + 1.0 : INF;
  }
}

/* Forward sweep in place, `values` holding 0 at the sites and ∞ elsewhere: a non-zero element
 * becomes the element above plus one (the first row stays as it is). Vectors run along a row,
 * never across rows, which depend on each other. */
PASS forward_sweep_f64(f64 *values, int n, int stride) {
  const v128_t zero = wasm_f64x2_splat(0.0);
  const v128_t one = wasm_f64x2_splat(1.0);
  for (int row = 1; row < n; row++) {
    f64 *out = values + row * stride;
    const f64 *above = out - stride;
    int x = 0;
    for (; x + 2 <= stride; x += 2) {
      v128_t here = wasm_v128_load(out + x);
      v128_t grown = wasm_f64x2_add(wasm_v128_load(above + x), one);
      wasm_v128_store(out + x, wasm_v128_bitselect(here, grown, wasm_f64x2_eq(here, zero)));
    }
    for (; x < stride; x++) {
      if (out[x] != 0) out[x] = above[x] + 1.0;
    }
  }
}

/* Backward sweep over one slab of `count` elements: `below` holds the steps to the nearest site
 * further down (∞ if none); steps = min(forward steps, below + 1) is kept in `below` and the
 * slab receives s²·steps·steps (its square root with `root`). */
PASS backward_slab(f64 *slab, f64 *below, int count, f64 s2, int root) {
  const v128_t one = wasm_f64x2_splat(1.0);
  const v128_t s2v = wasm_f64x2_splat(s2);
  int x = 0;
  for (; x + 2 <= count; x += 2) {
    /* pmin(a, b) = b < a ? b : a, the JavaScript path's `if (fromBelow < steps)`. */
    v128_t steps = wasm_f64x2_pmin(wasm_v128_load(slab + x),
                                   wasm_f64x2_add(wasm_v128_load(below + x), one));
    wasm_v128_store(below + x, steps);
    v128_t d2 = wasm_f64x2_mul(wasm_f64x2_mul(s2v, steps), steps);
    wasm_v128_store(slab + x, root ? wasm_f64x2_sqrt(d2) : d2);
  }
  for (; x < count; x++) {
    f64 steps = slab[x];
    f64 from_below = below[x] + 1.0;
    if (from_below < steps) steps = from_below;
    below[x] = steps;
    f64 d2 = s2 * steps * steps;
    slab[x] = root ? __builtin_sqrt(d2) : d2;
  }
}

/* ------------------------------------------------------------------ 1-D lower envelope */

/* The last index that parabola j of the envelope covers: min(n − 1, ⌊z⌋), z its right end;
 * −1 (nothing) for z < 0 and for a NaN z, which the JavaScript comparison `p <= NaN` skips. */
static inline int segment_end(f64 z, int n) {
  f64 e = __builtin_floor(z);
  if (e >= (f64)(n - 1)) return n - 1;
  if (e >= 0) return (int)e;
  return -1;
}

/* 1-D squared distance transform of f[0, n) in place (F&H 2012, Algorithm 1), its square root
 * with `root`: the lower envelope of the parabolas p ↦ s²(p − q)² + f(q) over the finite f(q),
 * then each p gets the value of the lowest one. A line without a finite value stays all ∞.
 * Scratch, each of n entries (z of n + 1): v, the sites of the envelope's parabolas; h, their
 * f(v) + s²v² (the terms of the crossings); fv, their f(v) (the line is overwritten while the
 * envelope is read); z, parabola k being the lowest on [z[k], z[k + 1]].
 * The pop loop stops at k = 0 explicitly: z[0] = −∞ does it for any finite crossing, and the
 * bound keeps a non-finite one (spacing² under- or overflowing) inside the scratch. */
PASS envelope_line(f64 *f, int n, f64 s2, int root, int32_t *v, f64 *h, f64 *fv, f64 *z) {
  const f64 two_s2 = 2 * s2;
  int k = -1;
  for (int q = 0; q < n; q++) {
    f64 fq = f[q];
    if (fq == INF) continue;
    f64 hq = fq + s2 * (f64)q * (f64)q;
    if (k < 0) {
      k = 0;
      v[0] = q;
      h[0] = hq;
      fv[0] = fq;
      z[0] = -INF;
      continue;
    }
    f64 x = (hq - h[k]) / (two_s2 * (f64)(q - v[k]));
    while (k > 0 && x <= z[k]) {
      k--;
      x = (hq - h[k]) / (two_s2 * (f64)(q - v[k]));
    }
    k++;
    v[k] = q;
    h[k] = hq;
    fv[k] = fq;
    z[k] = x;
  }
  if (k < 0) return;
  const v128_t s2v = wasm_f64x2_splat(s2);
  const v128_t two = wasm_f64x2_splat(2.0);
  int p = 0;
  for (int j = 0; j <= k; j++) {
    int end = j == k ? n - 1 : segment_end(z[j + 1], n);
    int vj = v[j];
    f64 fj = fv[j];
    /* Two positions at a time along a long segment: (p − v, p + 1 − v) in the lanes. */
    if (p + 1 <= end) {
      v128_t d = wasm_f64x2_make((f64)(p - vj), (f64)(p + 1 - vj));
      v128_t fjv = wasm_f64x2_splat(fj);
      for (; p + 1 <= end; p += 2) {
        v128_t val = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_mul(s2v, d), d), fjv);
        wasm_v128_store(f + p, root ? wasm_f64x2_sqrt(val) : val);
        d = wasm_f64x2_add(d, two);
      }
    }
    for (; p <= end; p++) {
      f64 d = (f64)(p - vj);
      f64 val = s2 * d * d + fj;
      f[p] = root ? __builtin_sqrt(val) : val;
    }
  }
}

/* Lines along a strided axis, `count` ≤ LINES_PER_BLOCK adjacent ones at a time: their elements
 * at one position along the axis are adjacent in memory, so they are gathered (transposed)
 * into `lines`, line b at [b·n, (b + 1)·n), transformed, and scattered back. The transposes
 * move 2 × 2 tiles: positions q, q + 1 of lines b, b + 1. */
PASS envelope_block(f64 *values, int count, int stride, int n, f64 s2, int root, f64 *lines,
                    int32_t *v, f64 *h, f64 *fv, f64 *z) {
  int pairs = count & ~1;
  int q = 0;
  for (; q + 2 <= n; q += 2) {
    const f64 *r0 = values + q * stride;
    const f64 *r1 = r0 + stride;
    int b = 0;
    for (; b < pairs; b += 2) {
      v128_t a = wasm_v128_load(r0 + b);
      v128_t c = wasm_v128_load(r1 + b);
      wasm_v128_store(lines + b * n + q, wasm_i64x2_shuffle(a, c, 0, 2));
      wasm_v128_store(lines + (b + 1) * n + q, wasm_i64x2_shuffle(a, c, 1, 3));
    }
    for (; b < count; b++) {
      lines[b * n + q] = r0[b];
      lines[b * n + q + 1] = r1[b];
    }
  }
  for (; q < n; q++) {
    for (int b = 0; b < count; b++) lines[b * n + q] = values[q * stride + b];
  }
  for (int b = 0; b < count; b++) envelope_line(lines + b * n, n, s2, root, v, h, fv, z);
  q = 0;
  for (; q + 2 <= n; q += 2) {
    f64 *r0 = values + q * stride;
    f64 *r1 = r0 + stride;
    int b = 0;
    for (; b < pairs; b += 2) {
      v128_t a = wasm_v128_load(lines + b * n + q);
      v128_t c = wasm_v128_load(lines + (b + 1) * n + q);
      wasm_v128_store(r0 + b, wasm_i64x2_shuffle(a, c, 0, 2));
      wasm_v128_store(r1 + b, wasm_i64x2_shuffle(a, c, 1, 3));
    }
    for (; b < count; b++) {
      r0[b] = lines[b * n + q];
      r1[b] = lines[b * n + q + 1];
    }
  }
  for (; q < n; q++) {
    for (int b = 0; b < count; b++) values[q * stride + b] = lines[b * n + q];
  }
}

/* The envelope passes along axes 1 … last over one slab of `size` elements (the product of
 * shape[1 …]), the root taken by the pass along `last`. */
static void envelope_passes(f64 *slab, int size, int last, const int32_t *shape,
                            const f64 *spacing, int root, f64 *lines, int32_t *v, f64 *h,
                            f64 *fv, f64 *z) {
  int stride = size;
  for (int axis = 1; axis <= last; axis++) {
    int n = shape[axis];
    stride /= n;
    if (n == 1) continue;
    f64 s2 = spacing[axis] * spacing[axis];
    int root_here = root && axis == last;
    if (stride == 1) {
      for (int start = 0; start < size; start += n) {
        envelope_line(slab + start, n, s2, root_here, v, h, fv, z);
      }
      continue;
    }
    for (int outer = 0; outer < size; outer += n * stride) {
      for (int inner = 0; inner < stride; inner += LINES_PER_BLOCK) {
        int count = stride - inner < LINES_PER_BLOCK ? stride - inner : LINES_PER_BLOCK;
        envelope_block(slab + outer + inner, count, stride, n, s2, root_here, lines, v, h, fv, z);
      }
    }
  }
}

/* ------------------------------------------------------------------ entry point */

/*
 * Squared Euclidean distance of every element of the row-major grid `shape` [rank] (int32) with
 * spacing `spacing` [rank] (float64) to the nearest site, into values [size] (its square root
 * with `root`); ∞ everywhere when there is no site.
 *
 * Sites: the zero bytes of sites [size] when `sites` is not 0; otherwise values holds 0 at the
 * sites and ∞ elsewhere on entry. Scratch: below [size / shape[0]], lines
 * [LINES_PER_BLOCK · longest] (only when some axis ≥ 1 other than the last is longer than 1),
 * v (int32), h, fv [longest] and z [longest + 1], longest the longest axis.
 */
EXPORT(distance_transform)
void distance_transform(f64 *values, const uint8_t *sites, int rank, const int32_t *shape,
                        const f64 *spacing, int root, f64 *below, f64 *lines, int32_t *v,
                        f64 *h, f64 *fv, f64 *z) {
  int n = shape[0];
  int slab = 1;
  for (int axis = 1; axis < rank; axis++) slab *= shape[axis];
  int last = rank - 1;
  while (last > 0 && shape[last] == 1) last--;
  if (sites) forward_sweep_u8(values, sites, n, slab);
  else forward_sweep_f64(values, n, slab);
  for (int x = 0; x < slab; x++) below[x] = INF;
  f64 s2 = spacing[0] * spacing[0];
  for (int row = n - 1; row >= 0; row--) {
    f64 *here = values + row * slab;
    backward_slab(here, below, slab, s2, root && last == 0);
    if (last > 0) envelope_passes(here, slab, last, shape, spacing, root, lines, v, h, fv, z);
  }
}
