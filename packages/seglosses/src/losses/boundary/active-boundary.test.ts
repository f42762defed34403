import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends, evaluateLoss, fixedLogits } from '../../test-support/hand-cases.js';
import { describeLossProperties, shapeLabels } from '../../test-support/loss-properties.js';
import {
  boundaryDistanceMap,
  directionTargets,
  predictedBoundary,
  targetBoundary,
} from './active-boundary-pixels.js';
import {
  confidentLogits,
  rectangleLabels,
  targetMapExtras,
  valueOn,
} from './test-support/boundary-cases.js';

// With detached neighbours (the default, as the reference) the gradient deliberately leaves out
// each pixel's part as a neighbour of the others, so it is not the derivative of the value and
// finite differences cannot check it (the oracle parity test checks it against the reference).
// The main path is therefore checked with detachNeighbours: false and a ratio that selects pixels.
describeLossProperties('active-boundary', { perfectValue: 0 });
describeLossProperties('active-boundary', {
  options: { maxBoundaryRatio: 0.1, detachNeighbours: false },
  perfectValue: 0,
});
describeLossProperties('active-boundary', {
  options: { labelSmoothing: 0, maxBoundaryRatio: 0.2, detachNeighbours: false },
  perfectValue: 0,
  extras: (labels, channels) => targetMapExtras('active-boundary', {}, labels, channels),
});
describeLossProperties('active-boundary', {
  options: { activation: 'sigmoid', maxBoundaryRatio: 0.1, detachNeighbours: false },
  channels: 1,
  perfectValue: 0,
});

test('active-boundary: target boundary and truncated distance map by hand', () => {
  // Labels [0,0,0,0,0,1] (1×6): only pixel 4 differs from its right neighbour. Distances to it
  // [4,3,2,1,0,1] → D = trunc(d − 1), clipped at 0 = [3,2,1,0,0,0].
  const labels = Int32Array.from([0, 0, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(targetBoundary(labels, 1, 6)), [0, 0, 0, 0, 1, 0]);
  const map = boundaryDistanceMap(labels, 1, 6, [1, 1], 'truncated');
  assert.deepEqual(Array.from(map), [3, 2, 1, 0, 0, 0]);
  // 3×3 with one pixel of class 1 at the centre: pixels (1,0), (0,1) and (1,1) mark the label
  // changes; the corner (2,2) is √2 from (1,1): d − 1 = 0.414…, truncated 0.
  const centre = Int32Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(targetBoundary(centre, 3, 3)), [0, 1, 0, 1, 1, 0, 0, 0, 0]);
  const exact = boundaryDistanceMap(centre, 3, 3, [1, 1], 'exact');
  assert.ok(Math.abs(exact[8] - (Math.SQRT2 - 1)) < 1e-6, `${exact[8]}`);
  assert.equal(boundaryDistanceMap(centre, 3, 3, [1, 1], 'truncated')[8], 0);
  // Ignored pixels (−1) are boundary; an image without any boundary gets +∞.
  assert.deepEqual(Array.from(targetBoundary(Int32Array.from([0, -1, 0]), 1, 3)), [1, 1, 0]);
  assert.equal(boundaryDistanceMap(Int32Array.from([2, 2]), 1, 2, [1, 1], 'exact')[0], Infinity);
});

test('active-boundary: the threshold rises until few enough pixels pass', () => {
  // Two images of 1×3, two classes, log-probabilities with divergences only between the first
  // two pixels of each image: KL = 0.5·ln 3 ≈ 0.55 (image 0) and a smaller one (image 1).
  const a = [Math.log(0.25), Math.log(0.75)];
  const b = [Math.log(0.75), Math.log(0.25)];
  const c = [Math.log(0.6), Math.log(0.4)];
  const logProbs = [...a, ...b, ...b, ...c, ...b, ...b];
  // Limit 3·0.5 = 1.5 pixels for the batch: both seeds pass at 1e-5, so the threshold rises
  // past the smaller divergence; the 3×3 dilation of the remaining seed covers pixels 0 and 1.
  const boundary = predictedBoundary(logProbs, [2, 1, 3, 2], 0.5);
  assert.deepEqual(Array.from(boundary), [1, 1, 0, 0, 0, 0]);
  // Limit 3: both seeds stay.
  assert.deepEqual(Array.from(predictedBoundary(logProbs, [2, 1, 3, 2], 1)), [1, 1, 0, 1, 1, 0]);
});

test('active-boundary: directions follow the reference order, first nearest wins', () => {
  // 3×3 distances with two equally near neighbours of the centre: below (direction 0) and up
  // (direction 1) both 1; direction 0 comes first. The centre (own 2) is kept with weight 2/20.
  const distance = [5, 1, 5, 5, 2, 5, 5, 1, 5];
  const boundary = Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]);
  const { selected, weightedTargets } = directionTargets(boundary, distance, [1, 3, 3], 0, 20);
  assert.equal(selected[4], 1);
  const expected = [Math.fround(0.1), 0, 0, 0, 0, 0, 0, 0];
  assert.deepEqual(Array.from(weightedTargets.subarray(32, 40)), expected);
  // A pixel strictly nearer than all its neighbours is dropped (the reference's direction 8).
  const dropped = directionTargets(boundary, [5, 5, 5, 5, 1, 5, 5, 5, 5], [1, 3, 3], 0, 20);
  assert.equal(dropped.selected[4], 0);
});

describeOnBackends('active-boundary: hand-computed values', () => {
  // 1×6 image, labels [0,0,0,0,0,1]: D = [3,2,1,0,0,0] (above). Logits: pixel 0 predicts
  // p = (¼, ¾), pixels 1–5 p = (¾, ¼). Only pixel 0 differs from its right neighbour, with
  // KL = ½ ln 3; with the limit 6·0.5 = 3 it passes at 1e-5 and its dilation selects pixels 0
  // and 1. Pixel 0: the only in-image neighbour, right (direction 3), has D = 2 ≤ 3 → target
  // 3, weight 3/20. Pixel 1: left (direction 2) D = 3, right (direction 3) D = 1 → target 3,
  // weight 2/20. With H = 1 the vertical and diagonal neighbours repeat the row: directions
  // (0,1,2,3,4,5,6,7) are (self, self, left, right, right, right, left, left). With K = ½ ln 3
  // (both divergences, by symmetry): pixel 0 logits [0,0,0,K,K,K,0,0], pixel 1 [0,0,K,0,0,0,K,K];
  // Z = ln(5 + 3e^K) = ln(5 + 3√3) normalises both.
  const labels = [0, 0, 0, 0, 0, 1];
  const logits = [0, Math.log(3), ...Array.from({ length: 5 }, () => [Math.log(3), 0]).flat()];
  const shape: [number, number, number, number] = [1, 1, 6, 2];
  const K = 0.5 * Math.log(3);
  const Z = Math.log(5 + 3 * Math.sqrt(3));

  test('plain cross-entropy (labelSmoothing 0)', () => {
    // CE_0 = Z − K, CE_1 = Z; L = (0.15·CE_0 + 0.1·CE_1)/2.
    const options = { labelSmoothing: 0, maxBoundaryRatio: 0.5 };
    const { value } = evaluateLoss('active-boundary', options, labels, logits, shape);
    const expected = (0.15 * (Z - K) + 0.1 * Z) / 2;
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
  });

  test('label smoothing 0.2: 0.8 on the target direction, 0.025 on each other one', () => {
    // CE_0 = −0.8(K − Z) − 0.025(2K − 7Z) = 0.975Z − 0.85K;
    // CE_1 = 0.8Z − 0.025(3K − 7Z) = 0.975Z − 0.075K.
    const { value } = evaluateLoss(
      'active-boundary',
      { maxBoundaryRatio: 0.5 },
      labels,
      logits,
      shape,
    );
    const expected = (0.15 * (0.975 * Z - 0.85 * K) + 0.1 * (0.975 * Z - 0.075 * K)) / 2;
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
  });

  test('detached neighbours: same value, gradient only through each selected pixel', () => {
    const detached = evaluateLoss(
      'active-boundary',
      { maxBoundaryRatio: 0.5 },
      labels,
      logits,
      shape,
    );
    const options = { maxBoundaryRatio: 0.5, detachNeighbours: false };
    const attached = evaluateLoss('active-boundary', options, labels, logits, shape);
    assert.ok(Math.abs(detached.value - attached.value) < 1e-7);
    // Pixel 0 is also the left neighbour of pixel 1 (with another distribution): only the
    // attached gradient carries that part. Unselected pixels get nothing when detached.
    assert.ok(Math.abs(detached.grad[0] - attached.grad[0]) > 1e-4);
    assert.ok(detached.grad.slice(4).every((g) => g === 0));
  });

  test('no predicted boundary (the reference returns None): 0 with a zero gradient', () => {
    // Identical logits everywhere: every divergence is 0, no pixel passes 1e-5.
    const flat = new Array<number>(12).fill(0).map((_, i) => (i % 2 === 0 ? 0.3 : -0.2));
    const { value, grad } = evaluateLoss('active-boundary', {}, labels, flat, shape);
    assert.equal(value, 0);
    assert.ok(
      grad.every((g) => g === 0),
      'gradient not zero',
    );
  });

  test('reduction none gives [B,H,W] with the weighted term at the selected pixels', () => {
    const options = { labelSmoothing: 0, maxBoundaryRatio: 0.5, reduction: 'none' };
    const loss = createLoss('active-boundary', options);
    const out = tf.tidy(() => {
      const yTrue = tf.tensor3d(labels, [1, 1, 6], 'int32');
      const r = loss(yTrue, tf.tensor4d(logits, shape));
      return { shape: r.shape, values: Array.from(r.dataSync()) };
    });
    assert.deepEqual(out.shape, [1, 1, 6]);
    assert.ok(Math.abs(out.values[0] - 0.15 * (Z - K)) < 1e-6);
    assert.ok(Math.abs(out.values[1] - 0.1 * Z) < 1e-6);
    assert.deepEqual(out.values.slice(2), [0, 0, 0, 0]);
  });
});

describeOnBackends('active-boundary: properties', () => {
  test('a boundary shifted away from the target costs more than a matching one (0)', () => {
    const target = rectangleLabels(16, 16, [4, 11, 4, 11]);
    const at = (shift: number): number => {
      const predicted = rectangleLabels(16, 16, [4, 11, 4 + shift, 11 + shift]);
      const options = { maxBoundaryRatio: 0.5 };
      return valueOn('active-boundary', options, target, confidentLogits(predicted), 16, 16);
    };
    const [l0, l3] = [at(0), at(3)];
    assert.ok(l0 === 0 && l3 > 0, `${l0}, ${l3}`);
  });

  test('cached maps (extras) and maps computed by the loss agree', () => {
    const labels = tf.tensor3d(shapeLabels(2, 8, 3), [2, 8, 8], 'int32');
    const logits = tf.tensor4d(fixedLogits([2, 8, 8, 3], 3), [2, 8, 8, 3]);
    const options = { maxBoundaryRatio: 0.2, spacing: [1, 1.5], distances: 'exact' };
    const loss = createLoss('active-boundary', options);
    const cached = targetMapExtras('active-boundary', options, labels, 3);
    const [own, fromCache] = tf.tidy(() => [
      loss(labels, logits).dataSync()[0],
      loss(labels, logits, cached).dataSync()[0],
    ]);
    assert.ok(own > 0);
    assert.equal(fromCache, own);
    const name = loss.targetMaps[0].name;
    const wrong = tf.zeros([2, 8, 8, 3]);
    assert.throws(
      () => loss(labels, logits, { [name]: wrong }),
      /active-boundary: extras.activeBoundaryDistance\(exact\) must be float32 \[2,8,8,1\]/,
    );
    tf.dispose([labels, logits, wrong, ...(Object.values(cached) as tf.Tensor[])]);
  });
});
