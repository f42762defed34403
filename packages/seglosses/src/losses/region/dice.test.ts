import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends, evaluateLoss, twoPixels } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';

describeLossProperties('dice', { perfectValue: 0 });
describeLossProperties('dice', {
  options: { includeBackground: false, pooling: 'class' },
  perfectValue: 0,
});
describeLossProperties('dice', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});

test('dice: hand-computed value with probabilities given directly', () => {
  // One image, 2 pixels, 2 classes; p = [[0.8,0.2],[0.4,0.6]], t = [[1,0],[0,1]].
  // class 0: I = 0.8, P = 1.2, G = 1 → D = 1.6/2.2; class 1: I = 0.6, P = 0.8, G = 1 → D = 1.2/1.8
  const loss = createLoss('dice', { activation: 'none', smooth: 0 });
  const value = tf.tidy(
    () =>
      loss(
        tf.tensor3d([0, 1], [1, 1, 2], 'int32'),
        tf.tensor4d([0.8, 0.2, 0.4, 0.6], [1, 1, 2, 2]),
      ).dataSync()[0],
  );
  const expected = 1 - (1.6 / 2.2 + 1.2 / 1.8) / 2;
  assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
});

describeLossProperties('dice', {
  options: { pooling: 'class', absentClasses: 'zero', smooth: 0 },
  perfectValue: 0,
});

describeOnBackends('dice: pooling and absent classes', () => {
  test("pooling 'image' pools the classes of each image (kornia's 'micro')", () => {
    // Two-pixel case: Σ y t = 0.8 + 0.6 = 1.4, Σ y = Σ t = 2 → D = 2.8/4, L = 0.3.
    const { labels, probs, shape } = twoPixels;
    const options = { activation: 'none', smooth: 0, pooling: 'image' };
    const { value } = evaluateLoss('dice', options, labels, probs, shape);
    assert.ok(Math.abs(value - 0.3) < 1e-6, `${value}`);
  });

  test('absentClasses keep / zero / drop, and drop with class weights', () => {
    // 2 pixels of class 0, y = [0.7, 0.2, 0.1] at both, s = 0:
    // class 0: 1 − 2.8/3.4; classes 1 and 2 absent: 1 − 0/(Σ y) = 1.
    const y = [0.7, 0.2, 0.1, 0.7, 0.2, 0.1];
    const run = (options: Record<string, unknown>): number =>
      evaluateLoss('dice', { activation: 'none', smooth: 0, ...options }, [0, 0], y, [1, 1, 2, 3])
        .value;
    const present = 1 - 2.8 / 3.4;
    assert.ok(Math.abs(run({ absentClasses: 'keep' }) - (present + 2) / 3) < 1e-6);
    assert.ok(Math.abs(run({ absentClasses: 'zero' }) - present / 3) < 1e-6);
    assert.ok(Math.abs(run({ absentClasses: 'drop' }) - present) < 1e-6);
    // smp-style weighted mean Σ w·m·L / Σ w for 'zero'; 'drop' divides by Σ w·m instead.
    const weights = { classWeights: [1, 2, 3] };
    assert.ok(Math.abs(run({ ...weights, absentClasses: 'zero' }) - present / 6) < 1e-6);
    assert.ok(Math.abs(run({ ...weights, absentClasses: 'drop' }) - present) < 1e-6);
  });

  test('smooth 0 stays finite when a pool is empty (denominator floored at 1e-7)', () => {
    // All pixels ignored: every sum is 0; 1 − 0/max(0, 1e-7) = 1 per class, zeroed as absent.
    const options = { activation: 'none', smooth: 0, absentClasses: 'zero' };
    const { value, grad } = evaluateLoss(
      'dice',
      options,
      [255, 255],
      [0.5, 0.5, 0.5, 0.5],
      [1, 1, 2, 2],
    );
    assert.equal(value, 0);
    assert.ok(grad.every((g) => g === 0));
  });
});
