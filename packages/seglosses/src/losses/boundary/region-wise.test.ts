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

/**
 * The RRW value of every pixel of class `label` by brute force: −d/max d, d the distance to the
 * nearest pixel of another class; −1 when the class fills the image.
 */
function insideValues(labels: ArrayLike<number>, size: number, label: number): number[] {
  const area = size * size;
  const depth: number[] = [];
  for (let i = 0; i < area; i++) {
    if (labels[i] !== label) continue;
    let nearest = Infinity;
    for (let j = 0; j < area; j++) {
      if (labels[j] === label) continue;
      const dy = Math.floor(i / size) - Math.floor(j / size);
      nearest = Math.min(nearest, Math.hypot(dy, (i % size) - (j % size)));
    }
    depth.push(nearest);
  }
  const deepest = Math.max(...depth);
  return depth.map((d) => (deepest === Infinity ? -1 : -d / deepest));
}

/** The documented minimum for the property suite's labels (B = 2, 8×8, 3 classes). */
function perfectValue(includeBackground = true): number {
  const size = 8;
  const labels = shapeLabels(2, size, 3);
  const kept = includeBackground ? [0, 1, 2] : [1, 2];
  let sum = 0;
  for (let b = 0; b < 2; b++) {
    const image = labels.subarray(b * size * size, (b + 1) * size * size);
    for (const label of kept) for (const v of insideValues(image, size, label)) sum += v;
  }
  return sum / (2 * size * size * kept.length);
}

describeLossProperties('region-wise', { perfectValue: perfectValue() });
describeLossProperties('region-wise', {
  options: { includeBackground: false },
  perfectValue: perfectValue(false),
  extras: (labels, channels) => targetMapExtras('region-wise', {}, labels, channels),
});
describeLossProperties('region-wise', {
  options: { activation: 'sigmoid' },
  channels: 1,
  // One channel: the foreground disk of each image only.
  perfectValue: (() => {
    const labels = shapeLabels(2, 8, 1);
    let sum = 0;
    for (let b = 0; b < 2; b++) {
      for (const v of insideValues(labels.subarray(b * 64, (b + 1) * 64), 8, 1)) sum += v;
    }
    return sum / 128;
  })(),
});

describeOnBackends('region-wise: hand-computed values', () => {
  test('1×5 image, probabilities given: mean of y·z over pixels and classes', () => {
    // labels [0,1,1,1,0]. Class 1: depths 1, 2, 1 (max 2) → z_1 = [1, −½, −1, −½, 1].
    // Class 0: depths 1 and 1 → z_0 = [−1, 1, 1, 1, −1].
    // y_1 = [0.5, 0.8, 0.9, 0.8, 0.2]: Σ y_1 z_1 = 0.5 − 0.4 − 0.9 − 0.4 + 0.2 = −1.0;
    // y_0 = 1 − y_1: Σ y_0 z_0 = −0.5 + 0.2 + 0.1 + 0.2 − 0.8 = −0.8; (−1.8)/(5·2) = −0.18.
    const y1 = [0.5, 0.8, 0.9, 0.8, 0.2];
    const probs = y1.flatMap((p) => [1 - p, p]);
    const shape: [number, number, number, number] = [1, 1, 5, 2];
    const { value } = evaluateLoss(
      'region-wise',
      { activation: 'none' },
      [0, 1, 1, 1, 0],
      probs,
      shape,
    );
    assert.ok(Math.abs(value + 0.18) < 1e-6, `${value}`);
  });

  test('a class filling the image gets z = −1, an absent one z = 1', () => {
    // 2×2 all background, y_1 = 0.25 everywhere: Σ (−0.75 + 0.25)·4 = −2, over 4·2 → −0.25.
    const probs = [0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25];
    const { value } = evaluateLoss(
      'region-wise',
      { activation: 'none' },
      [0, 0, 0, 0],
      probs,
      [1, 2, 2, 2],
    );
    assert.ok(Math.abs(value + 0.25) < 1e-6, `${value}`);
  });
});

describeOnBackends('region-wise: properties', () => {
  test('a boundary shifted further costs more', () => {
    const target = rectangleLabels(12, 12, [3, 8, 3, 8]);
    const at = (shift: number): number => {
      const predicted = rectangleLabels(12, 12, [3 + shift, 8 + shift, 3 + shift, 8 + shift]);
      return valueOn('region-wise', {}, target, confidentLogits(predicted), 12, 12);
    };
    const [l0, l1, l3] = [at(0), at(1), at(3)];
    assert.ok(l0 < l1 && l1 < l3, `${l0}, ${l1}, ${l3}`);
  });

  test('cached maps (extras) and maps computed by the loss agree', () => {
    const labels = tf.tensor3d(shapeLabels(2, 8, 3), [2, 8, 8], 'int32');
    const logits = tf.tensor4d(fixedLogits([2, 8, 8, 3], 9), [2, 8, 8, 3]);
    const options = { spacing: [1, 3] };
    const loss = createLoss('region-wise', options);
    const cached = targetMapExtras('region-wise', options, labels, 3);
    const [own, fromCache] = tf.tidy(() => [
      loss(labels, logits).dataSync()[0],
      loss(labels, logits, cached).dataSync()[0],
    ]);
    assert.equal(fromCache, own);
    tf.dispose([labels, logits, ...(Object.values(cached) as tf.Tensor[])]);
  });
});
