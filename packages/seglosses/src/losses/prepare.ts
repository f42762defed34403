/**
 * Turns `(yTrue, yPred)` into what every loss computes with: probabilities, a float one-hot
 * target with zero rows at ignored pixels, and a validity mask. Checked once, here, so every loss
 * rejects bad input with the same message.
 *
 * Accepted input:
 * - `yPred`: float32 `[B,H,W,C]` logits (or probabilities with `activation: 'none'`).
 * - `yTrue`: int32 `[B,H,W]` class indices in `0..C-1` or `ignoreIndex`, or float32 `[B,H,W,C]`
 *   one-hot / soft targets. With C > 1 an all-zero row marks an ignored pixel; with C = 1 the
 *   value is the foreground probability and every pixel counts.
 */
import * as tf from '@tensorflow/tfjs-core';

import { fail } from '../core/errors.js';
import {
  accurateLogSoftmax,
  accurateSigmoid,
  accurateSoftmax,
} from '../core/stable-activations.js';
import type { Activation } from './options.js';

export interface PrepareOptions {
  readonly activation: Activation;
  readonly ignoreIndex: number | null;
}

function shapeText(t: tf.Tensor): string {
  return `${t.dtype} [${t.shape.join(',')}]`;
}

/** Validates the pair of tensors a loss receives. */
export function checkLossInputs(who: string, yTrue: tf.Tensor, yPred: tf.Tensor): void {
  if (!(yPred instanceof tf.Tensor)) fail(who, 'yPred', 'a tf.Tensor', typeof yPred);
  if (!(yTrue instanceof tf.Tensor)) fail(who, 'yTrue', 'a tf.Tensor', typeof yTrue);
  if (yPred.dtype !== 'float32' || yPred.rank !== 4) {
    fail(who, 'yPred', 'float32 [B,H,W,C]', shapeText(yPred));
  }
  if (yPred.size === 0) fail(who, 'yPred', 'at least one pixel and one class', shapeText(yPred));
  const [b, h, w, c] = yPred.shape;
  if (yTrue.rank === 3) {
    if (yTrue.dtype !== 'int32') fail(who, 'yTrue of rank 3', 'int32 [B,H,W]', shapeText(yTrue));
    if (yTrue.shape[0] !== b || yTrue.shape[1] !== h || yTrue.shape[2] !== w) {
      fail(who, 'yTrue', `int32 [${b},${h},${w}] to match yPred`, shapeText(yTrue));
    }
  } else if (yTrue.rank === 4) {
    if (yTrue.dtype !== 'float32') {
      fail(who, 'yTrue of rank 4', `float32 one-hot [${b},${h},${w},${c}]`, shapeText(yTrue));
    }
    if (yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
      fail(who, 'yTrue', `float32 [${b},${h},${w},${c}] to match yPred`, shapeText(yTrue));
    }
  } else {
    fail(who, 'yTrue', 'int32 [B,H,W] or float32 one-hot [B,H,W,C]', shapeText(yTrue));
  }
}

/**
 * Lazily derived views of a loss's input. Every getter computes its tensor once; all of them are
 * created inside the caller's `tf.tidy`.
 */
export class PreparedInput {
  readonly numClasses: number;
  private cache = new Map<string, tf.Tensor>();

  constructor(
    readonly yTrue: tf.Tensor,
    readonly yPred: tf.Tensor4D,
    readonly options: PrepareOptions,
  ) {
    this.numClasses = yPred.shape[3];
  }

  private memo<T extends tf.Tensor>(key: string, make: () => T): T {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit as T;
    const made = make();
    this.cache.set(key, made);
    return made;
  }

  /** Int labels `[B,H,W]` when the target was given as indices, else null. */
  get labels(): tf.Tensor3D | null {
    return this.yTrue.rank === 3 ? (this.yTrue as tf.Tensor3D) : null;
  }

  /** Probabilities `[B,H,W,C]` after the configured activation. */
  get probs(): tf.Tensor4D {
    return this.memo('probs', () => {
      switch (this.options.activation) {
        case 'softmax':
          return accurateSoftmax(this.yPred) as tf.Tensor4D;
        case 'sigmoid':
          return accurateSigmoid(this.yPred) as tf.Tensor4D;
        case 'none':
          return this.yPred;
      }
    });
  }

  /**
   * `1 − probs` `[B,H,W,C]`, accurate where a probability is within float32 rounding of 1.
   * Softmax: 1 − y_c = Σ_{j≠c} y_j. Only the largest class m of a pixel can be close to 1, so its
   * complement is that sum of small positive terms; for c ≠ m, y_c ≤ 1/2 and 1 − y_c is exact
   * enough (the argmax mask is a constant). Sigmoid: 1 − σ(x) = σ(−x).
   */
  get complementProbs(): tf.Tensor4D {
    return this.memo('complementProbs', () => {
      switch (this.options.activation) {
        case 'softmax': {
          const probs = this.probs;
          const isMax = tf.cast(tf.oneHot(tf.argMax(this.yPred, 3), this.numClasses), 'float32');
          const notMax = tf.sub(1, isMax);
          const others = tf.sum(tf.mul(probs, notMax), 3, true);
          return tf.add(tf.mul(notMax, tf.sub(1, probs)), tf.mul(isMax, others)) as tf.Tensor4D;
        }
        case 'sigmoid':
          return accurateSigmoid(tf.neg(this.yPred)) as tf.Tensor4D;
        case 'none':
          return tf.sub(1, this.yPred) as tf.Tensor4D;
      }
    });
  }

  /** Log-probabilities `[B,H,W,C]` computed stably from the logits. */
  get logProbs(): tf.Tensor4D {
    return this.memo('logProbs', () => {
      switch (this.options.activation) {
        case 'softmax':
          return accurateLogSoftmax(this.yPred) as tf.Tensor4D;
        case 'sigmoid':
          // log σ(x) = -softplus(-x), finite for any x.
          return tf.neg(tf.softplus(tf.neg(this.yPred)));
        case 'none':
          return tf.log(tf.clipByValue(this.yPred, 1e-7, 1));
      }
    });
  }

  /** Float one-hot target `[B,H,W,C]`; rows of ignored pixels are all zero. */
  get target(): tf.Tensor4D {
    return this.memo('target', () => {
      const labels = this.labels;
      if (labels === null) return this.yTrue as tf.Tensor4D;
      if (this.numClasses === 1) return tf.expandDims(tf.cast(tf.equal(labels, 1), 'float32'), 3);
      // tf.oneHot gives an all-zero row for an out-of-range index such as the ignore index.
      const oneHot = tf.cast(tf.oneHot(labels, this.numClasses), 'float32') as tf.Tensor4D;
      const ignore = this.options.ignoreIndex;
      const ignoreInRange = ignore !== null && ignore >= 0 && ignore < this.numClasses;
      return ignoreInRange ? (tf.mul(oneHot, this.valid) as tf.Tensor4D) : oneHot;
    });
  }

  /** `[B,H,W,1]` float mask: 1 where the pixel counts, 0 where it is ignored. */
  get valid(): tf.Tensor4D {
    return this.memo('valid', () => {
      const labels = this.labels;
      const [b, h, w] = this.yPred.shape;
      if (labels === null) {
        if (this.numClasses === 1) return tf.ones([b, h, w, 1]);
        const rowSum = tf.sum(this.yTrue, 3, true);
        return tf.cast(tf.greater(rowSum, 0), 'float32') as tf.Tensor4D;
      }
      if (this.options.ignoreIndex === null) return tf.ones([b, h, w, 1]);
      const keep = tf.notEqual(labels, this.options.ignoreIndex);
      return tf.expandDims(tf.cast(keep, 'float32'), 3) as tf.Tensor4D;
    });
  }
}
