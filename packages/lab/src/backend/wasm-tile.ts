/**
 * A fast path for `Tile` on the wasm backend, whose built-in kernel computes every output
 * element's source index one division at a time (about 100 ms to tile a [1,1,1,16] vector to
 * [4,64,64,16]). The gradient of `tf.batchNorm` tiles 1/√(σ² + ε) to the full activation shape,
 * so this kernel dominated the backward pass of a UNet with batch normalisation.
 *
 * Tiling is a broadcast in disguise. With reps r and input shape s, the output index along axis
 * i is k·sᵢ + j (k < rᵢ copy, j < sᵢ source), so in row-major order
 *
 *   out[r₀, s₀, r₁, s₁, …] (viewed with 2n axes) = x[1, s₀, 1, s₁, …] broadcast over the r axes.
 *
 * Axes of size 1 are dropped and adjacent axes of the same kind (copy or source) merged, which
 * leaves a rank of at most 2n and usually 2 or 3. The broadcast is a `Multiply` by ones (XNNPACK,
 * exact for every float including −0, ±∞ and NaN), followed by a free reshape.
 *
 * Only float32 with a merged rank ≤ 6 (XNNPACK's limit) takes the fast path; other dtypes and
 * shapes go to the built-in kernel.
 */
import * as tf from '@tensorflow/tfjs';

import { WasmKernelScope } from './wasm-kernel-scope.js';

const who = 'Tile (wasm)';
const maxBroadcastRank = 6;

interface BroadcastPlan {
  /** x reshaped: source axes keep their size, copy axes are 1. */
  viewShape: number[];
  /** The merged output axes. */
  fullShape: number[];
}

/** The broadcast that equals `tile(x, reps)`, or null when there is nothing to broadcast. */
export function tileAsBroadcast(
  shape: readonly number[],
  reps: readonly number[],
): BroadcastPlan | null {
  const axes: { size: number; copy: boolean }[] = [];
  const push = (size: number, copy: boolean): void => {
    if (size === 1) return;
    const last = axes[axes.length - 1];
    if (last !== undefined && last.copy === copy) last.size *= size;
    else axes.push({ size, copy });
  };
  shape.forEach((size, i) => {
    push(reps[i], true);
    push(size, false);
  });
  if (!axes.some((axis) => axis.copy)) return null;
  return {
    viewShape: axes.map((axis) => (axis.copy ? 1 : axis.size)),
    fullShape: axes.map((axis) => axis.size),
  };
}

/** A `Tile` kernel config that broadcasts when it can and defers to `builtin` otherwise. */
export function createWasmTileConfig(builtin: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x;
    const reps = (args.attrs as unknown as tf.TileAttrs | undefined)?.reps;
    if (x === undefined || reps === undefined || reps.length !== x.shape.length) {
      throw new Error(
        `${who}: reps must have one entry per axis of x, got ${JSON.stringify(reps)} for ` +
          `x of shape ${JSON.stringify(x?.shape)}`,
      );
    }
    const plan = x.dtype === 'float32' ? tileAsBroadcast(x.shape, reps) : null;
    if (plan === null || plan.fullShape.length > maxBroadcastRank || plan.fullShape.includes(0)) {
      return builtin.kernelFunc(args);
    }
    const scope = new WasmKernelScope(who, args.backend);
    try {
      const view = scope.run('Reshape', { x }, { shape: plan.viewShape });
      const ones = scope.run('Fill', {}, { shape: plan.fullShape, value: 1, dtype: 'float32' });
      const tiled = scope.run('Multiply', { a: view, b: ones });
      const outShape = x.shape.map((size, i) => size * reps[i]);
      return scope.release(scope.run('Reshape', { x: tiled }, { shape: outShape }));
    } finally {
      scope.dispose();
    }
  };
  return {
    kernelName: tf.Tile,
    backendName: 'wasm',
    setupFunc: builtin.setupFunc,
    disposeFunc: builtin.disposeFunc,
    kernelFunc,
  };
}
