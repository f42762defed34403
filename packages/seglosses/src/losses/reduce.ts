/**
 * The one reduction used by every loss. `'none'` returns the loss's unreduced terms (their shape
 * is documented per loss); `'sum'` adds them; `'mean'` divides by the total weight.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Reduction } from './options.js';

/**
 * Reduces `terms` (any shape). With `weights` (broadcastable to `terms`), the mean is
 * Σ w·v / Σ w, and 0 with a zero gradient when every weight is 0 (e.g. all pixels ignored):
 * the denominator is clamped to a tiny positive number and the numerator is then exactly 0.
 */
export function reduceTerms(
  terms: tf.Tensor,
  reduction: Reduction,
  weights?: tf.Tensor,
): tf.Tensor {
  const weighted = weights === undefined ? terms : tf.mul(terms, weights);
  switch (reduction) {
    case 'none':
      return weighted;
    case 'sum':
      return tf.sum(weighted);
    case 'mean': {
      if (weights === undefined) return tf.mean(weighted);
      const total = tf.sum(tf.mul(weights, tf.onesLike(terms)));
      return tf.div(tf.sum(weighted), tf.maximum(total, 1e-12));
    }
  }
}
