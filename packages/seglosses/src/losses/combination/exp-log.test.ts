import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createLoss } from '../../index.js';
import { testBackends, tf, useBackend } from '../../test-support/backends.js';
import { describeLossProperties, seededRandom } from '../../test-support/loss-properties.js';

describeLossProperties('exp-log', { perfectValue: 0 });
describeLossProperties('exp-log', {
  options: { form: 'segloss-odyssey', classWeights: [1, 2, 0.5] },
  perfectValue: 0,
});
describeLossProperties('exp-log', {
  options: { activation: 'sigmoid', includeBackground: false },
  channels: 1,
  perfectValue: 0,
  // (1 − D)^0.3 decays slowly: a sigmoid margin of 20 leaves 1 − D ≈ 5e-9 and an exact value
  // of 3e-3; a margin of 40 brings it to ≈ 1e-6.
  perfectLogit: 40,
});

function valueOf(options: Record<string, unknown>, yTrue: tf.Tensor, yPred: tf.Tensor): number {
  return tf.tidy(() => createLoss('exp-log', options)(yTrue, yPred).dataSync()[0]);
}

for (const backend of testBackends) {
  describe(`exp-log on ${backend}`, () => {
    before(() => useBackend(backend));

    // Pixel A (class 1): logits (0, ln 3) → p = (1/4, 3/4). Pixel B (class 0): p = (1/2, 1/2).
    // With s = 1: D_0 = (2 · 1/2 + 1) / (3/4 + 1 + 1) = 8/11, D_1 = (2 · 3/4 + 1) / (5/4 + 1 + 1)
    // = 10/13.
    const d0 = 8 / 11;
    const d1 = 10 / 13;
    const pow = (x: number) => x ** 0.3;

    test("hand-computed value, form 'paper'", () => {
      // 0.8 · mean((−ln D_0)^0.3, (−ln D_1)^0.3) + 0.2 · mean((−ln 3/4)^0.3, (ln 2)^0.3).
      const yTrue = tf.tensor3d([1, 0], [1, 1, 2], 'int32');
      const yPred = tf.tensor4d([0, Math.log(3), 0, 0], [1, 1, 2, 2]);
      const dice = (pow(-Math.log(d0)) + pow(-Math.log(d1))) / 2;
      const ce = (pow(-Math.log(0.75)) + pow(Math.log(2))) / 2;
      const value = valueOf({}, yTrue, yPred);
      assert.ok(Math.abs(value - (0.8 * dice + 0.2 * ce)) < 1e-6, `${value}`);
      tf.dispose([yTrue, yPred]);
    });

    test("hand-computed value, form 'segloss-odyssey'", () => {
      // 0.8 · (−ln mean(D_0, D_1))^0.3 + 0.2 · mean(−ln 3/4, ln 2).
      const yTrue = tf.tensor3d([1, 0], [1, 1, 2], 'int32');
      const yPred = tf.tensor4d([0, Math.log(3), 0, 0], [1, 1, 2, 2]);
      const expected =
        0.8 * pow(-Math.log((d0 + d1) / 2)) + (0.2 * (-Math.log(0.75) + Math.log(2))) / 2;
      const value = valueOf({ form: 'segloss-odyssey' }, yTrue, yPred);
      assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
      tf.dispose([yTrue, yPred]);
    });

    test('gamma = 1 with only the CE term is cross-entropy in both forms', () => {
      const random = seededRandom(41);
      const yTrue = tf.tensor3d(
        Int32Array.from({ length: 32 }, () => (random() < 0.1 ? 255 : Math.floor(random() * 3))),
        [2, 4, 4],
        'int32',
      );
      const yPred = tf.tensor4d(
        Float32Array.from({ length: 96 }, () => random() * 6 - 3),
        [2, 4, 4, 3],
      );
      const ce = tf.tidy(() => createLoss('cross-entropy')(yTrue, yPred).dataSync()[0]);
      for (const form of ['paper', 'segloss-odyssey']) {
        const value = valueOf({ form, gamma: 1, diceWeight: 0, ceWeight: 1 }, yTrue, yPred);
        assert.ok(Math.abs(value - ce) < 1e-6, `${form}: ${value} vs ${ce}`);
      }
      tf.dispose([yTrue, yPred]);
    });

    test('the paper form raises each class to the power, SegLossOdyssey the mean', () => {
      // One well and one badly segmented class: mean of powers ≠ power of the mean. With the
      // CE term off, paper = mean((−ln D_c)^γ); segloss-odyssey = (−ln mean D_c)^γ.
      const yTrue = tf.tensor3d([1, 0], [1, 1, 2], 'int32');
      const yPred = tf.tensor4d([0, Math.log(3), 0, 0], [1, 1, 2, 2]);
      const only = { diceWeight: 1, ceWeight: 0 };
      const paper = valueOf(only, yTrue, yPred);
      const odyssey = valueOf({ ...only, form: 'segloss-odyssey' }, yTrue, yPred);
      assert.ok(Math.abs(paper - (pow(-Math.log(d0)) + pow(-Math.log(d1))) / 2) < 1e-6);
      assert.ok(Math.abs(odyssey - pow(-Math.log((d0 + d1) / 2))) < 1e-6);
      tf.dispose([yTrue, yPred]);
    });

    test('a near-perfect prediction keeps its (−ln D)^gamma in float32', () => {
      // 1 − D ≈ 2e-10 here: ln D in float32 would be 0 and the value 0; the exact value is
      // 0.8 · (1 − D)^0.3 ≈ 1e-3, with 1 − D = (FP + FN)/(2 TP + FP + FN + s) computed by hand.
      const yTrue = tf.tensor3d([0, 1], [1, 1, 2], 'int32');
      const yPred = tf.tensor4d([12, -12, -12, 12], [1, 1, 2, 2]);
      const e = 1 / (1 + Math.exp(24));
      // Per class: TP = 1 − e, FP = e, FN = e; 1 − D = 2e / (2 − 2e + 2e + 1) = 2e/3.
      const u = (2 * e) / 3;
      const expected = 0.8 * (-Math.log1p(-u)) ** 0.3;
      const value = valueOf({ diceWeight: 0.8, ceWeight: 0 }, yTrue, yPred);
      assert.ok(Math.abs(value - expected) < 1e-4 * expected, `${value} vs ${expected}`);
      tf.dispose([yTrue, yPred]);
    });
  });
}
