/**
 * One AdamW step for one variable as a single wasm kernel, `LabAdamW`: inputs θ, g, m, v (same
 * shape), outputs the new θ, m and v, in one pass — instead of the dozen elementwise ops per
 * variable of `training/adamw.ts`'s composed form, each a kernel call with its own allocation
 * (about 800 of them per step of the demo UNet).
 *
 *   m′ = β₁m + (1 − β₁)g,   v′ = β₂v + (1 − β₂)g²,
 *   θ′ = θ − lr·((m′/c₁)/(√(v′/c₂) + ε) + λθ),   c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ
 *
 * evaluated in float64 and stored in float32 (the composed form rounds each op to float32).
 * Attributes: lr, beta1, beta2, epsilon, weightDecay, correction1 (c₁), correction2 (c₂).
 */
import * as tf from '@tensorflow/tfjs';

import { WasmKernelScope } from './wasm-kernel-scope.js';

export const adamWKernel = 'LabAdamW';

export interface AdamWAttrs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly correction1: number;
  readonly correction2: number;
}

/** The kernel function: [θ′, m′, v′]. */
export function wasmAdamW(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo[] {
  const who = `${adamWKernel} (wasm)`;
  const variable = args.inputs.variable;
  if (variable === undefined || variable.dtype !== 'float32') {
    throw new Error(`${who}: variable must be a float32 tensor, got ${variable?.dtype}`);
  }
  const inputs: Record<string, tf.TensorInfo> = {};
  for (const name of ['gradient', 'm', 'v']) {
    const info = args.inputs[name];
    if (
      info === undefined ||
      info.dtype !== 'float32' ||
      info.shape.join() !== variable.shape.join()
    ) {
      throw new Error(
        `${who}: ${name} must be float32 [${variable.shape}] like the variable, got ` +
          `${info?.dtype} [${info?.shape}]`,
      );
    }
    inputs[name] = info;
  }
  const { gradient, m, v } = inputs;
  const a = args.attrs as unknown as AdamWAttrs;
  const scope = new WasmKernelScope(who, args.backend);
  try {
    const shape = [...variable.shape];
    const newTheta = scope.allocateFloat32(shape);
    const newM = scope.allocateFloat32(shape);
    const newV = scope.allocateFloat32(shape);
    const theta = scope.heapView(variable);
    const g = scope.heapView(gradient);
    const m0 = scope.heapView(m);
    const v0 = scope.heapView(v);
    const theta1 = scope.heapView(newTheta);
    const m1 = scope.heapView(newM);
    const v1 = scope.heapView(newV);
    const { beta1, beta2, epsilon } = a;
    const keep1 = 1 - beta1;
    const keep2 = 1 - beta2;
    const inverse1 = 1 / a.correction1;
    const inverse2 = 1 / a.correction2;
    for (let i = 0; i < theta.length; i++) {
      const gi = g[i];
      const mi = beta1 * m0[i] + keep1 * gi;
      const vi = beta2 * v0[i] + keep2 * gi * gi;
      m1[i] = mi;
      v1[i] = vi;
      const step = (mi * inverse1) / (Math.sqrt(vi * inverse2) + epsilon);
      theta1[i] = theta[i] - a.lr * (step + a.weightDecay * theta[i]);
    }
    return [scope.release(newTheta), scope.release(newM), scope.release(newV)];
  } finally {
    scope.dispose();
  }
}

export const wasmAdamWConfig: tf.KernelConfig = {
  kernelName: adamWKernel,
  backendName: 'wasm',
  kernelFunc: wasmAdamW as unknown as tf.KernelFunc,
};
