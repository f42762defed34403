/**
 * Planar affine transforms in the parametrisation the InverseForm network regresses: the
 * logarithm of the transform, a 3×3 generator with a zero last row,
 *
 *   M = [[m0, m1, m2], [m3, m4, m5], [0, 0, 0]],
 *   T = exp(M) = [[a0, a1, a2], [a3, a4, a5], [0, 0, 1]],
 *
 * in normalised coordinates (origin at the tile centre, one unit = half a tile). M = 0 is the
 * identity and exp(−M) = exp(M)⁻¹ exactly, so the parameters of the inverse transform are the
 * negated parameters — the property the network's antisymmetric form builds in. For small M,
 * T − I ≈ M, so ‖M‖_F is the paper's ‖T − I‖_F to first order.
 */

/** The six free entries of a 2×3 (affine) block, row-major. */
export type Affine6 = readonly [number, number, number, number, number, number];

type Matrix3 = number[];

function multiply3(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[r * 3 + k] * b[k * 3 + c];
      out[r * 3 + c] = s;
    }
  }
  return out;
}

/**
 * exp(M) of the generator with free entries `m`, as the top two rows of T. Scaling and squaring:
 * exp(M) = exp(M / 2^k)^(2^k) with ‖M / 2^k‖ ≤ 1/4, where a 12-term Taylor series is exact to
 * float64 rounding.
 */
export function affineExp(m: Affine6): Affine6 {
  const norm = Math.max(...m.map(Math.abs)) * 3;
  const k = norm > 0.25 ? Math.ceil(Math.log2(norm / 0.25)) : 0;
  const scale = 2 ** -k;
  const g = [m[0], m[1], m[2], m[3], m[4], m[5], 0, 0, 0].map((v) => v * scale);
  let result = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  let term = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let n = 1; n <= 12; n++) {
    term = multiply3(term, g).map((v) => v / n);
    result = result.map((v, i) => v + term[i]);
  }
  for (let i = 0; i < k; i++) result = multiply3(result, result);
  return [result[0], result[1], result[2], result[3], result[4], result[5]];
}

/** The generator of the inverse transform: exp(−M) = exp(M)⁻¹. */
export function inverseGenerator(m: Affine6): Affine6 {
  return [-m[0], -m[1], -m[2], -m[3], -m[4], -m[5]];
}

/** The `index`-th block of six in a flat array (e.g. a batch of generators `[N, 6]`). */
export function affineAt(values: ArrayLike<number>, index: number): Affine6 {
  const at = (k: number) => values[6 * index + k];
  return [at(0), at(1), at(2), at(3), at(4), at(5)];
}

/** Applies the affine block `a` to the point (x, y). */
export function applyAffine(a: Affine6, x: number, y: number): [number, number] {
  return [a[0] * x + a[1] * y + a[2], a[3] * x + a[4] * y + a[5]];
}
