/**
 * Helpers for the boundary losses' tests: the cacheable target maps of a loss computed the way a
 * caller would (per image, through `TargetMap.compute`), and predictions of shifted shapes.
 */
import { createLoss } from '../../../index.js';
import type { LossExtras } from '../../../index.js';
import { tf } from '../../../test-support/backends.js';

/**
 * `extras` holding every target map of `createLoss(name, options)` for the int labels `[B,H,W]`
 * and a model with `channels` outputs, each image's map computed on its own.
 */
export function targetMapExtras(
  name: string,
  options: Record<string, unknown>,
  labels: tf.Tensor3D,
  channels: number,
  spacing?: readonly [number, number],
): LossExtras {
  const loss = createLoss(name, options);
  const [batch, height, width] = labels.shape;
  const area = height * width;
  const data = labels.dataSync();
  const extras: Record<string, tf.Tensor> = {};
  for (const map of loss.targetMaps) {
    const k = map.channels === 0 ? channels : map.channels;
    const values = new Float32Array(batch * area * k);
    for (let b = 0; b < batch; b++) {
      const image = data.subarray(b * area, (b + 1) * area);
      values.set(map.compute(image, height, width, channels, spacing), b * area * k);
    }
    extras[map.name] = tf.tensor4d(values, [batch, height, width, k]);
  }
  return extras;
}

/**
 * Labels `[1,H,W]` of a filled rectangle of class 1 (rows r0..r1, columns c0..c1, inclusive) on
 * background 0.
 */
export function rectangleLabels(
  height: number,
  width: number,
  [r0, r1, c0, c1]: readonly [number, number, number, number],
): number[] {
  const labels = new Array<number>(height * width).fill(0);
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) labels[r * width + c] = 1;
  return labels;
}

/** Two-class logits `[H,W,2]` (flat) that predict `labels` with margin ±`logit`. */
export function confidentLogits(labels: readonly number[], logit = 4): number[] {
  return labels.flatMap((l) => (l === 1 ? [-logit, logit] : [logit, -logit]));
}

/** The value of a loss on one image of labels and two-class logits, shapes `[1,H,W]`. */
export function valueOn(
  name: string,
  options: Record<string, unknown>,
  labels: readonly number[],
  logits: readonly number[],
  height: number,
  width: number,
): number {
  const loss = createLoss(name, options);
  return tf.tidy(() => {
    const yTrue = tf.tensor3d([...labels], [1, height, width], 'int32');
    const yPred = tf.tensor4d([...logits], [1, height, width, 2]);
    return loss(yTrue, yPred).dataSync()[0];
  });
}
