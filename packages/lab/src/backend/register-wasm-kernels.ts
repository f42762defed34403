/**
 * Registers the training kernels that the wasm backend of tfjs 4.22 lacks or runs slowly, all
 * built from other wasm kernels (see each file for its derivation):
 *
 * | kernel                      | built-in                       | here                         |
 * | --------------------------- | ------------------------------ | ---------------------------- |
 * | `Conv2DBackpropFilter`      | missing: conv gradients throw  | dilated forward `Conv2D`     |
 * | `Conv2DBackpropInput`       | direct loop, ~10× the forward  | `Conv2D` of the spread dy    |
 * | `Tile` (batchNorm gradient) | index loop, ~300× a broadcast  | broadcast `Multiply`         |
 * | `MaxPoolGrad`               | scalar loop, ~100× the forward | `ArgMax` + `OneHot` (tiles)  |
 * | `ResizeNearestNeighborGrad` | window search, ~50× the resize | `AvgPool` (2ⁿ factors)       |
 * | `LabAdamW` (the lab's own)  | ~12 elementwise ops a variable | one pass a variable          |
 * | `Identity` (saved tensors)  | a copy                         | the same values, shared      |
 *
 * `Tile`, `MaxPoolGrad`, `ResizeNearestNeighborGrad` and `Identity` keep the built-in kernel for the cases
 * their fast path does not cover; `training/adamw.ts` calls `LabAdamW` on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

import { wasmAdamWConfig } from './wasm-adamw.js';
import { createWasmIdentityConfig } from './wasm-identity.js';
import { createWasmMaxPoolGradConfig } from './wasm-max-pool-grad.js';
import { createWasmResizeNearestNeighborGradConfig } from './wasm-resize-nearest-neighbor-grad.js';
import { wasmConv2DBackpropFilterConfig } from './wasm-conv-backprop-filter.js';
import { wasmConv2DBackpropInputConfig } from './wasm-conv-backprop-input.js';
import { createWasmTileConfig } from './wasm-tile.js';

/** A kernel that replaces the built-in one outright. */
const replacements: readonly tf.KernelConfig[] = [
  wasmConv2DBackpropFilterConfig,
  wasmConv2DBackpropInputConfig,
  wasmAdamWConfig,
];

/** Kernels that wrap the built-in one, which they receive, as a fallback. */
const wrappers: ReadonlyMap<string, (builtin: tf.KernelConfig) => tf.KernelConfig> = new Map([
  [tf.Tile, createWasmTileConfig],
  [tf.MaxPoolGrad, createWasmMaxPoolGradConfig],
  [tf.ResizeNearestNeighborGrad, createWasmResizeNearestNeighborGradConfig],
  [tf.Identity, createWasmIdentityConfig],
]);

/** Kernel functions installed by this module, to make registration idempotent. */
const installed = new WeakSet<tf.KernelFunc>();

function install(config: tf.KernelConfig): void {
  // registerKernel warns when overriding; unregistering the built-in first keeps it quiet.
  if (tf.getKernel(config.kernelName, 'wasm') !== undefined) {
    tf.unregisterKernel(config.kernelName, 'wasm');
  }
  tf.registerKernel(config);
  installed.add(config.kernelFunc);
}

function isInstalled(kernelName: string): boolean {
  const current = tf.getKernel(kernelName, 'wasm');
  return current !== undefined && installed.has(current.kernelFunc);
}

/**
 * Makes the kernels above the wasm implementations of their ops. Idempotent. Registration does
 * not need the wasm backend to be active: the kernels look up `Conv2D` and friends when they
 * run, and the wrappers pass the built-in kernel's setup on to the backend.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of replacements) {
    if (!isInstalled(config.kernelName)) install(config);
  }
  for (const [kernelName, wrap] of wrappers) {
    if (isInstalled(kernelName)) continue;
    const builtin = tf.getKernel(kernelName, 'wasm');
    if (builtin === undefined) {
      throw new Error(
        `registerWasmTrainingKernels: the wasm backend must register ${kernelName}, got none`,
      );
    }
    install(wrap(builtin));
  }
}
