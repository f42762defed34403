/**
 * Small dense symmetric positive definite matrices in float64 (row-major `Float64Array`s of
 * d·d entries): Cholesky factor, log-determinant, solves and inverse. For the 9×9 covariance
 * matrices of the region mutual information loss, where tfjs has no Cholesky and float32 would
 * lose the Schur complement to cancellation.
 */
import { SeglossesError } from './errors.js';

/** Lower-triangular L with L·Lᵀ = A; throws when A is not positive definite. */
export function cholesky(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let pivot = a[j * d + j];
    for (let k = 0; k < j; k++) pivot -= l[j * d + k] * l[j * d + k];
    if (!(pivot > 0)) {
      throw new SeglossesError(`cholesky: matrix is not positive definite (pivot ${j}: ${pivot})`);
    }
    const diagonal = Math.sqrt(pivot);
    l[j * d + j] = diagonal;
    for (let i = j + 1; i < d; i++) {
      let sum = a[i * d + j];
      for (let k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = sum / diagonal;
    }
  }
  return l;
}

/** log det A = 2 Σ log L_jj from the Cholesky factor L of A. */
export function logDetFromCholesky(l: Float64Array, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += Math.log(l[j * d + j]);
  return 2 * sum;
}

/** Solves A·X = B for X (d×m, row-major) given the Cholesky factor L of A. */
export function choleskySolve(
  l: Float64Array,
  d: number,
  b: Float64Array,
  m: number,
): Float64Array {
  const x = Float64Array.from(b);
  for (let col = 0; col < m; col++) {
    // Forward substitution L·y = b, then back substitution Lᵀ·x = y, in place.
    for (let i = 0; i < d; i++) {
      let sum = x[i * m + col];
      for (let k = 0; k < i; k++) sum -= l[i * d + k] * x[k * m + col];
      x[i * m + col] = sum / l[i * d + i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let sum = x[i * m + col];
      for (let k = i + 1; k < d; k++) sum -= l[k * d + i] * x[k * m + col];
      x[i * m + col] = sum / l[i * d + i];
    }
  }
  return x;
}

/** A⁻¹ from the Cholesky factor L of A. */
export function choleskyInverse(l: Float64Array, d: number): Float64Array {
  const identity = new Float64Array(d * d);
  for (let i = 0; i < d; i++) identity[i * d + i] = 1;
  return choleskySolve(l, d, identity, d);
}
