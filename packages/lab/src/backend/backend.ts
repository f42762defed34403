/**
 * Selects the tfjs backend the lab trains on. `'wasm'` (the default) is XNNPACK compiled to
 * WebAssembly, single-threaded in Node, with the training kernels of
 * `register-wasm-kernels.ts` added; `'cpu'` is the plain JavaScript reference backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

import { registerWasmTrainingKernels } from './register-wasm-kernels.js';

export type BackendName = 'wasm' | 'cpu';

export const backendNames: readonly BackendName[] = ['wasm', 'cpu'];

/** Activates backend `name`, registering the wasm training kernels first, and waits for it. */
export async function initBackend(name: BackendName = 'wasm'): Promise<void> {
  if (!backendNames.includes(name)) {
    throw new Error(
      `initBackend: backend must be one of ${backendNames.join(', ')}, got '${String(name)}'`,
    );
  }
  if (name === 'wasm') registerWasmTrainingKernels();
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`initBackend: backend '${name}' must initialise, got a failure`);
  await tf.ready();
}
