/**
 * The exponentials every fused softmax kernel starts from, e_ic ∝ exp(x_ic) per row i of C
 * logits, computed by the backend's own vectorised kernels rather than a JavaScript loop of
 * `Math.exp` (about 5× slower per element):
 *
 *   e^x = σ(x) / σ(−x),   σ(x) = 1/(1 + e^{−x}),
 *
 * three kernels — `Neg`, `Sigmoid` twice and `Div` — where σ on wasm is XNNPACK's vectorised
 * one. Both factors keep their relative accuracy (a few float32 ulps) for |x| ≤ 80; neither
 * saturates to 1 in the quotient (that would be σ(x)/(1 − σ(x)), whose denominator loses every
 * digit once x ≳ 17). Beyond |x| = 80 they leave float32's normal range, so a row with any
 * e ∉ [e^{−80}, e^{80}] (or not finite) is recomputed from its logits by
 * {@link exactRow}: e_c = exp(x_c − max_c x), in float64 — the rows of saturated predictions.
 * Both forms are proportional to exp(x_c) within the row, which is all a softmax needs:
 * p_c = e_c / Σ_j e_j.
 */
import type * as tf from '@tensorflow/tfjs-core';

import type { KernelBackend } from './kernel-backend.js';

/** Entries outside [smallest, largest] = [e^−80, e^80] send their row to `exactRow`. */
export const smallest = Math.exp(-80);
export const largest = Math.exp(80);

/** e = σ(x)/σ(−x) for every logit, as a new tensor owned by `kb`. */
export function exponentials(kb: KernelBackend, logits: tf.TensorInfo): tf.TensorInfo {
  const negated = kb.run('Neg', { x: logits });
  const up = kb.run('Sigmoid', { x: logits });
  const down = kb.run('Sigmoid', { x: negated });
  return kb.run('RealDiv', { a: up, b: down });
}

/**
 * Rewrites row `base … base + classes` of `e` as exp(x − max x) from the logits `x` and returns
 * its sum. For rows {@link exponentials} cannot represent (see the module comment).
 */
export function exactRow(x: Float32Array, e: Float32Array, base: number, classes: number): number {
  const top = rowMax(x, base, classes);
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const v = Math.exp(x[base + c] - top);
    e[base + c] = v;
    sum += v;
  }
  return sum;
}

/** The largest of `classes` entries of `x` from `base`. */
export function rowMax(x: Float32Array, base: number, classes: number): number {
  let top = -Infinity;
  for (let c = 0; c < classes; c++) top = Math.max(top, x[base + c]);
  return top;
}

/**
 * Σ_c e_c of a row, or −1 when an entry is outside [smallest, largest] (or NaN) and the row
 * must go through {@link exactRow}. The check is two comparisons that almost never fail, so
 * they cost next to nothing.
 */
export function rowSum(e: Float32Array, base: number, classes: number): number {
  let sum = 0;
  let bad = false;
  for (let c = 0; c < classes; c++) {
    const v = e[base + c];
    sum += v;
    if (!(v >= smallest && v <= largest)) bad = true;
  }
  return bad ? -1 : sum;
}
