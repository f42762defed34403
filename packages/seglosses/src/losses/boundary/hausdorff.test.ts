import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends, evaluateLoss, fixedLogits } from '../../test-support/hand-cases.js';
import { describeLossProperties, shapeLabels } from '../../test-support/loss-properties.js';
import {
  confidentLogits,
  rectangleLabels,
  targetMapExtras,
  valueOn,
} from './test-support/boundary-cases.js';

const liviaets = {
  distanceField: 'inside',
  predictionMask: 'argmax',
  predictionDistances: 'truncated',
};

describeLossProperties('hausdorff', { perfectValue: 0 });
describeLossProperties('hausdorff', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});
describeLossProperties('hausdorff', { options: liviaets, perfectValue: 0 });
describeLossProperties('hausdorff', {
  options: { includeBackground: true, alpha: 1, spacing: [1, 2] },
  perfectValue: 0,
  extras: (labels, channels) => targetMapExtras('hausdorff', { spacing: [1, 2] }, labels, channels),
});

describeOnBackends('hausdorff: hand-computed values', () => {
  // 1×4 image, labels [0,0,1,1]; probabilities of class 1 y = [0.2,0.6,0.7,0.9], background
  // excluded. Errors y − t = [0.2,0.6,−0.3,−0.1], squared [0.04,0.36,0.09,0.01].
  const labels = [0, 0, 1, 1];
  const y = [0.2, 0.6, 0.7, 0.9];
  const probs = y.flatMap((p) => [1 - p, p]);
  const shape: [number, number, number, number] = [1, 1, 4, 2];

  test('both-sides fields (MONAI), with the gradient of the squared error only', () => {
    // Target field: inside, distance to the outside (1, 2); outside, to the class (2, 1):
    // d_G = [2,1,1,2]. Predicted mask y > 0.5 = [0,1,1,1]: d_P = [1,1,2,3].
    // Weights d_P² + d_G² = [5,2,5,13]; Σ e²·w = 0.2 + 0.72 + 0.45 + 0.13 = 1.5; /4 → 0.375.
    const { value, grad } = evaluateLoss('hausdorff', { activation: 'none' }, labels, probs, shape);
    assert.ok(Math.abs(value - 0.375) < 1e-6, `${value}`);
    // ∂/∂y = 2·e·w/4 = [0.5, 0.6, −0.75, −0.65]; the fields are constants.
    const expected = [0, 0.5, 0, 0.6, 0, -0.75, 0, -0.65];
    expected.forEach((g, i) => assert.ok(Math.abs(grad[i] - g) < 1e-6, `${i}: ${grad[i]}`));
  });

  test("LIVIAETS' inside-only fields and arg-max prediction", () => {
    // Inside only: d_G = [0,0,1,2]; arg-max mask [0,1,1,1]: d_P = [0,1,2,3] (integers, so
    // truncation changes nothing). Weights [0,1,5,13]; Σ e²·w = 0.36 + 0.45 + 0.13 = 0.94; /4.
    const options = { activation: 'none', ...liviaets };
    const { value } = evaluateLoss('hausdorff', options, labels, probs, shape);
    assert.ok(Math.abs(value - 0.235) < 1e-6, `${value}`);
  });

  test('an empty target class has a zero field: only the predicted field weighs', () => {
    // All background: d_G = 0. y > 0.5 = [0,1,1,1] → d_P = [1,1,2,3], e = y:
    // Σ y²·d_P² = 0.04 + 0.36 + 0.49·4 + 0.81·9 = 9.65; /4.
    const { value } = evaluateLoss('hausdorff', { activation: 'none' }, [0, 0, 0, 0], probs, shape);
    assert.ok(Math.abs(value - 9.65 / 4) < 1e-5, `${value}`);
  });
});

describeOnBackends('hausdorff: properties', () => {
  test('a boundary shifted further costs more', () => {
    const target = rectangleLabels(12, 12, [3, 8, 3, 8]);
    const at = (shift: number): number => {
      const predicted = rectangleLabels(12, 12, [3 + shift, 8 + shift, 3, 8]);
      return valueOn('hausdorff', {}, target, confidentLogits(predicted), 12, 12);
    };
    const [l0, l1, l3] = [at(0), at(1), at(3)];
    assert.ok(l0 < l1 && l1 < l3, `${l0}, ${l1}, ${l3}`);
  });

  test('cached target fields (extras) and fields computed by the loss agree', () => {
    const labels = tf.tensor3d(shapeLabels(2, 8, 3), [2, 8, 8], 'int32');
    const logits = tf.tensor4d(fixedLogits([2, 8, 8, 3], 7), [2, 8, 8, 3]);
    for (const options of [{ spacing: [2, 1] }, { ...liviaets, spacing: [2, 1] }]) {
      const loss = createLoss('hausdorff', options);
      const cached = targetMapExtras('hausdorff', options, labels, 3);
      const [own, fromCache] = tf.tidy(() => [
        loss(labels, logits).dataSync()[0],
        loss(labels, logits, cached).dataSync()[0],
      ]);
      assert.equal(fromCache, own);
      tf.dispose(Object.values(cached) as tf.Tensor[]);
    }
    tf.dispose([labels, logits]);
  });
});

test('hausdorff: the cached map is named after its field', () => {
  assert.equal(createLoss('hausdorff').targetMaps[0].name, 'hausdorffField(both-sides)');
  assert.equal(createLoss('hausdorff', liviaets).targetMaps[0].name, 'hausdorffField(inside)');
});
