/**
 * Fused binary cross-entropy with logits for binary targets, registered as the kernel
 * `SeglossesBinaryCrossEntropy` (WebAssembly: `binary_cross_entropy` in native/loss-kernels.c):
 * per element ℓ = softplus((1 − 2t)·x) — softplus(x) − t·x for t ∈ {0, 1}, without its
 * cancellation — and the slope ∂ℓ/∂x = (1 − 2t)·σ((1 − 2t)·x), in one pass, instead of two
 * softplus kernels and their gradients. Backward: dy·slope.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { KernelArgs } from './kernel-backend.js';
import { runNativeKernel } from './native/loss-kernels.js';

export const binaryCrossEntropyKernel = 'SeglossesBinaryCrossEntropy';

/** Forward kernel: [terms, slope], both of the logits' shape. */
export function binaryCrossEntropyForward(args: KernelArgs) {
  const { logits, target } = args.inputs as { logits: tf.TensorInfo; target: tf.TensorInfo };
  return runNativeKernel(binaryCrossEntropyKernel, args.backend, (kb, call) => {
    const n = tf.util.sizeFromShape(logits.shape);
    const terms = kb.allocate(logits.shape);
    const slope = kb.allocate(logits.shape);
    const at = {
      x: call.input(logits),
      t: call.input(target),
      terms: call.output(terms),
      slope: call.output(slope),
    };
    call.commit();
    call.exports.binary_cross_entropy(at.x, at.t, n, at.terms, at.slope);
    call.finish();
    return [kb.release(terms), kb.release(slope)];
  });
}

/**
 * Per-element binary cross-entropy of float32 `logits` against a float32 `target` of the same
 * shape whose entries are 0 or 1, through the fused kernel (which must be registered for the
 * active backend); differentiable with respect to the logits.
 */
export function fusedBinaryCrossEntropy(logits: tf.Tensor, target: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [terms, slope] = tf
      .engine()
      .runKernel(binaryCrossEntropyKernel, { logits: x, target }) as tf.Tensor[];
    save([slope]);
    return {
      value: terms,
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, saved),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits);
}
