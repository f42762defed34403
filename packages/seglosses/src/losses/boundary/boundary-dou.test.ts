import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends, evaluateLoss, fixedLogits } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';
import { confidentLogits, rectangleLabels, valueOn } from './test-support/boundary-cases.js';

describeLossProperties('boundary-dou', { perfectValue: 0 });
describeLossProperties('boundary-dou', {
  options: { pooling: 'image-class', includeBackground: false },
  perfectValue: 0,
});
describeLossProperties('boundary-dou', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});

describeOnBackends('boundary-dou: hand-computed values', () => {
  // 5×5 image, class 1 a 3×3 block in the middle; y_1 = 0.8 on the block, 0.1 elsewhere.
  const labels = rectangleLabels(5, 5, [1, 3, 1, 3]);
  const probs = labels.flatMap((l) => (l === 1 ? [0.2, 0.8] : [0.9, 0.1]));
  const shape: [number, number, number, number] = [1, 5, 5, 2];
  const s = 1e-5;
  // Both classes: E = Σ (y − t)² = 9·0.2² + 16·0.1² = 0.52. Class 1: I = 9·0.8 = 7.2, S = 9 and
  // C = 8 (only the centre has its 4 neighbours inside), α = 1 − 2(8 + s)/(9 + s). Class 0:
  // I = 16·0.9 = 14.4, S = C = 16 (the whole ring touches the block or the image edge), α = −1.
  const term = (alpha: number, overlap: number): number =>
    (0.52 + s) / (0.52 + s + (1 - alpha) * overlap);

  test('the reference formula on a square', () => {
    const alpha1 = 1 - (2 * (8 + s)) / (9 + s);
    const expected = (term(alpha1, 7.2) + term(-1, 14.4)) / 2;
    const { value } = evaluateLoss('boundary-dou', { activation: 'none' }, labels, probs, shape);
    assert.ok(Math.abs(value - expected) < 1e-6 * expected, `${value} vs ${expected}`);
  });

  test('maxAlpha caps α (−1 gives the squared-mass Dice loss for every class)', () => {
    const options = { activation: 'none', maxAlpha: -1 };
    const expected = (term(-1, 7.2) + term(-1, 14.4)) / 2;
    const { value } = evaluateLoss('boundary-dou', options, labels, probs, shape);
    assert.ok(Math.abs(value - expected) < 1e-6 * expected, `${value} vs ${expected}`);
  });

  test('a class absent from the batch costs exactly 1 with a zero gradient', () => {
    const logits = fixedLogits([2, 3, 3, 2], 4);
    const options = { includeBackground: false };
    const { value, grad } = evaluateLoss(
      'boundary-dou',
      options,
      new Array(18).fill(0),
      logits,
      [2, 3, 3, 2],
    );
    assert.equal(value, 1);
    assert.ok(
      grad.every((g) => g === 0),
      'gradient not zero',
    );
  });

  test('reduction none gives one term per class, or per image and class', () => {
    const y = tf.tensor4d(fixedLogits([2, 3, 3, 3], 6), [2, 3, 3, 3]);
    const t = tf.zeros([2, 3, 3], 'int32');
    const shapes = tf.tidy(() =>
      [{}, { pooling: 'image-class' }].map(
        (o) => createLoss('boundary-dou', { ...o, reduction: 'none' })(t, y).shape,
      ),
    );
    assert.deepEqual(shapes, [[3], [2, 3]]);
    tf.dispose([y, t]);
  });
});

describeOnBackends('boundary-dou: properties', () => {
  test('a boundary shifted further costs more', () => {
    const target = rectangleLabels(12, 12, [2, 9, 2, 9]);
    const at = (shift: number): number => {
      const predicted = rectangleLabels(12, 12, [2, 9, 2 + shift, 9 + shift]);
      return valueOn('boundary-dou', {}, target, confidentLogits(predicted), 12, 12);
    };
    const [l0, l1, l2] = [at(0), at(1), at(2)];
    assert.ok(l0 < l1 && l1 < l2, `${l0}, ${l1}, ${l2}`);
  });
});
