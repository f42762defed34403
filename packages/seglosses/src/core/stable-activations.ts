/**
 * Softmax, log-softmax and sigmoid whose gradients stay accurate in float32 when a probability
 * is within float32 rounding of 1 (saturated logits, e.g. a near-perfect prediction).
 *
 * The textbook backward passes contain 1 − p, which float32 rounds to 0 once p > 1 − 6e-8 — the
 * gradient then vanishes although the float64 references still report values around 1e-10.
 * Only the largest class of a pixel can have p ≈ 1, so its complement is summed directly from
 * the other classes:  1 − p_m = Σ_{j≠m} p_j  (m = argmax, every term small and positive).
 *
 * softmax:      dx_c = p_c (dy_c − Σ_j p_j dy_j)
 *   for c = m:  dy_m − Σ_j p_j dy_j = (1 − p_m) dy_m − Σ_{j≠m} p_j dy_j
 *                                   = Σ_{j≠m} p_j (dy_m − dy_j)          (no cancellation)
 * log-softmax:  dx_c = dy_c − p_c Σ_j dy_j
 *   for c = m:  dy_m − p_m G = dy_m − G + (1 − p_m) G = −Σ_{j≠m} dy_j + (Σ_{j≠m} p_j) G
 * sigmoid:      dσ/dx = σ(x)·σ(−x), both factors computed directly.
 */
import * as tf from '@tensorflow/tfjs-core';

type UnaryWithGradient = (
  x: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor };

/** `tf.customGrad` for a function of one tensor. */
export function unaryCustomGrad(forward: UnaryWithGradient): (x: tf.Tensor) => tf.Tensor {
  const wrapped = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) =>
    forward(args[0] as tf.Tensor, args[1] as tf.GradSaveFunc)) as Parameters<
    typeof tf.customGrad
  >[0]);
  return (x) => wrapped(x);
}

/** 1 at the (first) largest entry of the last axis, 0 elsewhere. */
function argmaxMask(x: tf.Tensor): tf.Tensor {
  const channels = x.shape[x.rank - 1];
  return tf.cast(tf.oneHot(tf.argMax(x, -1), channels), 'float32');
}

/** Softmax over the last axis with a float32-accurate gradient near saturation. */
export const accurateSoftmax: (x: tf.Tensor) => tf.Tensor = unaryCustomGrad(
  (x: tf.Tensor, save: tf.GradSaveFunc) => {
    const p = tf.softmax(x);
    save([x, p]);
    return {
      value: p,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [input, probs] = saved;
        const isMax = argmaxMask(input);
        const notMax = tf.sub(1, isMax);
        const dyMax = tf.sum(tf.mul(dy, isMax), -1, true);
        // Generic rows: p_c (dy_c − Σ_j p_j dy_j).
        const dot = tf.sum(tf.mul(probs, dy), -1, true);
        const generic = tf.mul(probs, tf.sub(dy, dot));
        // Argmax entry: p_m Σ_{j≠m} p_j (dy_m − dy_j).
        const maxTerm = tf.mul(
          tf.sum(tf.mul(probs, isMax), -1, true),
          tf.sum(tf.mul(tf.mul(probs, notMax), tf.sub(dyMax, dy)), -1, true),
        );
        return tf.add(tf.mul(generic, notMax), tf.mul(maxTerm, isMax));
      },
    };
  },
);

/** Log-softmax over the last axis with a float32-accurate gradient near saturation. */
export const accurateLogSoftmax: (x: tf.Tensor) => tf.Tensor = unaryCustomGrad(
  (x: tf.Tensor, save: tf.GradSaveFunc) => {
    const logP = tf.logSoftmax(x);
    save([x, logP]);
    return {
      value: logP,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [input, logProbs] = saved;
        const probs = tf.exp(logProbs);
        const isMax = argmaxMask(input);
        const notMax = tf.sub(1, isMax);
        const total = tf.sum(dy, -1, true);
        const generic = tf.sub(dy, tf.mul(probs, total));
        const othersDy = tf.sum(tf.mul(dy, notMax), -1, true);
        const othersP = tf.sum(tf.mul(probs, notMax), -1, true);
        const maxTerm = tf.add(tf.neg(othersDy), tf.mul(othersP, total));
        return tf.add(tf.mul(generic, notMax), tf.mul(maxTerm, isMax));
      },
    };
  },
);

/** Sigmoid with the gradient σ(x)·σ(−x), accurate for large |x|. */
export const accurateSigmoid: (x: tf.Tensor) => tf.Tensor = unaryCustomGrad(
  (x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.sigmoid(x),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [input] = saved;
        return tf.mul(dy, tf.mul(tf.sigmoid(input), tf.sigmoid(tf.neg(input))));
      },
    };
  },
);
