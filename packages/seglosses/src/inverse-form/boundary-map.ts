/**
 * The boundary map InverseForm compares: the Sobel gradient magnitude of the class probability
 * maps (the paper extracts its target boundaries with a Sobel filter), pooled over the classes,
 *
 *   b_i = √( ½ Σ_c ‖∇y_{i,c}‖² + ε² ) − ε,   ∇ = (S_x, S_y) / 4,   ε = 1e-3,
 *
 * S_x, S_y the 3×3 Sobel kernels, divided by 4 so that a step from 0 to 1 gives a derivative of 1
 * on the two pixels beside it; the ½ counts the two classes that meet at an edge once. So b ≈ 1 on
 * a band two pixels wide along a hard edge between two classes, 0 inside a region, and for soft
 * probabilities the local contrast. The image is extended by repeating its edge pixels, so the
 * image edge is no boundary.
 *
 * The same operator builds the target map from the one-hot target and the predicted map from the
 * probabilities, so a perfect prediction gives identical maps. It is smooth: linear filters and a
 * square root kept away from 0 by ε (√(x + ε²) − ε has a bounded gradient at x = 0, where the
 * plain magnitude has none); the −ε makes a flat region exactly 0.
 */
import * as tf from '@tensorflow/tfjs-core';

const epsilon = 1e-3;

/** Sobel x and y, / 4, as a conv2d filter `[3, 3, 1, 2]` (row-major: y, x, in, out). */
const sobel = [
  [-1, -1],
  [0, -2],
  [1, -1],
  [-2, 0],
  [0, 0],
  [2, 0],
  [-1, 1],
  [0, 2],
  [1, 1],
]
  .flat()
  .map((v) => v / 4);

/**
 * `x` with its first and last entry along `axis` repeated once on either side. Built from slices
 * and a concatenation, whose gradients add the copies back: tfjs's mirrorPad gradient drops them.
 */
function repeatEdges(x: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const n = x.shape[axis];
  const size = [...x.shape] as [number, number, number, number];
  size[axis] = 1;
  const first = tf.slice(x, [0, 0, 0, 0], size);
  const last = tf.slice(x, axis === 1 ? [0, n - 1, 0, 0] : [0, 0, n - 1, 0], size);
  return tf.concat([first, x, last], axis);
}

/** Boundary map `[B,H,W,1]` of probabilities (or a one-hot target) `[B,H,W,C]`. */
export function softBoundary(probs: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = probs.shape;
  // One plane per image and class, edge pixels repeated once on every side.
  const planes = tf.reshape(tf.transpose(probs, [0, 3, 1, 2]), [b * c, h, w, 1]);
  const padded = repeatEdges(repeatEdges(planes as tf.Tensor4D, 1), 2);
  const gradient = tf.conv2d(padded, tf.tensor4d(sobel, [3, 3, 1, 2]), 1, 'valid');
  const squared = tf.sum(tf.reshape(tf.sum(tf.square(gradient), 3), [b, c, h, w]), 1);
  const e2 = tf.scalar(epsilon * epsilon);
  // ε taken from the same sqrt kernel, so that a flat region gives exactly 0.
  const magnitude = tf.sub(tf.sqrt(tf.add(tf.mul(squared, 0.5), e2)), tf.sqrt(e2));
  return tf.expandDims(magnitude, 3) as tf.Tensor4D;
}
