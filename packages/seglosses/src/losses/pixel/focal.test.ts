import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createLoss } from '../../index.js';
import { testBackends, tf, useBackend } from '../../test-support/backends.js';
import { describeLossProperties, seededRandom } from '../../test-support/loss-properties.js';

describeLossProperties('focal', { perfectValue: 0 });
describeLossProperties('focal', {
  options: { gamma: 0.5, alpha: 0.25, classWeights: [1, 2, 3] },
  perfectValue: 0,
});
describeLossProperties('focal', {
  options: { activation: 'sigmoid', alpha: 0.25 },
  channels: 1,
  perfectValue: 0,
});
describeLossProperties('focal', {
  options: { activation: 'sigmoid', denominator: 'elements' },
  channels: 3,
  perfectValue: 0,
});

function valueOf(loss: ReturnType<typeof createLoss>, yTrue: tf.Tensor, yPred: tf.Tensor): number {
  return tf.tidy(() => loss(yTrue, yPred).dataSync()[0]);
}

/** Labels 0..C−1 with some 255, and logits in (−3, 3), from a seed. */
function randomCase(seed: number, channels: number): { labels: tf.Tensor3D; logits: tf.Tensor4D } {
  const random = seededRandom(seed);
  const n = 2 * 6 * 6;
  const classes = Math.max(channels, 2);
  const labels = Int32Array.from({ length: n }, () =>
    random() < 0.1 ? 255 : Math.floor(random() * classes),
  );
  const logits = Float32Array.from({ length: n * channels }, () => (random() * 2 - 1) * 3);
  return {
    labels: tf.tensor3d(labels, [2, 6, 6], 'int32'),
    logits: tf.tensor4d(logits, [2, 6, 6, channels]),
  };
}

for (const backend of testBackends) {
  describe(`focal on ${backend}`, () => {
    before(() => useBackend(backend));

    test('hand-computed softmax value: one pixel, two classes', () => {
      // logits (0, ln 3): p = (1/4, 3/4), true class 1 → (1 − 3/4)² · (−ln 3/4).
      const yTrue = tf.tensor3d([1], [1, 1, 1], 'int32');
      const yPred = tf.tensor4d([0, Math.log(3)], [1, 1, 1, 2]);
      const plain = -(0.25 ** 2) * Math.log(0.75);
      const cases: [Record<string, unknown>, number][] = [
        [{}, plain],
        // α = 0.25 applies to class 1 (1 − α to class 0).
        [{ alpha: 0.25 }, 0.25 * plain],
        // MONAI's mean over the B·H·W·C entries: divided by C = 2.
        [{ denominator: 'elements' }, plain / 2],
      ];
      for (const [options, expected] of cases) {
        const value = valueOf(createLoss('focal', options), yTrue, yPred);
        assert.ok(Math.abs(value - expected) < 1e-6, `${JSON.stringify(options)}: ${value}`);
      }
      tf.dispose([yTrue, yPred]);
    });

    test('hand-computed sigmoid value: alpha on positives, 1 − alpha on negatives', () => {
      // Pixel 1: t = 1, x = ln 3 → p = 3/4, 1 − p_t = 1/4: 0.25 · (1/4)² · (−ln 3/4).
      // Pixel 2: t = 0, x = 0 → p = 1/2, 1 − p_t = 1/2: 0.75 · (1/2)² · ln 2. Mean of both.
      const loss = createLoss('focal', { activation: 'sigmoid', alpha: 0.25 });
      const yTrue = tf.tensor3d([1, 0], [1, 1, 2], 'int32');
      const yPred = tf.tensor4d([Math.log(3), 0], [1, 1, 2, 1]);
      const expected = (0.25 * 0.0625 * -Math.log(0.75) + 0.75 * 0.25 * Math.log(2)) / 2;
      const value = valueOf(loss, yTrue, yPred);
      assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
      tf.dispose([yTrue, yPred]);
    });

    test('gamma = 0 without alpha equals cross-entropy, value and gradient', () => {
      const configs: [Record<string, unknown>, number][] = [
        [{}, 3],
        [{ classWeights: [0.5, 1, 2] }, 3],
        [{ activation: 'sigmoid' }, 3],
        [{ activation: 'sigmoid' }, 1],
      ];
      for (const [options, channels] of configs) {
        const { labels, logits } = randomCase(21 + channels, channels);
        const focalLoss = createLoss('focal', { ...options, gamma: 0 });
        const ce = createLoss('cross-entropy', options);
        const a = tf.valueAndGrad((p: tf.Tensor) => focalLoss(labels, p) as tf.Scalar)(logits);
        const b = tf.valueAndGrad((p: tf.Tensor) => ce(labels, p) as tf.Scalar)(logits);
        const label = JSON.stringify(options);
        assert.ok(Math.abs(a.value.dataSync()[0] - b.value.dataSync()[0]) < 1e-6, label);
        const ga = a.grad.dataSync();
        const gb = b.grad.dataSync();
        for (let i = 0; i < ga.length; i++) assert.ok(Math.abs(ga[i] - gb[i]) < 1e-7, label);
        tf.dispose([labels, logits, a.value, a.grad, b.value, b.grad]);
      }
    });

    test('focusing: an easy pixel is scaled by (1 − p)^gamma relative to cross-entropy', () => {
      // p_t = 0.9 and 0.5: focal/CE = 0.1² = 0.01 and 0.5² = 0.25 with γ = 2.
      const focalLoss = createLoss('focal', { reduction: 'none' });
      const ce = createLoss('cross-entropy', { reduction: 'none' });
      const yTrue = tf.tensor3d([0, 0], [1, 1, 2], 'int32');
      const yPred = tf.tensor4d([Math.log(9), 0, 0, 0], [1, 1, 2, 2]);
      const ratio = tf.tidy(() => tf.div(focalLoss(yTrue, yPred), ce(yTrue, yPred)).dataSync());
      assert.ok(Math.abs(ratio[0] - 0.01) < 1e-6 && Math.abs(ratio[1] - 0.25) < 1e-6, `${ratio}`);
      tf.dispose([yTrue, yPred]);
    });

    test('gamma < 1 keeps a finite gradient on saturated logits', () => {
      const loss = createLoss('focal', { gamma: 0.3 });
      const yTrue = tf.tensor3d([0, 1], [1, 1, 2], 'int32');
      const yPred = tf.tensor4d([200, -200, -200, 200], [1, 1, 2, 2]);
      const grad = tf.tidy(() =>
        tf
          .grad((p: tf.Tensor) => loss(yTrue, p) as tf.Scalar)(yPred)
          .dataSync(),
      );
      assert.ok(grad.every(Number.isFinite), `${grad}`);
      tf.dispose([yTrue, yPred]);
    });

    test('reduction none gives [B,H,W] with 0 at ignored pixels', () => {
      const loss = createLoss('focal', { reduction: 'none' });
      const out = tf.tidy(() => {
        const r = loss(tf.tensor3d([0, 255], [1, 1, 2], 'int32'), tf.zeros([1, 1, 2, 2]));
        return { shape: r.shape, values: Array.from(r.dataSync()) };
      });
      assert.deepEqual(out.shape, [1, 1, 2]);
      // p = 1/2: (1/2)² · ln 2.
      assert.ok(Math.abs(out.values[0] - 0.25 * Math.log(2)) < 1e-6);
      assert.equal(out.values[1], 0);
    });

    test('alpha: null turns the balance off, values outside [0, 1] are rejected', () => {
      assert.equal(createLoss('focal', { alpha: null }).options.alpha, null);
      assert.throws(() => createLoss('focal', { alpha: 1.5 }), /focal: option alpha must be in/);
    });
  });
}
