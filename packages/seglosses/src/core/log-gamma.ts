/**
 * ln Γ(x) and the digamma function ψ(x) = d ln Γ(x)/dx for x > 0, in tensor ops (tfjs has
 * neither). `logGamma` is differentiable: its gradient is ψ.
 *
 * Both shift the argument up by 8 with the recurrences Γ(x + 1) = x·Γ(x) and
 * ψ(x + 1) = ψ(x) + 1/x, then use the asymptotic (Stirling) series at z = x + 8 ≥ 8:
 *   ln Γ(z) = (z − ½) ln z − z + ½ ln 2π + 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) + …
 *   ψ(z)    = ln z − 1/(2z) − 1/(12z²) + 1/(120z⁴) − 1/(252z⁶) + 1/(240z⁸) − …
 * whose first omitted terms are below 1e-11 for z ≥ 8, far under float32 rounding:
 *   ln Γ(x) = ln Γ(x + 8) − Σ_{k=0}^{7} ln(x + k),   ψ(x) = ψ(x + 8) − Σ_{k=0}^{7} 1/(x + k).
 * The logs are summed rather than taken of the product, which would overflow float32 for
 * x > 6·10⁴. Accuracy is then that of float32 arithmetic on terms of size |ln Γ|: about 1e-6
 * absolute for small x, a few ulps of ln Γ(x) for large x.
 */
import * as tf from '@tensorflow/tfjs-core';

import { unaryCustomGrad } from './stable-activations.js';

const shift = 8;
const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);

/** Σ_{k=0}^{7} f(x + k) */
function shiftedSum(x: tf.Tensor, f: (y: tf.Tensor) => tf.Tensor): tf.Tensor {
  let total = f(x);
  for (let k = 1; k < shift; k++) total = tf.add(total, f(tf.add(x, k)));
  return total;
}

/** Horner evaluation of Σ_i c_i·u^i. */
function polynomial(u: tf.Tensor, coefficients: readonly number[]): tf.Tensor {
  let value: tf.Tensor = tf.scalar(coefficients[coefficients.length - 1]);
  for (let i = coefficients.length - 2; i >= 0; i--) {
    value = tf.add(tf.mul(value, u), coefficients[i]);
  }
  return value;
}

function logGammaValue(x: tf.Tensor): tf.Tensor {
  const z = tf.add(x, shift);
  const inverse = tf.reciprocal(z);
  // 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) as (1/z)·p(1/z²).
  const series = tf.mul(
    inverse,
    polynomial(tf.square(inverse), [1 / 12, -1 / 360, 1 / 1260, -1 / 1680]),
  );
  const stirling = tf.add(tf.sub(tf.mul(tf.sub(z, 0.5), tf.log(z)), z), halfLogTwoPi);
  return tf.sub(tf.add(stirling, series), shiftedSum(x, tf.log));
}

/** ψ(x) for x > 0 (elementwise). */
export function digamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.add(x, shift);
    const inverseSquare = tf.reciprocal(tf.square(z));
    // −1/(12z²) + 1/(120z⁴) − 1/(252z⁶) + 1/(240z⁸) as p(1/z²).
    const series = tf.mul(
      inverseSquare,
      polynomial(inverseSquare, [-1 / 12, 1 / 120, -1 / 252, 1 / 240]),
    );
    const asymptotic = tf.add(tf.sub(tf.log(z), tf.div(0.5, z)), series);
    return tf.sub(asymptotic, shiftedSum(x, tf.reciprocal));
  });
}

/** ln Γ(x) for x > 0 (elementwise), with gradient ψ(x). */
export const logGamma: (x: tf.Tensor) => tf.Tensor = unaryCustomGrad(
  (x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: logGammaValue(x),
      gradFunc: (dy: tf.Tensor, [input]: tf.Tensor[]) => tf.mul(dy, digamma(input)),
    };
  },
);
