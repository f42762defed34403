import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  describeOnBackends,
  evaluateLoss,
  fixedLogits,
  twoPixels,
} from '../../test-support/hand-cases.js';
import type { Shape4 } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';

describeLossProperties('jaccard', { perfectValue: 0 });
describeLossProperties('jaccard', {
  options: { pooling: 'class', absentClasses: 'zero', smooth: 0 },
  perfectValue: 0,
});
describeLossProperties('jaccard', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});

const { labels, probs, shape } = twoPixels;
const none = { activation: 'none', smooth: 0 };

describeOnBackends('jaccard: hand-computed cases', () => {
  test('the two-pixel case', () => {
    // class 0: TP = 0.8, FP = 0.4, FN = 0.2 → J = 0.8/1.4
    // class 1: TP = 0.6, FP = 0.2, FN = 0.4 → J = 0.6/1.2
    const { value } = evaluateLoss('jaccard', none, labels, probs, shape);
    const expected = 1 - (0.8 / 1.4 + 0.6 / 1.2) / 2;
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
  });

  test("smooth 5e-6 equals MONAI's 1 − (2TP + 1e-5)/(2(TP + FP + FN) + 1e-5)", () => {
    // MONAI DiceLoss(jaccard=True) on the two-pixel case, from its own formula.
    const monai = (tp: number, union: number): number => 1 - (2 * tp + 1e-5) / (2 * union + 1e-5);
    const expected = (monai(0.8, 1.4) + monai(0.6, 1.2)) / 2;
    const options = { activation: 'none', smooth: 5e-6 };
    const { value } = evaluateLoss('jaccard', options, labels, probs, shape);
    assert.ok(Math.abs(value - expected) < 1e-7, `${value} vs ${expected}`);
  });

  test('absentClasses keep / zero / drop on classes missing from the target', () => {
    // 2 pixels of class 0, 3 classes, y = [0.7, 0.2, 0.1] at both pixels, s = 0.
    // class 0: TP = 1.4, FP = 0, FN = 0.6 → 1 − J = 0.6/2 = 0.3
    // class 1: absent, FP = 0.4 → 1 − J = 1; class 2: absent, FP = 0.2 → 1 − J = 1
    const y = [0.7, 0.2, 0.1, 0.7, 0.2, 0.1];
    const s3: Shape4 = [1, 1, 2, 3];
    const run = (absentClasses: string): number =>
      evaluateLoss('jaccard', { ...none, absentClasses }, [0, 0], y, s3).value;
    assert.ok(Math.abs(run('keep') - (0.3 + 1 + 1) / 3) < 1e-6);
    assert.ok(Math.abs(run('zero') - 0.3 / 3) < 1e-6);
    assert.ok(Math.abs(run('drop') - 0.3) < 1e-6);
  });

  test('an absent class keeps its exact, tiny gradient (no cancellation)', () => {
    // Class 1 absent, s = 1e-5, y_1 = 0.25 at 4 pixels: L_1 = FP/(FP + s) with FP = 1, so
    // dL_1/dy_i = s/(FP + s)² (float64 below). The plain quotient rule, 1/(FP + s) − FP/(FP + s)²,
    // would leave float32 rounding noise of about 1e-7 instead.
    const y = [0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25];
    const options = { activation: 'none', reduction: 'sum', includeBackground: false };
    const { grad } = evaluateLoss('jaccard', options, [0, 0, 0, 0], y, [1, 2, 2, 2]);
    const expected = 1e-5 / (1 + 1e-5) ** 2;
    for (let i = 1; i < 8; i += 2) {
      assert.ok(Math.abs(grad[i] - expected) < 1e-4 * expected, `${grad[i]} vs ${expected}`);
    }
  });

  test('pooling: one image pooled over classes, or one image per class', () => {
    // With B = 1, 'all' equals 'image' and 'class' equals 'image-class'; pooling the classes
    // changes the value.
    const s4: Shape4 = [1, 3, 3, 3];
    const logits = fixedLogits(s4, 3);
    const l = [0, 0, 0, 0, 0, 0, 1, 1, 2];
    const value = (pooling: string): number =>
      evaluateLoss('jaccard', { pooling }, l, logits, s4).value;
    assert.ok(Math.abs(value('all') - value('image')) < 1e-6);
    assert.ok(Math.abs(value('class') - value('image-class')) < 1e-6);
    assert.ok(Math.abs(value('all') - value('class')) > 1e-2, 'pooling classes changes it');
  });

  test('classWeights with the classes pooled is not supported', () => {
    const options = { pooling: 'all', classWeights: [1, 2] };
    assert.throws(
      () => evaluateLoss('jaccard', options, labels, probs, shape),
      /jaccard: option classWeights with pooling 'all' is not supported/,
    );
  });
});
