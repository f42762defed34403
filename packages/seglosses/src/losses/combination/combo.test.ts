import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createLoss } from '../../index.js';
import { testBackends, tf, useBackend } from '../../test-support/backends.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';
import { findOracleVariant, loadOracleCase, oracleTensors } from '../../test-support/oracles.js';
import { closeValue } from '../../test-support/tolerances.js';

describeLossProperties('combo', { perfectValue: 0 });
describeLossProperties('combo', {
  options: { includeBackground: false, beta: 0.7, epsilon: 0 },
  perfectValue: 0,
});
describeLossProperties('combo', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});

function valueOf(options: Record<string, unknown>, yTrue: tf.Tensor, yPred: tf.Tensor): number {
  return tf.tidy(() => createLoss('combo', options)(yTrue, yPred).dataSync()[0]);
}

for (const backend of testBackends) {
  describe(`combo on ${backend}`, () => {
    before(() => useBackend(backend));

    test('hand-computed value: two pixels, two classes', () => {
      // Pixel A (class 1): logits (0, ln 3) → p = (1/4, 3/4). Pixel B (class 0): p = (1/2, 1/2).
      // α = 0.5, β = 0.7 (class 1 weighted 0.7, class 0 0.3), no clipping, no smoothing.
      // CE = (0.7 · −ln(3/4) + 0.3 · −ln(1/2)) / 2.
      // Dice class 0: 2 · (1/2) / (3/4 + 1) = 4/7; class 1: 2 · (3/4) / (5/4 + 1) = 2/3.
      const yTrue = tf.tensor3d([1, 0], [1, 1, 2], 'int32');
      const yPred = tf.tensor4d([0, Math.log(3), 0, 0], [1, 1, 2, 2]);
      const ce = (0.7 * -Math.log(0.75) + 0.3 * Math.log(2)) / 2;
      const expected = 0.5 * ce + 0.5 * (1 - (4 / 7 + 2 / 3) / 2);
      const value = valueOf({ beta: 0.7, epsilon: 0, smooth: 0 }, yTrue, yPred);
      assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
      tf.dispose([yTrue, yPred]);
    });

    test('one sigmoid channel is the two-class softmax with logits (0, x)', () => {
      const labels = tf.tensor3d([1, 0, 1, 0, 0, 1], [1, 2, 3], 'int32');
      const x = tf.tensor4d([0.3, -1.2, 2, 0.5, -0.4, 1.1], [1, 2, 3, 1]);
      const two = tf.concat([tf.zerosLike(x), x], 3);
      const sigmoid = valueOf({ activation: 'sigmoid', beta: 0.7 }, labels, x);
      const softmax = valueOf({ beta: 0.7 }, labels, two);
      assert.ok(Math.abs(sigmoid - softmax) < 1e-6, `${sigmoid} vs ${softmax}`);
      tf.dispose([labels, x, two]);
    });

    test('beta > 0.5 penalises a missed foreground pixel more than a false positive', () => {
      // α = 1 (CE only), β = 0.8. FN: a foreground pixel at p_fg = 1/5 costs 0.8 · ln 5.
      // FP: a background pixel at p_fg = 4/5 (p_bg = 1/5) costs 0.2 · ln 5.
      const logit = Math.log(4);
      const options = { alpha: 1, beta: 0.8 };
      const yFg = tf.tensor3d([1], [1, 1, 1], 'int32');
      const yBg = tf.tensor3d([0], [1, 1, 1], 'int32');
      const toBg = tf.tensor4d([logit, 0], [1, 1, 1, 2]);
      const toFg = tf.tensor4d([0, logit], [1, 1, 1, 2]);
      const fnValue = valueOf(options, yFg, toBg);
      const fpValue = valueOf(options, yBg, toFg);
      assert.ok(Math.abs(fnValue - 0.8 * Math.log(5)) < 1e-5, `FN ${fnValue}`);
      assert.ok(Math.abs(fpValue - 0.2 * Math.log(5)) < 1e-5, `FP ${fpValue}`);
      tf.dispose([yFg, yBg, toBg, toFg]);
    });

    test('mlyg relation: reference = ours − (1 − alpha), for any alpha', () => {
      const variant = findOracleVariant('mlyg_combo_loss_binary');
      const result = variant.results[0];
      const { yTrue, yPred } = oracleTensors(loadOracleCase(variant.file, result.case), 'bin2');
      const ours = valueOf({}, yTrue, yPred);
      assert.ok(closeValue(ours - 0.5, result.value as number), `${ours - 0.5}`);
      tf.dispose([yTrue, yPred]);
    });

    test('the known-wrong asgsaeid reference rewards false positives; ours penalises them', () => {
      // asgsaeid adds the background term (1 − t) · log(1 − p) ≤ 0 with a + sign, so raising p on
      // a background pixel LOWERS its loss. Ours must rise.
      const variant = findOracleVariant('asgsaeid_Combo_loss_binary');
      const result = variant.results[0];
      const { yTrue, yPred } = oracleTensors(loadOracleCase(variant.file, result.case), 'bin1');
      const ours = valueOf({ activation: 'sigmoid' }, yTrue, yPred);
      assert.ok(!closeValue(ours - 0.5, result.value as number), 'must differ from the bug');
      const background = tf.tensor3d([0], [1, 1, 1], 'int32');
      const [lowLogit, highLogit] = [
        tf.tensor4d([-1], [1, 1, 1, 1]),
        tf.tensor4d([1], [1, 1, 1, 1]),
      ];
      const low = valueOf({ activation: 'sigmoid' }, background, lowLogit);
      const high = valueOf({ activation: 'sigmoid' }, background, highLogit);
      assert.ok(high > low, `FP prediction ${high} should cost more than ${low}`);
      tf.dispose([yTrue, yPred, background, lowLogit, highLogit]);
    });

    test('clipping: epsilon bounds the CE of a confidently wrong pixel', () => {
      // p_true = σ(−40) ≈ 4e-18 is clipped to 1e-7: CE = −ln(1e-7) · β_c.
      const yTrue = tf.tensor3d([1], [1, 1, 1], 'int32');
      const yPred = tf.tensor4d([40, 0], [1, 1, 1, 2]);
      const value = valueOf({ alpha: 1, beta: 0.5 }, yTrue, yPred);
      assert.ok(Math.abs(value - 0.5 * -Math.log(1e-7)) < 1e-4, `${value}`);
      tf.dispose([yTrue, yPred]);
    });
  });
}
