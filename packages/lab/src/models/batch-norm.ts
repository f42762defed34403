/**
 * Training-mode batch normalisation over N·H·W with a hand-written gradient.
 *
 *   μ = mean(x), σ² = mean((x − μ)²), x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β
 *   ∂L/∂β = Σ dy,   ∂L/∂γ = Σ dy·x̂,
 *   ∂L/∂x = γ/√(σ² + ε) · (dy − mean(dy) − x̂·mean(dy·x̂))
 *
 * (the standard result of differentiating through μ and σ²). tfjs's generic batchNorm gradient
 * builds the same quantities with broadcast `Tile`s, which made up a quarter of a UNet step on
 * the wasm backend; this form needs only per-channel reductions and elementwise ops.
 */
import * as tf from '@tensorflow/tfjs';

export interface BatchNormResult {
  readonly y: tf.Tensor4D;
  /** Batch mean and biased variance per channel (for the running statistics). */
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
}

const axes = [0, 1, 2];

/** Normalises `x` [B,H,W,C] with its batch statistics, then scales by γ and shifts by β. */
export function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): BatchNormResult {
  const { mean, variance } = tf.tidy(() => {
    const m = tf.moments(x, axes);
    return { mean: m.mean as tf.Tensor1D, variance: m.variance as tf.Tensor1D };
  });
  const normalise = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, shift] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const inverseStd = tf.rsqrt(tf.add(variance, epsilon));
    const normalised = tf.mul(tf.sub(input, mean), inverseStd);
    save([normalised, inverseStd, scale]);
    return {
      value: tf.add(tf.mul(normalised, scale), shift),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, invStd, g] = saved;
        const dBeta = tf.sum(dy, axes);
        const dyXHat = tf.mul(dy, xHat);
        const dGamma = tf.sum(dyXHat, axes);
        const count = dy.size / (dy.shape[3] as number);
        const meanDy = tf.div(dBeta, count);
        const meanDyXHat = tf.div(dGamma, count);
        const centred = tf.sub(tf.sub(dy, meanDy), tf.mul(xHat, meanDyXHat));
        const dx = tf.mul(centred, tf.mul(g, invStd));
        return [dx, dGamma, dBeta];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  const y = normalise(x, gamma, beta) as tf.Tensor4D;
  return { y, mean, variance };
}
