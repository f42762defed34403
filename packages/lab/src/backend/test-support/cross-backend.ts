/**
 * Runs one computation on the cpu backend (the reference) and on the wasm backend (with the lab's
 * training kernels), and compares the results.
 *
 * Tolerance: both backends compute in float32 but sum in different orders (XNNPACK tiles the
 * reductions, the cpu backend loops), so results differ by a few units in the last place of the
 * largest partial sums. Measured gaps on the cases of this folder are 1e-7–5e-7 of the largest
 * reference entry; `crossBackendRelTol` leaves an order of magnitude of headroom.
 */
import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../backend.js';

/** Largest |wasm − cpu| over the largest |cpu| entry, both backends in float32. */
export const crossBackendRelTol = 1e-5;

/** `compute` on cpu, then on wasm; `compute` must return plain arrays (tensors disposed). */
export async function onCpuAndWasm<T>(compute: () => T): Promise<{ cpu: T; wasm: T }> {
  await initBackend('cpu');
  const cpu = compute();
  await initBackend('wasm');
  const wasm = compute();
  return { cpu, wasm };
}

/** Reads each tensor into a Float32Array inside a tidy, so nothing outlives the call. */
export function readAll(compute: () => tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => compute().map((t) => Float32Array.from(t.dataSync())));
}

/** max |a − e| / max |e| (denominator floored at 1e-12). */
export function relativeMaxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(
      `relativeMaxError: lengths must match, got ${actual.length} and ${expected.length}`,
    );
  }
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxDiff / Math.max(maxRef, 1e-12);
}

/** Number of data buffers the active backend holds (catches leaks that never became tensors). */
export function backendDataIds(): number {
  return tf.engine().backend.numDataIds();
}
