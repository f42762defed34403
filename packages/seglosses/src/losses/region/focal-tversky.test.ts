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
import { relativeMaxError } from '../../test-support/tolerances.js';

describeLossProperties('focal-tversky', { perfectValue: 0 });
describeLossProperties('focal-tversky', { options: { focalOn: 'mean' }, perfectValue: 0 });
describeLossProperties('focal-tversky', {
  options: { activation: 'sigmoid', pooling: 'all', smooth: 1 },
  channels: 1,
  perfectValue: 0,
});
// With mlyg's Keras clipping a perfect prediction keeps 1 − TI ≈ 1e-7·(β + α·FP/TP pixels), so
// the minimum is (≈ 1e-7)^0.75 ≈ 1e-5 instead of 0.
describeLossProperties('focal-tversky', {
  options: { smooth: 1e-6, clip: 1e-7 },
  perfectValue: 0,
  perfectTolerance: 1e-4,
});

const { labels, probs, shape } = twoPixels;
const none = { activation: 'none', smooth: 0 };
// Tversky errors of the two-pixel case (see tversky.test.ts): 1 − 0.8/1.06 and 1 − 0.6/0.94.
const errors = [1 - 0.8 / 1.06, 1 - 0.6 / 0.94];

describeOnBackends('focal-tversky: hand-computed cases and properties', () => {
  test("focalOn 'term': mean of (1 − TI)^0.75", () => {
    const { value } = evaluateLoss('focal-tversky', none, labels, probs, shape);
    const expected = (errors[0] ** 0.75 + errors[1] ** 0.75) / 2;
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
  });

  test("focalOn 'mean': (mean of 1 − TI)^0.75", () => {
    const options = { ...none, focalOn: 'mean' };
    const { value } = evaluateLoss('focal-tversky', options, labels, probs, shape);
    const expected = ((errors[0] + errors[1]) / 2) ** 0.75;
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
  });

  test('γ = 1 equals the Tversky loss, value and gradient', () => {
    const s4: Shape4 = [2, 3, 3, 3];
    const logits = fixedLogits(s4, 31);
    const l = Array.from({ length: 18 }, (_, i) => i % 3);
    const f = evaluateLoss('focal-tversky', { gamma: 1 }, l, logits, s4);
    const t = evaluateLoss('tversky', {}, l, logits, s4);
    assert.ok(Math.abs(f.value - t.value) < 1e-6);
    assert.ok(relativeMaxError(f.grad, t.grad) < 1e-5);
  });

  test('clip: entries outside [clip, 1 − clip] are clamped and get no gradient', () => {
    // Pixel 0 is class 0 with y = [1, 0]: both entries clamp to [1 − 0.1, 0.1].
    // class 0: TP = 0.9, FN = 0.1, FP = 0 → 1 − TI = 0.07/0.97
    // class 1: TP = 0, FN = 0, FP = 0.1 → 1 − TI = 0.03/0.03 = 1
    const options = { ...none, clip: 0.1, gamma: 1 };
    const { value, grad } = evaluateLoss('focal-tversky', options, [0], [1, 0], [1, 1, 1, 2]);
    const expected = (0.07 / 0.97 + 1) / 2;
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
    assert.deepEqual(Array.from(grad), [0, 0]);
  });

  test('a term without error has value 0 and a zero (not NaN) gradient for γ < 1', () => {
    // One-hot probabilities equal to the target: 1 − TI = 0 exactly, where x^0.75 has an
    // infinite slope; the gradient is taken as 0 there.
    const options = { activation: 'none', smooth: 1e-5 };
    const { value, grad } = evaluateLoss('focal-tversky', options, [0, 1], [1, 0, 0, 1], shape);
    assert.equal(value, 0);
    assert.ok(
      grad.every((g) => g === 0),
      `gradient ${Array.from(grad)}`,
    );
  });

  test("reduction 'none' with focalOn 'mean' is not supported", () => {
    assert.throws(
      () =>
        evaluateLoss('focal-tversky', { focalOn: 'mean', reduction: 'none' }, labels, probs, shape),
      /focal-tversky: reduction 'none' with focalOn 'mean' is not supported/,
    );
  });
});
