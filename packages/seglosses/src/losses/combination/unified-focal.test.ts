import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createLoss } from '../../index.js';
import { testBackends, tf, useBackend } from '../../test-support/backends.js';
import { describeLossProperties, seededRandom } from '../../test-support/loss-properties.js';

// A perfect prediction is clipped to [ε, 1 − ε]: the foreground Tversky term keeps
// (δ·FN + (1 − δ)·FP)/TP ≈ 2e-7 here, raised to 1 − γ = 0.5 → ≈ 5e-4 per class, and the loss
// ≈ 1e-4…2e-4 (the documented floor, as in the reference).
const clipFloor = { perfectValue: 0, perfectTolerance: 1e-3 };
describeLossProperties('unified-focal', { channels: 2, ...clipFloor });
describeLossProperties('unified-focal', {
  options: { form: 'symmetric' },
  channels: 2,
  ...clipFloor,
});
describeLossProperties('unified-focal', { channels: 3, ...clipFloor });
describeLossProperties('unified-focal', {
  options: { activation: 'sigmoid', weight: 0.3, delta: 0.7, gamma: 0.4 },
  channels: 1,
  ...clipFloor,
});

function valueOf(options: Record<string, unknown>, yTrue: tf.Tensor, yPred: tf.Tensor): number {
  return tf.tidy(() => createLoss('unified-focal', options)(yTrue, yPred).dataSync()[0]);
}

/** Two images of 4×4 pixels, labels 0..C−1, logits in (−3, 3). */
function randomCase(seed: number, channels: number): { labels: tf.Tensor3D; logits: tf.Tensor4D } {
  const random = seededRandom(seed);
  return {
    labels: tf.tensor3d(
      Int32Array.from({ length: 32 }, () => Math.floor(random() * channels)),
      [2, 4, 4],
      'int32',
    ),
    logits: tf.tensor4d(
      Float32Array.from({ length: 32 * channels }, () => random() * 6 - 3),
      [2, 4, 4, channels],
    ),
  };
}

for (const backend of testBackends) {
  describe(`unified-focal on ${backend}`, () => {
    before(() => useBackend(backend));

    // Pixel A (class 1): p = (1/4, 3/4); pixel B (class 0): p = (1/2, 1/2); δ = 0.6, γ = 0.5,
    // λ = 0.5, ε = 1e-7 (no probability reaches the clip).
    // Tversky, class 0: TP = 1/2, FN = 1/2, FP = 1/4 → TI_0 = (0.5 + ε)/(0.5 + 0.3 + 0.1 + ε).
    // Class 1: TP = 3/4, FN = 1/4, FP = 1/2 → TI_1 = (0.75 + ε)/(0.75 + 0.15 + 0.2 + ε).
    const eps = 1e-7;
    const ti0 = (0.5 + eps) / (0.9 + eps);
    const ti1 = (0.75 + eps) / (1.1 + eps);
    const ceA = -Math.log(0.75);
    const ceB = Math.log(2);
    const inputs = () => ({
      yTrue: tf.tensor3d([1, 0], [1, 1, 2], 'int32'),
      yPred: tf.tensor4d([0, Math.log(3), 0, 0], [1, 1, 2, 2]),
    });

    test('hand-computed value, asymmetric form', () => {
      // Focal: mean(δ · CE_A, (1 − δ) · (1 − 1/2)^γ · CE_B).
      // Tversky: mean(1 − TI_0, (1 − TI_1)^0.5).
      const focalPart = (0.6 * ceA + 0.4 * Math.sqrt(0.5) * ceB) / 2;
      const tverskyPart = (1 - ti0 + Math.sqrt(1 - ti1)) / 2;
      const { yTrue, yPred } = inputs();
      const value = valueOf({}, yTrue, yPred);
      const expected = 0.5 * focalPart + 0.5 * tverskyPart;
      assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
      tf.dispose([yTrue, yPred]);
    });

    test('hand-computed value, symmetric form', () => {
      // The foreground CE is also scaled by (1 − 3/4)^γ; the background Tversky term is powered.
      const focalPart = (0.6 * Math.sqrt(0.25) * ceA + 0.4 * Math.sqrt(0.5) * ceB) / 2;
      const tverskyPart = (Math.sqrt(1 - ti0) + Math.sqrt(1 - ti1)) / 2;
      const { yTrue, yPred } = inputs();
      const value = valueOf({ form: 'symmetric', weight: 0.25 }, yTrue, yPred);
      const expected = 0.25 * focalPart + 0.75 * tverskyPart;
      assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
      tf.dispose([yTrue, yPred]);
    });

    test('weight 1, gamma 0, delta 0.5 (symmetric) is half the cross-entropy', () => {
      const { labels, logits } = randomCase(51, 3);
      const ours = valueOf({ form: 'symmetric', weight: 1, gamma: 0, delta: 0.5 }, labels, logits);
      const ce = tf.tidy(() => createLoss('cross-entropy')(labels, logits).dataSync()[0]);
      assert.ok(Math.abs(ours - ce / 2) < 1e-6, `${ours} vs ${ce / 2}`);
      tf.dispose([labels, logits]);
    });

    test('weight 0, gamma 0, delta 0.5 (symmetric) is the Dice loss with smoothing 2ε', () => {
      // TI with δ = 0.5 is (TP + ε)/(TP + ½FN + ½FP + ε) = (2TP + 2ε)/(Σy + Σt + 2ε).
      const { labels, logits } = randomCase(52, 3);
      const ours = valueOf({ form: 'symmetric', weight: 0, gamma: 0, delta: 0.5 }, labels, logits);
      const dice = tf.tidy(
        () => createLoss('dice', { smooth: 2e-7 })(labels, logits).dataSync()[0],
      );
      assert.ok(Math.abs(ours - dice) < 1e-5, `${ours} vs ${dice}`);
      tf.dispose([labels, logits]);
    });

    test('one sigmoid channel is the two-class softmax with logits (0, x)', () => {
      const { labels, logits } = randomCase(53, 2);
      const x = tf.slice(logits, [0, 0, 0, 1], [2, 4, 4, 1]);
      const two = tf.concat([tf.zerosLike(x), x], 3);
      const sigmoid = valueOf({ activation: 'sigmoid' }, labels, x);
      const softmax = valueOf({}, labels, two);
      assert.ok(Math.abs(sigmoid - softmax) < 1e-6, `${sigmoid} vs ${softmax}`);
      tf.dispose([labels, logits, x, two]);
    });

    test('multi-class: foreground classes are interchangeable, the background is not', () => {
      const { labels, logits } = randomCase(54, 3);
      const swap = (order: number[]) =>
        tf.tidy(() => {
          const l = tf.gather(logits, order, 3);
          const map = tf.gather(
            tf.tensor1d(
              order.map((_, i) => order.indexOf(i)),
              'int32',
            ),
            labels,
          );
          return valueOf({}, map, l);
        });
      const base = swap([0, 1, 2]);
      assert.ok(Math.abs(swap([0, 2, 1]) - base) < 1e-6, 'swapping classes 1 and 2');
      assert.ok(Math.abs(swap([1, 0, 2]) - base) > 1e-3, 'swapping background and class 1');
      tf.dispose([labels, logits]);
    });

    test('empty policy: a class absent and predicted absent still costs ≈ 1 (Tversky)', () => {
      // 16 background pixels, confident background prediction. Class 1: TP = FN = 0,
      // FP = 16ε (clip) → 1 − TI = 0.4·16ε/(0.4·16ε + ε) = 6.4/7.4, powered to 0.5.
      // Class 0 and the focal part are ≈ 0 (≤ 1e-7). Loss = 0.5 · mean(0, √(6.4/7.4)).
      const yTrue = tf.zeros([1, 4, 4], 'int32');
      const yPred = tf.tile(tf.tensor4d([20, -20], [1, 1, 1, 2]), [1, 4, 4, 1]);
      const value = valueOf({}, yTrue, yPred);
      const expected = 0.5 * (Math.sqrt(6.4 / 7.4) / 2);
      assert.ok(Math.abs(value - expected) < 1e-5, `${value} vs ${expected}`);
      tf.dispose([yTrue, yPred]);
    });

    test('sigmoid with several channels is not supported', () => {
      const loss = createLoss('unified-focal', { activation: 'sigmoid' });
      const labels = tf.zeros([1, 2, 2], 'int32');
      const logits = tf.zeros([1, 2, 2, 2]);
      assert.throws(() => loss(labels, logits), /unified-focal: .* is not supported/);
      tf.dispose([labels, logits]);
    });
  });
}
