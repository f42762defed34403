/**
 * Tiny inputs for hand-computed test cases: int labels and probabilities (or logits) given as
 * plain arrays, evaluated through `createLoss` on the current backend.
 */
import { createLoss } from '../index.js';
import { before, describe } from 'node:test';

import { testBackends, tf, useBackend } from './backends.js';
import { seededRandom } from './loss-properties.js';

export type Shape4 = [number, number, number, number];

/**
 * The two-pixel case of the region tests: one image, pixels (0, 0) and (0, 1), two classes,
 * y = [[0.8, 0.2], [0.4, 0.6]] and t = [0, 1].
 */
export const twoPixels = {
  labels: [0, 1],
  probs: [0.8, 0.2, 0.4, 0.6],
  shape: [1, 1, 2, 2] as Shape4,
};

/** Value and gradient (w.r.t. yPred, flat NHWC) of a loss on int labels `[B,H,W]`. */
export function evaluateLoss(
  name: string,
  options: Record<string, unknown>,
  labels: readonly number[],
  yPred: readonly number[],
  shape: Shape4,
): { value: number; grad: Float32Array } {
  const loss = createLoss(name, options);
  return tf.tidy(() => {
    const yTrue = tf.tensor3d([...labels], [shape[0], shape[1], shape[2]], 'int32');
    const pred = tf.tensor4d([...yPred], shape);
    const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => loss(yTrue, p) as tf.Scalar)(pred);
    return { value: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
  });
}

/** Deterministic logits in [−scale, scale]. */
export function fixedLogits(shape: Shape4, seed: number, scale = 2): number[] {
  const random = seededRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

/** Registers `body` (a group of tests) once per test backend, with that backend active. */
export function describeOnBackends(title: string, body: () => void): void {
  for (const backend of testBackends) {
    describe(`${title} on ${backend}`, () => {
      before(() => useBackend(backend));
      body();
    });
  }
}
