import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { softBoundary } from '../../inverse-form/boundary-map.js';
import { InverseFormNetwork } from '../../inverse-form/network.js';
import { shippedInverseFormWeights } from '../../inverse-form/weights.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';

describeLossProperties('inverse-form', { perfectValue: 0 });
describeLossProperties('inverse-form', { perfectValue: 0, size: 36 });
describeLossProperties('inverse-form', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});

test('inverse-form: needs no extra head or target map', () => {
  const loss = createLoss('inverse-form');
  assert.deepEqual(
    [loss.needs, loss.heads(3), loss.targetMaps, loss.trainableVariables],
    [[], [], [], []],
  );
});

/** Labels `[1,H,W]` of a disk of class 1 with centre (cy, cx) and radius r. */
function diskLabels(h: number, w: number, cy: number, cx: number, r: number): tf.Tensor3D {
  const values = new Int32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) values[y * w + x] = Math.hypot(y - cy, x - cx) <= r ? 1 : 0;
  }
  return tf.tensor3d(values, [1, h, w], 'int32');
}

/** Two-class logits ±`margin` for int labels `[B,H,W]`. */
function confident(labels: tf.Tensor3D, margin: number): tf.Tensor4D {
  return tf.tidy(() =>
    tf.mul(tf.sub(tf.mul(tf.oneHot(labels, 2), 2), 1), margin).toFloat(),
  ) as tf.Tensor4D;
}

describeOnBackends('inverse-form hand cases', () => {
  test('the value is the mean over 32×32 tiles of ‖f(B(y), B(t))‖, zero where no boundary', () => {
    // A 32×64 image: the disk lies in the right tile only, so the left tile has no boundary in
    // either map and gives exactly 0; the right tile gives the norm of the network's output on
    // the two boundary tiles, recomputed here from the pieces.
    const labels = diskLabels(32, 64, 16, 48, 8);
    const predicted = diskLabels(32, 64, 17, 50, 8);
    const logits = confident(predicted, 5);
    const loss = createLoss('inverse-form', { reduction: 'none' });
    const network = new InverseFormNetwork(shippedInverseFormWeights);
    const [terms, shape, expected] = tf.tidy(() => {
      const out = loss(labels, logits);
      const right = (x: tf.Tensor4D) => tf.slice(softBoundary(x), [0, 0, 32, 0], [1, 32, 32, 1]);
      const m = network.regress(
        right(tf.softmax(logits) as tf.Tensor4D),
        right(tf.oneHot(labels, 2).toFloat() as tf.Tensor4D),
      );
      return [Array.from(out.dataSync()), out.shape, Math.hypot(...m.dataSync())];
    });
    assert.deepEqual(shape, [1, 1, 2]);
    assert.equal(terms[0], 0);
    assert.ok(Math.abs(terms[1] - expected) < 1e-5, `${terms[1]} vs ${expected}`);
    assert.ok(terms[1] > 0.01, `a shifted disk must give a clear distance, got ${terms[1]}`);
    tf.dispose([labels, predicted, logits]);
  });

  test('tiles pad the bottom and right edges: 40×70 gives [B, 2, 3]', () => {
    const labels = tf.zeros([2, 40, 70], 'int32');
    const logits = tf.zeros([2, 40, 70, 3]);
    const out = tf.tidy(() => {
      const r = createLoss('inverse-form', { reduction: 'none' })(labels, logits);
      return { shape: r.shape, values: Array.from(r.dataSync()) };
    });
    assert.deepEqual(out.shape, [2, 2, 3]);
    // Uniform prediction and target: no boundary anywhere → exactly 0.
    assert.ok(out.values.every((v) => v === 0));
    tf.dispose([labels, logits]);
  });

  test('a boundary shifted further from the target gives a larger loss', () => {
    const labels = diskLabels(32, 32, 16, 16, 9);
    const loss = createLoss('inverse-form');
    const values = [0, 1, 2, 3].map((s) =>
      tf.tidy(() => {
        const shifted = diskLabels(32, 32, 16, 16 + s, 9);
        return loss(labels, confident(shifted, 20)).dataSync()[0];
      }),
    );
    assert.ok(values[0] < 1e-6, `unshifted: ${values[0]}`);
    for (let s = 1; s < 4; s++) assert.ok(values[s] > values[s - 1], `${values}`);
    labels.dispose();
  });

  for (const [activation, channels] of [
    ['softmax', 2],
    ['sigmoid', 1],
  ] as const) {
    test(`${activation}: the gradient is non-zero and a step against it lowers the loss`, () => {
      const labels = diskLabels(32, 32, 16, 16, 9);
      const shifted = diskLabels(32, 32, 16, 18, 9);
      const logits = tf.tidy(() =>
        channels === 2
          ? confident(shifted, 1.5)
          : tf.expandDims(tf.mul(tf.sub(tf.mul(tf.cast(shifted, 'float32'), 2), 1), 1.5), 3),
      ) as tf.Tensor4D;
      const loss = createLoss('inverse-form', { activation });
      const f = (x: tf.Tensor) => loss(labels, x) as tf.Scalar;
      const before = tf.memory().numTensors;
      const grad = tf.grad(f)(logits);
      const largest = tf.tidy(() => tf.max(tf.abs(grad)).dataSync()[0]);
      assert.ok(largest > 1e-4, `largest gradient entry ${largest}`);
      const [value, stepped] = tf.tidy(() => [
        f(logits).dataSync()[0],
        f(tf.sub(logits, tf.mul(grad, 0.1 / largest))).dataSync()[0],
      ]);
      assert.ok(stepped < value, `${stepped} !< ${value}`);
      grad.dispose();
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([labels, shifted, logits]);
    });
  }

  test('why not the published edge input: log-softmax over one channel is constant 0', () => {
    // The published InverseForm code feeds log_softmax(edge logits) over the channel axis; with
    // one edge channel that is log 1 = 0 for every input, so its gradient vanishes.
    const edge = tf.randomNormal([1, 4, 4, 1], 0, 3, 'float32', 1);
    const [values, grad] = tf.tidy(() => [
      Array.from(tf.logSoftmax(edge).dataSync()),
      Array.from(
        tf
          .grad((x: tf.Tensor) => tf.sum(tf.mul(tf.logSoftmax(x), 7)))(edge)
          .dataSync(),
      ),
    ]);
    assert.ok(values.every((v) => v === 0));
    assert.ok(grad.every((g) => g === 0));
    edge.dispose();
  });
});
