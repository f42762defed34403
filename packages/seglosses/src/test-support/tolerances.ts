/**
 * Every numeric tolerance of the test suite, in one place. The library computes in float32 on
 * every backend, so tolerances are set by float32 precision.
 */

/** Relative tolerance of a loss value against an oracle (oracles README: about 1e-4). */
export const valueRelTol = 1e-4;
/** Absolute floor for values near 0, where a relative tolerance is meaningless. */
export const valueAbsTol = 1e-6;
/** Largest gradient difference relative to the largest reference entry (oracles README). */
export const gradRelTol = 1e-4;
/** Finite differences in float32: central step and the tolerance they support. */
export const finiteDifferenceStep = 1e-2;
export const finiteDifferenceRelTol = 2e-2;

/** Whether `actual` matches `expected` within the value tolerances. */
export function closeValue(actual: number, expected: number, rel = valueRelTol): boolean {
  return Math.abs(actual - expected) <= Math.max(rel * Math.abs(expected), valueAbsTol);
}

/** max |a − e| / max |e| (with a floor of 1e-12 on the denominator). */
export function relativeMaxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxDiff / Math.max(maxRef, 1e-12);
}

/**
 * A fused kernel against the composed form it replaces (value relative to its size, gradient
 * as `relativeMaxError`): both are float32 results, the fused one accumulated in float64.
 */
export const fusedRelTol = 1e-5;
