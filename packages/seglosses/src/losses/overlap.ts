/**
 * Soft overlap statistics shared by the region losses: per (image, class) — or per class when
 * pooled over the batch — the soft true positives Σ p·t, the prediction mass Σ p and the target
 * mass Σ t, with ignored pixels left out and the background channel dropped on request.
 */
import * as tf from '@tensorflow/tfjs-core';

import { SeglossesError } from '../core/errors.js';
import type { PreparedInput } from './prepare.js';

export interface OverlapOptions {
  /** Sum over the batch too: one statistic per class (`[C]`) instead of per image (`[B,C]`). */
  readonly batch: boolean;
  readonly includeBackground: boolean;
  /** Use Σ p² and Σ t² for the masses (Milletari's squared denominator). */
  readonly squared?: boolean;
}

export interface Overlap {
  /** Σ p·t */
  readonly tp: tf.Tensor;
  /** Σ p (or Σ p² when squared) */
  readonly predMass: tf.Tensor;
  /** Σ t (or Σ t² when squared) */
  readonly targetMass: tf.Tensor;
  /** Σ p·(1−t) = predMass − tp (unsquared) */
  readonly fp: tf.Tensor;
  /** Σ (1−p)·t = targetMass − tp (unsquared) */
  readonly fn: tf.Tensor;
}

/** Drops channel 0 of a `[..., C]` tensor when the background is excluded and C > 1. */
export function dropBackground<T extends tf.Tensor>(x: T, includeBackground: boolean): T {
  const channels = x.shape[x.rank - 1];
  if (includeBackground || channels === 1) return x;
  const begin = x.shape.map((_, i) => (i === x.rank - 1 ? 1 : 0));
  const size = x.shape.map((d, i) => (i === x.rank - 1 ? d - 1 : d));
  return tf.slice(x, begin, size) as T;
}

/** Probabilities and target with ignored pixels zeroed, background dropped on request. */
export function maskedPair(
  input: PreparedInput,
  includeBackground: boolean,
): { probs: tf.Tensor4D; target: tf.Tensor4D } {
  const valid = input.valid;
  const probs = tf.mul(input.probs, valid) as tf.Tensor4D;
  const target = tf.mul(input.target, valid) as tf.Tensor4D;
  return {
    probs: dropBackground(probs, includeBackground),
    target: dropBackground(target, includeBackground),
  };
}

/** Computes the soft overlap statistics of a prepared input. */
export function overlapStatistics(input: PreparedInput, options: OverlapOptions): Overlap {
  const { probs, target } = maskedPair(input, options.includeBackground);
  const axes = options.batch ? [0, 1, 2] : [1, 2];
  const tp = tf.sum(tf.mul(probs, target), axes);
  const predSum = tf.sum(probs, axes);
  const targetSum = tf.sum(target, axes);
  const predMass = options.squared ? tf.sum(tf.square(probs), axes) : predSum;
  const targetMass = options.squared ? tf.sum(tf.square(target), axes) : targetSum;
  return {
    tp,
    predMass,
    targetMass,
    fp: tf.sub(predSum, tp),
    fn: tf.sub(targetSum, tp),
  };
}

/** Class weights as a tensor matching the kept channels, or undefined when not given. */
export function classWeightTensor(
  who: string,
  weights: readonly number[] | null,
  numClasses: number,
  includeBackground: boolean,
): tf.Tensor1D | undefined {
  if (weights === null) return undefined;
  if (weights.length !== numClasses) {
    throw new SeglossesError(
      `${who}: option classWeights must have one entry per class (${numClasses}), ` +
        `got ${weights.length}`,
    );
  }
  const kept = includeBackground || numClasses === 1 ? weights : weights.slice(1);
  return tf.tensor1d([...kept]);
}
