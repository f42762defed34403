import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends, evaluateLoss, fixedLogits } from '../../test-support/hand-cases.js';
import { describeLossProperties, shapeLabels } from '../../test-support/loss-properties.js';
import { findOracleVariant, loadOracleCase, oracleTensors } from '../../test-support/oracles.js';
import { closeValue } from '../../test-support/tolerances.js';
import {
  confidentLogits,
  rectangleLabels,
  targetMapExtras,
  valueOn,
} from './test-support/boundary-cases.js';

/**
 * Kervadec's map of class `label` in one image by brute force (every pair of pixels):
 * outside, the distance to the nearest member; inside, −(distance to the nearest non-member −
 * offset); 0 for an absent or full class; truncated toward zero on request.
 */
function bruteForceMap(
  labels: ArrayLike<number>,
  [height, width]: readonly [number, number],
  label: number,
  { offset = 1, truncate = true, spacing = [1, 1] } = {},
): number[] {
  const area = height * width;
  const member = (i: number): boolean => labels[i] === label;
  const count = Array.from({ length: area }, (_, i) => i).filter(member).length;
  if (count === 0 || count === area) return new Array<number>(area).fill(0);
  return Array.from({ length: area }, (_, i) => {
    let nearest = Infinity;
    for (let j = 0; j < area; j++) {
      if (member(j) === member(i)) continue;
      const dy = (Math.floor(i / width) - Math.floor(j / width)) * spacing[0];
      const dx = ((i % width) - (j % width)) * spacing[1];
      nearest = Math.min(nearest, Math.hypot(dy, dx));
    }
    const value = member(i) ? -(nearest - offset) : nearest;
    return (truncate ? Math.trunc(value) : value) + 0; // + 0 turns −0 into 0
  });
}

/**
 * The documented minimum for the property suite's labels (B = 2, 8×8): the mean over pixels and
 * kept classes of the maps inside their classes (a perfect prediction puts y = 1 there).
 */
function perfectValue(
  channels: number,
  options: Parameters<typeof bruteForceMap>[3] = {},
  includeBackground = false,
): number {
  const size = 8;
  const labels = shapeLabels(2, size, channels);
  const first = includeBackground ? 0 : 1;
  const kept = channels === 1 ? [1] : Array.from({ length: channels - first }, (_, c) => c + first);
  let sum = 0;
  for (let b = 0; b < 2; b++) {
    const image = labels.subarray(b * size * size, (b + 1) * size * size);
    for (const label of kept) {
      const map = bruteForceMap(image, [size, size], label, options);
      map.forEach((v, i) => (sum += image[i] === label ? v : 0));
    }
  }
  return sum / (2 * size * size * kept.length);
}

describeLossProperties('boundary', { perfectValue: perfectValue(3) });
describeLossProperties('boundary', {
  options: { distances: 'exact', insideOffset: 0, spacing: [2, 1] },
  perfectValue: perfectValue(3, { truncate: false, offset: 0, spacing: [2, 1] }),
});
describeLossProperties('boundary', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: perfectValue(1),
});
describeLossProperties('boundary', {
  options: { includeBackground: true },
  perfectValue: perfectValue(3, {}, true),
  extras: (labels, channels) =>
    targetMapExtras('boundary', { includeBackground: true }, labels, channels),
});

test('boundary: brute-force maps agree with the hand-computed 1-D example', () => {
  // [0,1,1,1,0]: outside pixels are 1 from the class; inside, d = 1, 2, 1 → −(d − 1) = 0, −1, 0.
  assert.deepEqual(bruteForceMap([0, 1, 1, 1, 0], [1, 5], 1), [1, 0, -1, 0, 1]);
});

describeOnBackends('boundary: hand-computed values', () => {
  test('1×5 image, probabilities given: Σ φ·y / (N·|K|)', () => {
    // φ = [1, 0, −1, 0, 1] (above); y_1 = [0.5, 0.8, 0.9, 0.8, 0.2]:
    // Σ φ y = 0.5 − 0.9 + 0.2 = −0.2, over N·|K| = 5·1 → −0.04.
    const y1 = [0.5, 0.8, 0.9, 0.8, 0.2];
    const probs = y1.flatMap((p) => [1 - p, p]);
    const { value } = evaluateLoss(
      'boundary',
      { activation: 'none' },
      [0, 1, 1, 1, 0],
      probs,
      [1, 1, 5, 2],
    );
    assert.ok(Math.abs(value + 0.04) < 1e-7, `${value}`);
  });

  test('truncation turns the diagonal √2 into 1', () => {
    // 3×3, one pixel of class 1 in the centre: the 4 corners are √2 from it (1 truncated), the
    // edge pixels 1, the centre −(1 − 1) = 0. y_1 = 1 on the corners only: Σ φ y = 4√2 exact,
    // 4 truncated, over N = 9.
    const labels = [0, 0, 0, 0, 1, 0, 0, 0, 0];
    const probs = labels.flatMap((_, i) => ([0, 2, 6, 8].includes(i) ? [0, 1] : [1, 0]));
    const shape: [number, number, number, number] = [1, 3, 3, 2];
    const exact = evaluateLoss(
      'boundary',
      { activation: 'none', distances: 'exact' },
      labels,
      probs,
      shape,
    );
    const truncated = evaluateLoss('boundary', { activation: 'none' }, labels, probs, shape);
    assert.ok(Math.abs(exact.value - (4 * Math.SQRT2) / 9) < 1e-6, `${exact.value}`);
    assert.ok(Math.abs(truncated.value - 4 / 9) < 1e-6, `${truncated.value}`);
  });

  test('reduction none gives [B,H,W,K] with 0 at ignored pixels', () => {
    const loss = createLoss('boundary', { reduction: 'none' });
    const out = tf.tidy(() => {
      const r = loss(tf.tensor3d([0, 1, 255], [1, 1, 3], 'int32'), tf.zeros([1, 1, 3, 3]));
      return { shape: r.shape, values: Array.from(r.dataSync()) };
    });
    assert.deepEqual(out.shape, [1, 1, 3, 2]);
    assert.equal(out.values[4], 0);
    assert.equal(out.values[5], 0);
  });
});

describeOnBackends('boundary: properties', () => {
  test('a boundary shifted further costs more', () => {
    // 12×12, target rectangle rows 3–8 × columns 3–8; predictions of the same rectangle moved
    // right by 0, 1 and 3 pixels.
    const target = rectangleLabels(12, 12, [3, 8, 3, 8]);
    const at = (shift: number): number => {
      const predicted = rectangleLabels(12, 12, [3, 8, 3 + shift, 8 + shift]);
      return valueOn(
        'boundary',
        { distances: 'exact' },
        target,
        confidentLogits(predicted),
        12,
        12,
      );
    };
    const [l0, l1, l3] = [at(0), at(1), at(3)];
    assert.ok(l0 < l1 && l1 < l3, `${l0}, ${l1}, ${l3}`);
  });

  test('cached maps (extras) and maps computed by the loss give the same value', () => {
    const labels = tf.tensor3d(shapeLabels(2, 8, 3), [2, 8, 8], 'int32');
    const logits = tf.tensor4d(fixedLogits([2, 8, 8, 3], 5), [2, 8, 8, 3]);
    const options = { distances: 'exact', spacing: [2, 1] };
    const loss = createLoss('boundary', options);
    const cached = targetMapExtras('boundary', options, labels, 3);
    // Spacing null: the caller's spacing is used for the cache, 1 × 1 by the loss itself.
    const callerSpacing = targetMapExtras('boundary', { distances: 'exact' }, labels, 3, [2, 1]);
    const [own, fromCache, fromCaller] = tf.tidy(() => [
      loss(labels, logits).dataSync()[0],
      loss(labels, logits, cached).dataSync()[0],
      createLoss('boundary', { distances: 'exact' })(labels, logits, callerSpacing).dataSync()[0],
    ]);
    assert.equal(fromCache, own);
    assert.equal(fromCaller, own);
    tf.dispose([labels, logits, ...Object.values(cached), ...Object.values(callerSpacing)]);
  });

  test('extras of the wrong shape and a bad spacing are rejected', () => {
    const loss = createLoss('boundary');
    const name = loss.targetMaps[0].name;
    const labels = tf.zeros([1, 4, 4], 'int32');
    const logits = tf.zeros([1, 4, 4, 3]);
    const wrong = tf.zeros([1, 4, 4, 2]);
    assert.throws(
      () => loss(labels, logits, { [name]: wrong }),
      new RegExp(`boundary: extras.${name.replace(/[()]/g, '\\$&')} must be float32 \\[1,4,4,3\\]`),
    );
    assert.throws(
      () => createLoss('boundary', { spacing: [1, 0] }),
      /boundary: option spacing must be \[dy, dx\] with two positive .*, got \[1, 0\]/,
    );
    tf.dispose([labels, logits, wrong]);
  });

  test('known-wrong RegionWise BoundaryLoss: equal only with its absent-class bug replayed', () => {
    // The repository's map is the symmetric exact one (insideOffset 0, all classes), but a class
    // absent from an image reuses the previous class's outside distances. Replaying that through
    // extras reproduces its values; our own maps give something else.
    const variant = findOracleVariant('RegionWise_repo_BoundaryLoss');
    const options = { includeBackground: true, insideOffset: 0, distances: 'exact' };
    const loss = createLoss('boundary', options);
    for (const result of variant.results) {
      const { yTrue, yPred } = oracleTensors(loadOracleCase(variant.file, result.case), 'mc');
      const extras = targetMapExtras('boundary', options, yTrue, 4);
      const name = loss.targetMaps[0].name;
      const maps = (extras[name] as tf.Tensor).dataSync().slice();
      const labels = yTrue.dataSync();
      const [b, h, w] = yTrue.shape;
      let previous: Float32Array | null = null;
      for (let image = 0; image < b; image++) {
        for (let c = 0; c < 4; c++) {
          const at = (i: number): number => (image * h * w + i) * 4 + c;
          const present = labels.subarray(image * h * w, (image + 1) * h * w).includes(c);
          if (present) {
            previous = Float32Array.from({ length: h * w }, (_, i) => Math.max(maps[at(i)], 0));
          } else if (previous !== null) {
            for (let i = 0; i < h * w; i++) maps[at(i)] = previous[i];
          }
        }
      }
      const buggy = tf.tensor4d(maps, [b, h, w, 4]);
      const [ours, replayed] = tf.tidy(() => [
        loss(yTrue, yPred).dataSync()[0],
        loss(yTrue, yPred, { [name]: buggy }).dataSync()[0],
      ]);
      assert.ok(closeValue(replayed, result.value as number), `${replayed} vs ${result.value}`);
      assert.ok(!closeValue(ours, result.value as number), `${ours} should differ`);
      tf.dispose([yTrue, yPred, buggy, ...Object.values(extras)]);
    }
  });
});
