/**
 * Mutually exclusive classes seen the same way whatever the activation: per pixel and class the
 * probability p, its complement 1 − p, log p and the one-hot target, `[B,H,W,K]`.
 *
 * - softmax (C ≥ 2 channels): K = C. The complement is `PreparedInput.complementProbs`: for the
 *   largest class, 1 − p = Σ_{j≠c} p_j, a sum of small non-negative terms, so a saturated class
 *   keeps e.g. 1e-10 where fl(1 − p) would be 0.
 * - sigmoid with one channel (binary): K = 2, channel 0 the background with p_0 = σ(−x) and
 *   channel 1 the foreground with p_1 = σ(x); log p = −softplus(∓x) and 1 − p_0 = p_1 exactly.
 *
 * Ignored pixels have all-zero target rows; `valid` is the `[B,H,W,1]` mask of counted pixels.
 */
import * as tf from '@tensorflow/tfjs-core';

import { notSupported } from '../core/errors.js';
import { fusedKernelsActive } from '../kernels/fused-kernels.js';
import { fusedOverlapStatistics } from './overlap.js';
import type { PreparedInput } from './prepare.js';

export interface ClassView {
  readonly probs: tf.Tensor4D;
  readonly complement: tf.Tensor4D;
  readonly logProbs: tf.Tensor4D;
  readonly target: tf.Tensor4D;
  readonly valid: tf.Tensor4D;
  /** K, the number of exclusive classes (2 for a one-channel sigmoid input). */
  readonly numClasses: number;
}

/** The exclusive-class view of a prepared input; `who` names the loss in errors. */
export function exclusiveClassView(who: string, input: PreparedInput): ClassView {
  const channels = input.numClasses;
  if (input.options.activation === 'softmax') {
    // Read through, so that a loss on its fused path never builds the tensors it skips.
    return {
      get probs() {
        return input.probs;
      },
      get complement() {
        return input.complementProbs;
      },
      get logProbs() {
        return input.logProbs;
      },
      get target() {
        return input.target;
      },
      get valid() {
        return input.valid;
      },
      numClasses: channels,
    };
  }
  if (input.options.activation !== 'sigmoid' || channels !== 1) {
    notSupported(
      who,
      `activation '${input.options.activation}' with ${channels} channels`,
      "the classes must be exclusive: use 'softmax', or 'sigmoid' with one channel",
    );
  }
  const x = input.yPred;
  const fg = input.probs;
  const bg = input.complementProbs;
  const valid = input.valid;
  const t = tf.mul(input.target, valid) as tf.Tensor4D;
  return {
    probs: tf.concat([bg, fg], 3),
    complement: tf.concat([fg, bg], 3),
    logProbs: tf.neg(tf.concat([tf.softplus(x), tf.softplus(tf.neg(x))], 3)) as tf.Tensor4D,
    target: tf.concat([tf.sub(valid, t) as tf.Tensor4D, t], 3),
    valid,
    numClasses: 2,
  };
}

/** Soft TP, FP and FN per image and class, `[B,K]`, over the non-ignored pixels. */
export interface ExclusiveOverlap {
  readonly tp: tf.Tensor2D;
  readonly fp: tf.Tensor2D;
  readonly fn: tf.Tensor2D;
}

/**
 * TP = Σ p·t, FP = Σ p·(1 − t), FN = Σ (1 − p)·t with 1 − p taken from `complement`, so that
 * FP + FN — the numerator of 1 − Dice — is accurate when it is tiny (a near-perfect
 * prediction), instead of the cancelling Σ p + Σ t − 2·TP.
 */
export function exclusiveOverlap(
  probs: tf.Tensor4D,
  complement: tf.Tensor4D,
  view: ClassView,
): ExclusiveOverlap {
  const axes = [1, 2];
  const outside = tf.sub(view.valid, view.target);
  return {
    tp: tf.sum(tf.mul(probs, view.target), axes),
    fp: tf.sum(tf.mul(probs, outside), axes),
    fn: tf.sum(tf.mul(complement, view.target), axes),
  };
}

/**
 * The integer labels when a loss can take its fused path — softmax, labels given as indices, a
 * backend with fused kernels (`kernels/fused-kernels.ts`) — else null.
 */
export function fusedLabels(input: PreparedInput): tf.Tensor3D | null {
  const labels = input.labels;
  const fusable = input.options.activation === 'softmax' && labels !== null;
  return fusable && fusedKernelsActive() ? labels : null;
}

/**
 * {@link exclusiveOverlap} of the view's probabilities, clipped to [clip, 1 − clip] when
 * clip > 0: from the fused overlap kernel when it applies (the same sums in one pass each
 * way), else composed.
 */
export function exclusiveStatistics(
  input: PreparedInput,
  view: ClassView,
  clip = 0,
): ExclusiveOverlap {
  const fused = fusedOverlapStatistics(input, { includeBackground: true, clip });
  if (fused !== null) {
    return {
      tp: fused.tp as tf.Tensor2D,
      fp: fused.fp as tf.Tensor2D,
      fn: fused.fn as tf.Tensor2D,
    };
  }
  const clipped = (x: tf.Tensor4D): tf.Tensor4D =>
    clip > 0 ? (tf.clipByValue(x, clip, 1 - clip) as tf.Tensor4D) : x;
  return exclusiveOverlap(clipped(view.probs), clipped(view.complement), view);
}
