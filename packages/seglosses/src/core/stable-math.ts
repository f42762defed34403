/**
 * Elementwise functions whose float32 values or gradients need care, and a gradient barrier.
 *
 * accurateLog1p — tf.log1p is not accurate on every backend: the wasm kernel evaluates
 * log(1 + x), which is 0 for |x| < 6e-8 and off by percents near 1e-6. With w = fl(1 + x),
 *   log1p(x) = log(w) · x / (w − 1)   when w ≠ 1,   and x when w = 1,
 * because log(w)/(w − 1) is smooth around w = 1, so evaluating it at the rounded w and
 * multiplying by the exact x cancels the rounding of 1 + x (Goldberg, "What every computer
 * scientist should know about floating-point arithmetic", 1991): a few ulps of error. The
 * gradient 1/(1 + x) is supplied directly.
 *
 * powOrZero — x^e for x > 0 and exactly 0, with a zero gradient, for x ≤ 0. A power e < 1 of a
 * quantity that is exactly 0 at the optimum (1 − Dice of a perfect prediction, an image whose
 * pixels are all ignored) has the textbook gradient e·0^(e−1)·0 = ∞·0 = NaN; here it is 0.
 *
 * detached — a function of x with a zero gradient, for selections (top-k masks, thresholds)
 * computed from a tensor the gradient flows through: comparison ops have no gradient.
 */
import * as tf from '@tensorflow/tfjs-core';

import { unaryCustomGrad } from './stable-activations.js';

/** log(1 + x), accurate for tiny |x| on every backend; x > −1. */
export const accurateLog1p: (x: tf.Tensor) => tf.Tensor = unaryCustomGrad((x, save) => {
  save([x]);
  const w = tf.add(x, 1);
  const shifted = tf.sub(w, 1);
  const exact = tf.equal(shifted, 0);
  const safeShift = tf.where(exact, tf.onesLike(shifted), shifted);
  const corrected = tf.div(tf.mul(tf.log(w), x), safeShift);
  return {
    value: tf.where(exact, x, corrected),
    gradFunc: (dy, [input]) => tf.div(dy, tf.add(input, 1)),
  };
});

/** x^exponent for x > 0; 0 (with a zero gradient) for x ≤ 0. */
export function powOrZero(x: tf.Tensor, exponent: number): tf.Tensor {
  const kernel = unaryCustomGrad((v, save) => {
    save([v]);
    const positive = tf.greater(v, 0);
    const safe = tf.where(positive, v, tf.onesLike(v));
    return {
      value: tf.where(positive, tf.pow(safe, exponent), tf.zerosLike(v)),
      gradFunc: (dy, [input]) => {
        const inside = tf.greater(input, 0);
        const base = tf.where(inside, input, tf.onesLike(input));
        const slope = tf.mul(tf.pow(base, exponent - 1), exponent);
        return tf.where(inside, tf.mul(dy, slope), tf.zerosLike(dy));
      },
    };
  });
  return kernel(x);
}

/**
 * `compute(x)` with a zero gradient with respect to x. The ops inside `compute` are not recorded
 * for backpropagation, so they may use ops without a gradient (comparisons, top-k): the way to
 * build selections and masks from a tensor that the gradient flows through.
 */
export function detached(x: tf.Tensor, compute: (value: tf.Tensor) => tf.Tensor): tf.Tensor {
  const kernel = unaryCustomGrad((v, save) => {
    save([v]);
    return { value: compute(v), gradFunc: (_dy, [input]) => tf.zerosLike(input) };
  });
  return kernel(x);
}
