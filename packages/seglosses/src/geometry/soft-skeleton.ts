/**
 * Soft skeleton of a batch of probability maps (Shit et al. 2021, `shit2021`): a differentiable
 * stand-in for morphological skeletonisation, built from min- and max-pooling on tensors.
 *
 * For a map x ∈ [0, 1] (one channel of a `[B,H,W,C]` tensor, channels independent):
 *   erode(x)(p)  = min of x over p and its 4 face-neighbours (the 3×3 cross)
 *   dilate(x)(p) = max of x over the 3×3 square around p
 *   open(x)      = dilate(erode(x))
 *   S_0 = relu(x − open(x)),  then for j = 1..k, with x_j = erode^j(x):
 *     δ_j = relu(x_j − open(x_j)),   S_j = S_{j−1} + relu(δ_j − S_{j−1}·δ_j)
 * and the soft skeleton is S_k. Neighbours outside the image are left out of every min and max
 * (max-pooling with −∞ padding, as PyTorch's `max_pool2d`), so the image edge is no boundary.
 * On a binary map every step is plain morphology and S_k is the union of the residues
 * x_j − open(x_j) of the first k + 1 erosions (relu(δ − S·δ) = δ·(1 − S) adds what S lacks), in
 * the spirit of Lantuéjoul's skeleton formula; with too few iterations for the object's
 * thickness the skeleton misses the deepest ridges.
 *
 * Erosion is the minimum of a 3×1 and a 1×3 min-pool, dilation one 3×3 max-pool, as in the
 * reference. Each pool is a chain of `tf.minimum`/`tf.maximum` over shifted slices of the map
 * padded with ±∞, in row-major window order: the gradient goes to the pooled element, and among
 * equal values to the first in window order, as PyTorch's max-pooling does (`tf.maximum` gives a
 * tie to its first argument). `tf.maxPool` is not used because the wasm backend of tfjs 4.22
 * loses gradient contributions in its MaxPoolGrad kernel. `relu` passes no gradient at 0.
 *
 * @example
 *   softSkeleton(probs, 10); // probs float32 [B,H,W,C] → [B,H,W,C]
 */
import * as tf from '@tensorflow/tfjs-core';

import { fail } from '../core/errors.js';

type Offsets = readonly (readonly [number, number])[];

const vertical: Offsets = [
  [-1, 0],
  [0, 0],
  [1, 0],
];
const horizontal: Offsets = [
  [0, -1],
  [0, 0],
  [0, 1],
];
const square: Offsets = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => [dy, dx] as const));

/**
 * Maximum (or minimum) of `x` over the window `offsets` (row-major order) around each element;
 * elements outside the image are left out (padding with −∞, or +∞ for the minimum).
 */
function pool(x: tf.Tensor4D, offsets: Offsets, kind: 'max' | 'min'): tf.Tensor4D {
  const [, height, width] = x.shape;
  const fill = kind === 'max' ? -Infinity : Infinity;
  const padded = tf.pad(
    x,
    [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
    fill,
  );
  let out: tf.Tensor4D | null = null;
  for (const [dy, dx] of offsets) {
    const shifted = tf.slice(padded, [0, 1 + dy, 1 + dx, 0], [-1, height, width, -1]);
    if (out === null) out = shifted;
    else
      out = (kind === 'max' ? tf.maximum(out, shifted) : tf.minimum(out, shifted)) as tf.Tensor4D;
  }
  return out as tf.Tensor4D;
}

function erode(x: tf.Tensor4D): tf.Tensor4D {
  return tf.minimum(pool(x, vertical, 'min'), pool(x, horizontal, 'min'));
}

function open(x: tf.Tensor4D): tf.Tensor4D {
  return pool(erode(x), square, 'max');
}

/** Minimum over each element's 3×3 cross (itself and its 4 face-neighbours inside the image). */
export function softErode(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => erode(x));
}

/** Maximum over each element's 3×3 square (neighbours inside the image). */
export function softDilate(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => pool(x, square, 'max'));
}

/**
 * Soft skeleton of every channel of `x` (float32 `[B,H,W,C]`, values in [0, 1]) after
 * `iterations` erosions (jocpae/clDice uses 10, MONAI 3). Runs in a `tf.tidy`.
 */
export function softSkeleton(x: tf.Tensor4D, iterations: number): tf.Tensor4D {
  if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.dtype !== 'float32') {
    const got = x instanceof tf.Tensor ? `${x.dtype} [${x.shape.join(',')}]` : typeof x;
    fail('softSkeleton', 'x', 'float32 [B,H,W,C]', got);
  }
  if (!Number.isInteger(iterations) || iterations < 0) {
    fail('softSkeleton', 'iterations', 'an integer >= 0', String(iterations));
  }
  return tf.tidy(() => {
    let image = x;
    let skeleton = tf.relu(tf.sub(image, open(image))) as tf.Tensor4D;
    for (let j = 0; j < iterations; j++) {
      image = erode(image);
      const delta = tf.relu(tf.sub(image, open(image)));
      skeleton = tf.add(skeleton, tf.relu(tf.sub(delta, tf.mul(skeleton, delta))));
    }
    return skeleton;
  });
}
