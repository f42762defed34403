import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../test-support/backends.js';
import { describeOnBackends } from '../test-support/hand-cases.js';
import { seededRandom } from '../test-support/loss-properties.js';
import { softDilate, softErode, softSkeleton } from './soft-skeleton.js';

/** `[1,H,W,1]` map from rows of numbers. */
function image(rows: number[][]): tf.Tensor4D {
  return tf.tensor4d(rows.flat(), [1, rows.length, rows[0].length, 1]);
}

function values(x: tf.Tensor): number[] {
  return Array.from(x.dataSync(), (v) => Math.round(v * 1e6) / 1e6);
}

describeOnBackends('softSkeleton: hand-computed cases', () => {
  test('erosion takes the minimum over the cross, dilation the maximum over the square', () => {
    // Neighbours outside the image are left out, so the corner keeps the minimum of 3 values.
    const x = image([
      [0.1, 0.5, 0.9],
      [0.4, 0.8, 0.2],
    ]);
    assert.deepEqual(values(softErode(x)), [0.1, 0.1, 0.2, 0.1, 0.2, 0.2]);
    assert.deepEqual(values(softDilate(x)), [0.8, 0.9, 0.9, 0.8, 0.9, 0.9]);
    x.dispose();
  });

  test('a one-pixel line is its own skeleton', () => {
    // Every line pixel has a 0 above or below: the erosion is 0, so is the opening, and
    // S_0 = relu(x − 0) = x; further erosions add nothing.
    const x = image([
      [0, 0, 0, 0, 0, 0, 0],
      [0, 1, 1, 1, 1, 1, 0],
      [0, 0, 0, 0, 0, 0, 0],
    ]);
    assert.deepEqual(values(softSkeleton(x, 3)), values(x));
    x.dispose();
  });

  test('a 3×3 square shrinks to its centre after one erosion', () => {
    // Erosion leaves the centre; opening = dilation of the centre = the square, so S_0 = 0.
    // Iteration 1: x_1 = centre, open(x_1) = 0, δ = centre → S = centre. With 0 iterations the
    // skeleton is still empty: too few erosions for the square's thickness.
    const rows = [0, 1, 2, 3, 4].map((r) =>
      [0, 1, 2, 3, 4].map((c) => (r >= 1 && r <= 3 && c >= 1 && c <= 3 ? 1 : 0)),
    );
    const x = image(rows);
    const centre = new Array<number>(25).fill(0);
    centre[12] = 1;
    assert.deepEqual(values(softSkeleton(x, 2)), centre);
    assert.deepEqual(values(softSkeleton(x, 0)), new Array<number>(25).fill(0));
    x.dispose();
  });

  test('the image edge is no boundary: a full image has an empty skeleton', () => {
    const x = tf.ones([1, 4, 5, 1]) as tf.Tensor4D;
    assert.deepEqual(values(softSkeleton(x, 5)), new Array<number>(20).fill(0));
    x.dispose();
  });

  test('soft values, 1×3: [0.2, 0.9, 0.4] → [0, 0.5, 0.2]', () => {
    // erode = [0.2, 0.2, 0.4], open = dilate(erode) = [0.2, 0.4, 0.4], S_0 = [0, 0.5, 0].
    // x_1 = [0.2, 0.2, 0.4]: open = [0.2, 0.2, 0.2], δ = [0, 0, 0.2], S_1 = [0, 0.5, 0.2].
    // x_2 = [0.2, 0.2, 0.2]: δ = 0.
    const x = image([[0.2, 0.9, 0.4]]);
    assert.deepEqual(values(softSkeleton(x, 2)), [0, 0.5, 0.2]);
    x.dispose();
  });

  test('channels are independent', () => {
    const line = image([
      [0, 0, 0],
      [1, 1, 1],
      [0, 0, 0],
    ]);
    const full = tf.ones([1, 3, 3, 1]);
    const both = tf.concat([line, full], 3) as tf.Tensor4D;
    const skeleton = softSkeleton(both, 2);
    const perChannel = tf.unstack(skeleton, 3);
    assert.deepEqual(values(perChannel[0]), values(line));
    assert.deepEqual(values(perChannel[1]), new Array<number>(9).fill(0));
    tf.dispose([line, full, both, skeleton, ...perChannel]);
  });

  test('the gradient agrees with central differences, and nothing leaks', () => {
    const random = seededRandom(21);
    const shape: [number, number, number, number] = [1, 6, 6, 2];
    const flat = Float32Array.from({ length: 72 }, () => random());
    const weights = tf.tensor4d(
      Float32Array.from({ length: 72 }, () => random() - 0.5),
      shape,
    );
    const f = (x: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(softSkeleton(x as tf.Tensor4D, 3), weights));
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(flat, shape);
    const grad = tf.grad(f)(x);
    const analytic = grad.dataSync();
    tf.dispose([x, grad]);
    assert.equal(tf.memory().numTensors, before);
    // Piecewise linear: a small step keeps both sides off the kinks (one lies 1e-3 from entry 14).
    const h = 1e-4;
    for (const i of [0, 7, 14, 21, 35, 50, 64, 71]) {
      const at = (delta: number): number => {
        const moved = flat.slice();
        moved[i] += delta;
        return tf.tidy(() => f(tf.tensor4d(moved, shape)).dataSync()[0]);
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      assert.ok(Math.abs(numeric - analytic[i]) < 1e-2, `${i}: ${analytic[i]} vs ${numeric}`);
    }
    weights.dispose();
  });
});

test('softSkeleton: bad input is rejected', () => {
  const x = tf.zeros([3, 3]);
  assert.throws(
    () => softSkeleton(x as unknown as tf.Tensor4D, 1),
    /softSkeleton: x must be float32 \[B,H,W,C\], got float32 \[3,3\]/,
  );
  const y = tf.zeros([1, 3, 3, 1]) as tf.Tensor4D;
  assert.throws(() => softSkeleton(y, 1.5), /softSkeleton: iterations must be an integer >= 0/);
  tf.dispose([x, y]);
});
