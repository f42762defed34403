/**
 * Where the fused loss kernels live and when the losses use them.
 *
 * The kernels (`softmax-cross-entropy.ts`, `softmax-overlap.ts`, `binary-cross-entropy.ts`)
 * run in the library's own WebAssembly module (`native/`), in place on the wasm backend's
 * memory or on copies of the cpu backend's typed arrays. So the library registers them itself
 * — it needs nothing beyond tfjs-core — for those two backends, lazily: the first time a loss
 * asks for them while one of them is active. Registering a kernel does not create the backend,
 * and a kernel name no other library uses cannot clash with a built-in one.
 *
 * A loss takes its fused path only when {@link fusedKernelsActive} says so: the active backend
 * is one of the two, the WebAssembly module loads here (it needs WebAssembly SIMD) and the
 * switch below is on (the default). On any other backend (webgl, webgpu, tfjs-node) the losses
 * compute their composed form, which the tests check the fused kernels against.
 * `setFusedKernels(false)` forces the composed form everywhere.
 */
import * as tf from '@tensorflow/tfjs-core';

import { binaryCrossEntropyForward, binaryCrossEntropyKernel } from './binary-cross-entropy.js';
import { fusableBackends } from './kernel-backend.js';
import type { KernelArgs } from './kernel-backend.js';
import { lossKernelsAvailable } from './native/loss-kernels.js';
import {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
  softmaxCrossEntropyGradKernel,
  softmaxCrossEntropyKernel,
} from './softmax-cross-entropy.js';
import {
  softmaxOverlapBackward,
  softmaxOverlapForward,
  softmaxOverlapGradKernel,
  softmaxOverlapKernel,
} from './softmax-overlap.js';

type FusedKernel = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

const kernels: ReadonlyMap<string, FusedKernel> = new Map<string, FusedKernel>([
  [softmaxCrossEntropyKernel, softmaxCrossEntropyForward],
  [softmaxCrossEntropyGradKernel, softmaxCrossEntropyBackward],
  [softmaxOverlapKernel, softmaxOverlapForward],
  [softmaxOverlapGradKernel, softmaxOverlapBackward],
  [binaryCrossEntropyKernel, binaryCrossEntropyForward],
]);

let enabled = true;

/**
 * Turns the fused kernels on (default) or off for every loss. Off, the losses compute their
 * composed form on every backend — slower, numerically equivalent (see the kernels' tests).
 */
export function setFusedKernels(on: boolean): void {
  enabled = on;
}

/** Registers every fused kernel for `backendName` that is not registered yet. */
function ensureRegistered(backendName: string): void {
  for (const [kernelName, run] of kernels) {
    if (tf.getKernel(kernelName, backendName) !== undefined) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: run as unknown as tf.KernelFunc,
    });
  }
}

/**
 * Whether the losses should take their fused path now: the switch is on and the active backend
 * is 'wasm' or 'cpu' (whose kernels are then registered, if they were not yet).
 */
export function fusedKernelsActive(): boolean {
  if (!enabled) return false;
  const backendName = tf.getBackend();
  if (!fusableBackends.includes(backendName) || !lossKernelsAvailable()) return false;
  ensureRegistered(backendName);
  return true;
}
