import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends, evaluateLoss } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';
import { confidentLogits, rectangleLabels, valueOn } from './test-support/boundary-cases.js';

describeLossProperties('cl-dice', { perfectValue: 0 });
describeLossProperties('cl-dice', { options: { alpha: 0.5 }, perfectValue: 0 });
describeLossProperties('cl-dice', {
  options: { iterations: 3, includeBackground: false },
  perfectValue: 0,
});
describeLossProperties('cl-dice', {
  options: { activation: 'sigmoid', smooth: 0 },
  channels: 1,
  perfectValue: 0,
});

describeOnBackends('cl-dice: hand-computed values', () => {
  // 3×5 image, class 1 the middle row; y_1 = 0.5 on it and 0 elsewhere; background excluded.
  // A one-pixel line is its own skeleton: S(t) = line, S(y) = 0.5·line.
  // Tprec = (Σ S(y)t + 1)/(Σ S(y) + 1) = 3.5/3.5 = 1; Tsens = (Σ S(t)y + 1)/(Σ S(t) + 1) = 3.5/6.
  // clDice = 2·(7/12)/(1 + 7/12) = 14/19 → loss 5/19.
  // Soft Dice: (2·2.5 + 1)/(2.5 + 5 + 1) = 12/17 → loss 5/17.
  const labels = rectangleLabels(3, 5, [1, 1, 0, 4]);
  const probs = labels.flatMap((l) => (l === 1 ? [0.5, 0.5] : [1, 0]));
  const shape: [number, number, number, number] = [1, 3, 5, 2];
  const options = { activation: 'none', includeBackground: false };

  test('clDice alone (alpha 1)', () => {
    const { value } = evaluateLoss('cl-dice', options, labels, probs, shape);
    assert.ok(Math.abs(value - 5 / 19) < 1e-6, `${value}`);
  });

  test('mixed with soft Dice (alpha 0.5)', () => {
    const { value } = evaluateLoss('cl-dice', { ...options, alpha: 0.5 }, labels, probs, shape);
    const expected = 0.5 * (5 / 17) + 0.5 * (5 / 19);
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
  });

  test('alpha 0 is the soft Dice of the pooled classes', () => {
    const { value } = evaluateLoss('cl-dice', { ...options, alpha: 0 }, labels, probs, shape);
    assert.ok(Math.abs(value - 5 / 17) < 1e-6, `${value}`);
  });
});

describeOnBackends('cl-dice: properties', () => {
  test('a thin bar shifted further costs more (clDice alone only once skeletons leave)', () => {
    // 12×12, a vertical bar 3 pixels wide; predictions of the bar moved right by 0, 1 and 3.
    // Moved by 1, each skeleton (the middle column) still lies inside the other bar, so clDice
    // alone does not change; mixed with Dice (alpha 0.5) the loss grows at every step.
    const target = rectangleLabels(12, 12, [1, 10, 4, 6]);
    const at = (shift: number, options: Record<string, unknown>): number => {
      const predicted = rectangleLabels(12, 12, [1, 10, 4 + shift, 6 + shift]);
      return valueOn('cl-dice', options, target, confidentLogits(predicted), 12, 12);
    };
    const [c0, c1, c3] = [at(0, {}), at(1, {}), at(3, {})];
    assert.ok(Math.abs(c1 - c0) < 1e-6 && c1 < c3, `${c0}, ${c1}, ${c3}`);
    const [m0, m1, m3] = [0, 1, 3].map((shift) => at(shift, { alpha: 0.5 }));
    assert.ok(m0 < m1 && m1 < m3, `${m0}, ${m1}, ${m3}`);
  });

  test('a broken line costs more than a thinner one of the same mass', () => {
    // Target: a 1-pixel horizontal line across a 5×9 image. Prediction A covers it but with a
    // gap of one pixel; prediction B covers it fully at probability 8/9 (the same total mass).
    // clDice penalises the break in connectivity more.
    const labels = rectangleLabels(5, 9, [2, 2, 0, 8]);
    const broken = labels.map((l, i) => (l === 1 && i !== 2 * 9 + 4 ? 1 : 0));
    const faint = labels.map((l) => (l === 1 ? 8 / 9 : 0));
    const loss = createLoss('cl-dice', { activation: 'none', includeBackground: false });
    const run = (y: number[]): number =>
      tf.tidy(() => {
        const yTrue = tf.tensor3d(labels, [1, 5, 9], 'int32');
        const yPred = tf.tensor4d(
          y.flatMap((p) => [1 - p, p]),
          [1, 5, 9, 2],
        );
        return loss(yTrue, yPred).dataSync()[0];
      });
    assert.ok(run(broken) > run(faint), `${run(broken)} vs ${run(faint)}`);
  });
});

test('cl-dice: options are checked', () => {
  assert.throws(() => createLoss('cl-dice', { iterations: -1 }), /cl-dice: option iterations/);
  assert.throws(() => createLoss('cl-dice', { alpha: 2 }), /cl-dice: option alpha must be in/);
});
