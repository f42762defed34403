import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import {
  describeOnBackends,
  evaluateLoss,
  fixedLogits,
  twoPixels,
} from '../../test-support/hand-cases.js';
import type { Shape4 } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';
import { relativeMaxError } from '../../test-support/tolerances.js';

describeLossProperties('tversky', { perfectValue: 0 });
describeLossProperties('tversky', {
  options: { pooling: 'class', absentClasses: 'zero', smooth: 0, alpha: 0.7, beta: 0.3 },
  perfectValue: 0,
});
describeLossProperties('tversky', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});

const { labels, probs, shape } = twoPixels;
const none = { activation: 'none', smooth: 0 };

describeOnBackends('tversky: hand-computed cases and properties', () => {
  test('the two-pixel case with α = 0.3 on FP and β = 0.7 on FN', () => {
    // class 0: TP = 0.8, FP = 0.4, FN = 0.2 → TI = 0.8/(0.8 + 0.12 + 0.14) = 0.8/1.06
    // class 1: TP = 0.6, FP = 0.2, FN = 0.4 → TI = 0.6/(0.6 + 0.06 + 0.28) = 0.6/0.94
    const { value } = evaluateLoss('tversky', none, labels, probs, shape);
    const expected = 1 - (0.8 / 1.06 + 0.6 / 0.94) / 2;
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
  });

  test('alpha weights false positives, beta false negatives', () => {
    // One pixel of class 1 predicted [0.5, 0.5], includeBackground false, s = 0:
    // class 1: TP = 0.5, FP = 0, FN = 0.5 → only β matters: 1 − 0.5/(0.5 + 0.5β).
    // A second pixel of class 0 predicted [0.5, 0.5] adds FP = 0.5 to class 1.
    const options = { ...none, includeBackground: false };
    const onlyFn = (alpha: number, beta: number): number =>
      evaluateLoss('tversky', { ...options, alpha, beta }, [1], [0.5, 0.5], [1, 1, 1, 2]).value;
    assert.ok(Math.abs(onlyFn(0.9, 0.2) - (1 - 0.5 / 0.6)) < 1e-6);
    assert.ok(Math.abs(onlyFn(0.1, 0.2) - (1 - 0.5 / 0.6)) < 1e-6, 'alpha must not act on FN');
    const withFp = evaluateLoss(
      'tversky',
      { ...options, alpha: 0.8, beta: 0 },
      [1, 0],
      [0.5, 0.5, 0.5, 0.5],
      [1, 1, 2, 2],
    ).value;
    // TP = 0.5, FP = 0.5, FN = 0.5 → 1 − 0.5/(0.5 + 0.8·0.5)
    assert.ok(Math.abs(withFp - (1 - 0.5 / 0.9)) < 1e-6);
  });

  test('α = β = ½ equals Dice with twice the smoothing, value and gradient', () => {
    // (TP + s)/(TP + (FP + FN)/2 + s) = (2TP + 2s)/(2TP + FP + FN + 2s).
    const s4: Shape4 = [2, 4, 4, 3];
    const logits = fixedLogits(s4, 21);
    const l = Array.from({ length: 32 }, (_, i) => (i % 5 === 0 ? 2 : i % 3 === 0 ? 1 : 0));
    const t = evaluateLoss('tversky', { alpha: 0.5, beta: 0.5, smooth: 1e-3 }, l, logits, s4);
    const d = evaluateLoss('dice', { smooth: 2e-3 }, l, logits, s4);
    assert.ok(Math.abs(t.value - d.value) < 1e-6, `${t.value} vs ${d.value}`);
    assert.ok(relativeMaxError(t.grad, d.grad) < 1e-4);
  });

  test('α = β = 1 equals the Jaccard loss', () => {
    const s4: Shape4 = [1, 3, 3, 4];
    const logits = fixedLogits(s4, 22);
    const l = [0, 1, 2, 3, 0, 0, 1, 1, 0];
    const t = evaluateLoss('tversky', { alpha: 1, beta: 1 }, l, logits, s4);
    const j = evaluateLoss('jaccard', {}, l, logits, s4);
    assert.ok(Math.abs(t.value - j.value) < 1e-6);
    assert.ok(relativeMaxError(t.grad, j.grad) < 1e-5);
  });

  test("reduction 'none' gives [B,C] per image and class, [C] with pooling 'class'", () => {
    const s4: Shape4 = [2, 2, 2, 3];
    const logits = fixedLogits(s4, 23);
    const l = [0, 1, 2, 0, 0, 0, 1, 1];
    for (const [pooling, expected] of [
      ['image-class', [2, 3]],
      ['class', [3]],
      ['image', [2]],
      ['all', []],
    ] as const) {
      const out = tf.tidy(() => {
        const loss = createLoss('tversky', { pooling, reduction: 'none' });
        return loss(tf.tensor3d(l, [2, 2, 2], 'int32'), tf.tensor4d(logits, s4)).shape;
      });
      assert.deepEqual(out, expected, pooling);
    }
  });
});
