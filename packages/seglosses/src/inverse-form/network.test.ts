import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../test-support/backends.js';
import { describeOnBackends } from '../test-support/hand-cases.js';
import { affineAt, affineExp } from './affine.js';
import { softBoundary } from './boundary-map.js';
import { InverseFormNetwork } from './network.js';
import { defaultTransformRange, generatePairs } from './synthetic-pairs.js';
import { shippedInverseFormWeights } from './weights.js';

/** Boundary tiles of `count` held-out pairs (a seed the training script never uses). */
function heldOutPairs(count: number, seed: number) {
  const options = {
    tile: 32,
    canvas: 56,
    classes: 4,
    range: defaultTransformRange,
  };
  const pairs = generatePairs(count, seed, options);
  const crop = (oneHot: Float32Array) =>
    tf.tidy(() => {
      const x = tf.tensor4d(oneHot, [count, 56, 56, 4]);
      return tf.slice(softBoundary(x), [0, 12, 12, 0], [count, 32, 32, 1]) as tf.Tensor4D;
    });
  return {
    a: crop(pairs.warped),
    b: crop(pairs.original),
    m: pairs.generators,
  };
}

test('InverseFormNetwork: the shipped weights decode to the documented architecture', () => {
  const network = new InverseFormNetwork(shippedInverseFormWeights);
  const { tile, pool, hidden } = network.architecture;
  const inputs = 2 * (tile / pool) ** 2;
  const expected =
    inputs * hidden[0] + hidden[0] + hidden[0] * hidden[1] + hidden[1] + hidden[1] * 6;
  assert.equal(network.parameterCount, expected);
  assert.equal(tile, 32);
  assert.throws(
    () =>
      new InverseFormNetwork({
        ...shippedInverseFormWeights,
        format: 'v0' as never,
      }),
    /InverseFormNetwork: weights.format must be 'seglosses-inverse-form\/1', got "v0"/,
  );
  const truncated = {
    ...shippedInverseFormWeights,
    parameters: { ...shippedInverseFormWeights.parameters, b2: 'AAAAAA==' },
  };
  assert.throws(
    () => new InverseFormNetwork(truncated),
    new RegExp(`parameter b2 must be ${hidden[1]} values \\[${hidden[1]}\\], got 2`),
  );
});

describeOnBackends('InverseFormNetwork', () => {
  test('antisymmetric: f(b, a) = −f(a, b) and f(a, a) = 0 exactly', () => {
    const network = new InverseFormNetwork(shippedInverseFormWeights);
    const { a, b } = heldOutPairs(8, 7_000_002);
    const [ab, ba, aa] = tf.tidy(() => [
      network.regress(a, b).dataSync(),
      network.regress(b, a).dataSync(),
      network.regress(a, a).dataSync(),
    ]);
    for (let i = 0; i < ab.length; i++) assert.equal(ab[i], -ba[i]);
    assert.ok(aa.every((v) => v === 0));
    tf.dispose([a, b]);
  });

  test('recovers known transforms on held-out pairs better than the identity', () => {
    // Measured by scripts/train-inverse-form.ts on its 2000 test pairs (inverse-form/README.md):
    // translation 0.47 px against 1.00 px for predicting no transform, linear part 0.041 against
    // 0.050. On these 300 other pairs: 0.51 px against 1.07 px and 0.045 against 0.052; the
    // bounds leave room for backend rounding, not for a worse network.
    const network = new InverseFormNetwork(shippedInverseFormWeights);
    const count = 300;
    const { a, b, m } = heldOutPairs(count, 7_000_001);
    const predicted = tf.tidy(() => network.regress(a, b).dataSync());
    const error = { translation: 0, linear: 0 };
    const identity = { translation: 0, linear: 0 };
    const entries = (x: ArrayLike<number>, n: number) => affineExp(affineAt(x, n));
    for (let n = 0; n < count; n++) {
      const truth = entries(m, n);
      const guess = entries(predicted, n);
      for (const k of [2, 5]) {
        error.translation += (Math.abs(truth[k] - guess[k]) * 16) / (2 * count);
        identity.translation += (Math.abs(truth[k]) * 16) / (2 * count);
      }
      for (const [k, one] of [
        [0, 1],
        [1, 0],
        [3, 0],
        [4, 1],
      ]) {
        error.linear += Math.abs(truth[k] - guess[k]) / (4 * count);
        identity.linear += Math.abs(truth[k] - one) / (4 * count);
      }
    }
    const text = JSON.stringify({ error, identity });
    assert.ok(error.translation < 0.6 && error.translation < 0.6 * identity.translation, text);
    assert.ok(error.linear < 0.95 * identity.linear, text);
    tf.dispose([a, b]);
  });

  test('load() keeps the weights on the backend until dispose(); regress alone keeps none', () => {
    const network = new InverseFormNetwork(shippedInverseFormWeights);
    const a = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      network.regress(a, a);
    });
    assert.equal(tf.memory().numTensors, before);
    network.load();
    assert.equal(tf.memory().numTensors, before + 5);
    const out = tf.tidy(() => network.regress(a, a).dataSync());
    assert.ok(out.every((v) => v === 0));
    network.dispose();
    assert.equal(tf.memory().numTensors, before);
    a.dispose();
  });

  test('softBoundary: hand-computed Sobel band, no boundary at the image edge', () => {
    // One row [0, 0, 1, 1, 1] as a one-hot (edge pixels repeated): the central difference of
    // class 1 is 1 at pixels 1 and 2 (the vertical Sobel weights 1, 2, 1 over three equal rows
    // give 4, divided by 4), 0 elsewhere, and the same for class 0: ½ Σ_c = 1, so
    // b = √(1 + ε²) − ε at pixels 1 and 2 and exactly 0 elsewhere (ε = 1e-3).
    const labels = tf.tensor3d([0, 0, 1, 1, 1], [1, 1, 5], 'int32');
    const oneHot = tf.oneHot(labels, 2).toFloat() as tf.Tensor4D;
    // A soft row, class-1 probabilities 0.8, 0.5, 0.1: differences (repeated edges)
    // 0.5 − 0.8, 0.1 − 0.8, 0.1 − 0.5 → b = √(0.3² + ε²) − ε, √(0.7² + ε²) − ε, √(0.4² + ε²) − ε.
    const soft = tf.tensor4d([0.2, 0.8, 0.5, 0.5, 0.9, 0.1], [1, 1, 3, 2]);
    const [hard, partial] = tf.tidy(() => [
      Array.from(softBoundary(oneHot).dataSync()),
      Array.from(softBoundary(soft).dataSync()),
    ]);
    const band = (d: number) => Math.sqrt(d * d + 1e-6) - 1e-3;
    const expectedHard = [0, band(1), band(1), 0, 0];
    hard.forEach((v, i) => assert.ok(Math.abs(v - expectedHard[i]) < 1e-6, `${hard}`));
    assert.equal(hard[0], 0);
    const expectedSoft = [band(0.3), band(0.7), band(0.4)];
    partial.forEach((v, i) => assert.ok(Math.abs(v - expectedSoft[i]) < 1e-6, `${partial}`));
    tf.dispose([labels, oneHot, soft]);
  });
});
