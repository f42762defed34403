import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import type { LossExtras } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';
import { finiteDifferenceRelTol } from '../../test-support/tolerances.js';
import { distanceBins } from './distance-bins.js';
import { labelsOfIndices } from './target-maps.js';
import { rectangleLabels, targetMapExtras } from './test-support/boundary-cases.js';

type Options = { numBins?: number; includeBackground?: boolean; activation?: string };

/**
 * distanceBins logits `[B,H,W,kept·(K−1)]` that put ±`logit` on the target bin of every pixel's
 * own class (bins from the loss's own target map, so a perfect prediction reaches 0).
 */
function perfectHead(labels: tf.Tensor3D, channels: number, options: Options, logit = 20) {
  const loss = createLoss('boundary-aware', options);
  const bins = (options.numBins ?? 6) - 1;
  const first = options.includeBackground === false ? 1 : 0;
  const kept = loss.heads(channels)[0].channels / bins;
  const [batch, height, width] = labels.shape;
  const area = height * width;
  const data = labels.dataSync();
  const values = new Float32Array(batch * area * kept * bins);
  for (let b = 0; b < batch; b++) {
    const image = data.subarray(b * area, (b + 1) * area);
    const k = loss.targetMaps[0].compute(image, height, width, channels);
    const classes = labelsOfIndices(image, channels, 255);
    for (let i = 0; i < area; i++) {
      const c = classes[i] - first;
      if (c < 0) continue;
      values[((b * area + i) * kept + c) * bins + k[i] - 1] = logit;
    }
  }
  return tf.tensor4d(values, [batch, height, width, kept * bins]);
}

const withHead =
  (options: Options, precompute: boolean) =>
  (labels: tf.Tensor3D, channels: number): LossExtras => ({
    distanceBins: perfectHead(labels, channels, options),
    ...(precompute ? targetMapExtras('boundary-aware', options, labels, channels) : {}),
  });

describeLossProperties('boundary-aware', { perfectValue: 0, extras: withHead({}, false) });
describeLossProperties('boundary-aware', {
  options: { numBins: 4, truncation: 2, includeBackground: false },
  perfectValue: 0,
  extras: withHead({ numBins: 4, includeBackground: false }, true),
});
describeLossProperties('boundary-aware', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
  extras: withHead({ activation: 'sigmoid' }, true),
});

test('boundary-aware: one head group of K − 1 bins per kept class; one target map channel', () => {
  const cases: [Record<string, unknown>, number, number][] = [
    [{}, 3, 3 * 5],
    [{ numBins: 3, includeBackground: false }, 3, 2 * 2],
    [{ activation: 'sigmoid' }, 1, 2 * 5],
    [{ activation: 'sigmoid', includeBackground: false }, 1, 1 * 5],
  ];
  for (const [options, channels, expected] of cases) {
    const loss = createLoss('boundary-aware', options);
    assert.deepEqual(
      loss.heads(channels).map((h) => [h.name, h.channels]),
      [['distanceBins', expected]],
    );
    assert.deepEqual(loss.needs, ['distanceBins']);
    assert.deepEqual(
      loss.targetMaps.map((m) => [m.name, m.channels]),
      [['distanceBinLabels', 1]],
    );
  }
});

test('boundary-aware: hand-computed distance bins', () => {
  // 5×5, a 3×3 square of class 1. Inside the square the distance to the background is 1 on its
  // ring and 2 at its centre; outside it is 1 next to the square and √2 at the four corners.
  // K = 6, R = 5: bin width 1, k = ⌈d⌉ → ring 1, centre 2, edge background 1, corners 2.
  const square = rectangleLabels(5, 5, [1, 3, 1, 3]);
  const bins = distanceBins(square, 5, 5, { numBins: 6, truncation: 5, spacing: null });
  const expected = [2, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 2];
  assert.deepEqual(Array.from(bins), expected);
  // R = 1, K = 3: bin width 1/2, k = min(2, ⌈2d⌉) → every pixel at distance ≥ 1 is in bin 2.
  const coarse = distanceBins(square, 5, 5, { numBins: 3, truncation: 1, spacing: null });
  assert.deepEqual(Array.from(coarse), new Array<number>(25).fill(2));
  // Spacing [dy, dx] = [1, 2]: the middle row's distances along x double: ring pixels (2,1) and
  // (2,3) reach the background 2 mm away horizontally but 2 mm also vertically → d = 2, bin 2;
  // the centre (2,2) is 2 mm from the top and bottom rows → bin 2; top-middle (1,2) → d = 1.
  const wide = distanceBins(square, 5, 5, { numBins: 6, truncation: 5, spacing: [1, 2] });
  assert.deepEqual([wide[11], wide[12], wide[13], wide[7]], [2, 2, 2, 1]);
  // Ignored pixels (−1) get bin 0 and count as outside: the row [0, 0, ignored, 1, 1].
  const row = distanceBins([0, 0, -1, 1, 1], 1, 5, { numBins: 6, truncation: 5, spacing: null });
  assert.deepEqual(Array.from(row), [2, 1, 0, 1, 2]);
});

describeOnBackends('boundary-aware hand cases', () => {
  test('hand-computed value on a 1×4 row', () => {
    // Labels [0, 0, 1, 1], K = 3, R = 2 (bin width 1): bins k = min(2, ⌈d⌉) = [2, 1, 1, 2].
    // Segmentation logits 0 → y = 1/2 everywhere; head logits (0, ln 3) for every class →
    // q = (1/4, 3/4) over bins 1 and 2. Per pixel: the other class gives −ln(1 − 1/2) = ln 2;
    // the own class −ln(1/2) − ln q(k): ln 2 + ln 4 (bin 1) or ln 2 + ln(4/3) (bin 2).
    // Two pixels in each bin: L = [8 ln 2 + 2 ln 4 + 2 ln(4/3)] / (4 pixels · 2 classes).
    const labels = tf.tensor3d([0, 0, 1, 1], [1, 1, 4], 'int32');
    const logits = tf.zeros([1, 1, 4, 2]);
    const head = tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => (i % 2 === 1 ? Math.log(3) : 0)),
      [1, 1, 4, 4],
    );
    const loss = createLoss('boundary-aware', { numBins: 3, truncation: 2 });
    const value = tf.tidy(() => loss(labels, logits, { distanceBins: head }).dataSync()[0]);
    const expected = (8 * Math.log(2) + 2 * Math.log(4) + 2 * Math.log(4 / 3)) / 8;
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
    tf.dispose([labels, logits, head]);
  });

  test('reduction none: [B,H,W] with 0 at ignored pixels; the mean skips them', () => {
    const labels = tf.tensor3d([0, 255, 1, 1], [1, 1, 4], 'int32');
    const logits = tf.zeros([1, 1, 4, 2]);
    const head = tf.zeros([1, 1, 4, 4]);
    const none = createLoss('boundary-aware', { numBins: 3, truncation: 2, reduction: 'none' });
    const mean = createLoss('boundary-aware', { numBins: 3, truncation: 2 });
    const [terms, shape, average] = tf.tidy(() => {
      const t = none(labels, logits, { distanceBins: head });
      return [Array.from(t.dataSync()), t.shape, mean(labels, logits, { distanceBins: head })];
    });
    assert.deepEqual(shape, [1, 1, 4]);
    assert.equal(terms[1], 0);
    // Uniform head (q = 1/2): every counted pixel gives [ln 2 + (ln 2 + ln 2)] / 2 = 1.5 ln 2.
    for (const i of [0, 2, 3]) assert.ok(Math.abs(terms[i] - 1.5 * Math.log(2)) < 1e-6);
    assert.ok(Math.abs(average.dataSync()[0] - 1.5 * Math.log(2)) < 1e-6);
    tf.dispose([labels, logits, head, average]);
  });

  test('a shifted boundary increases the loss, in the segmentation and in the bins', () => {
    // 12×12 image, a 6×6 square of class 1. The head is perfect for the true square; the
    // segmentation predicts the square shifted right by s pixels (logits ±4); then the other
    // way round: a perfect segmentation and a head perfect for the shifted square.
    const truth = rectangleLabels(12, 12, [3, 8, 3, 8]);
    const labels = tf.tensor3d(truth, [1, 12, 12], 'int32');
    const loss = createLoss('boundary-aware');
    const shiftedLabels = (s: number) =>
      tf.tensor3d(rectangleLabels(12, 12, [3, 8, 3 + s, 8 + s]), [1, 12, 12], 'int32');
    const confident = (l: tf.Tensor3D) =>
      tf.tidy(() => tf.mul(tf.sub(tf.mul(tf.oneHot(l, 2), 2), 1), 4).toFloat()) as tf.Tensor4D;
    const segValues: number[] = [];
    const binValues: number[] = [];
    for (const s of [0, 1, 2]) {
      const shifted = shiftedLabels(s);
      const [seg, bins] = tf.tidy(() => [
        loss(labels, confident(shifted), {
          distanceBins: perfectHead(labels, 2, {}),
        }).dataSync()[0],
        loss(labels, confident(labels), {
          distanceBins: perfectHead(shifted, 2, {}, 4),
        }).dataSync()[0],
      ]);
      segValues.push(seg);
      binValues.push(bins);
      shifted.dispose();
    }
    assert.ok(segValues[0] < segValues[1] && segValues[1] < segValues[2], `${segValues}`);
    assert.ok(binValues[0] < binValues[1] && binValues[1] < binValues[2], `${binValues}`);
    labels.dispose();
  });

  test('gradients w.r.t. logits and head agree with finite differences and lower the loss', () => {
    const labels = tf.tensor3d(rectangleLabels(6, 6, [1, 4, 2, 4]), [1, 6, 6], 'int32');
    const logits = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
    const head = tf.randomNormal([1, 6, 6, 10], 0, 1, 'float32', 6) as tf.Tensor4D;
    const loss = createLoss('boundary-aware');
    const f = (x: tf.Tensor, z: tf.Tensor) => loss(labels, x, { distanceBins: z }) as tf.Scalar;
    const before = tf.memory().numTensors;
    const [gx, gz] = tf.grads(f)([logits, head]);
    const value = tf.tidy(() => f(logits, head).dataSync()[0]);
    // A step of 0.1 against the gradient lowers the loss.
    const stepped = tf.tidy(
      () => f(tf.sub(logits, tf.mul(gx, 0.1)), tf.sub(head, tf.mul(gz, 0.1))).dataSync()[0],
    );
    assert.ok(stepped < value, `${stepped} !< ${value}`);
    // Central differences on a few head and logit entries.
    const h = 1e-2;
    for (const [tensor, grad, other] of [
      [head, gz, 'head'],
      [logits, gx, 'logits'],
    ] as const) {
      const flat = tensor.dataSync();
      const g = grad.dataSync();
      const largest = Math.max(...Array.from(g, Math.abs));
      for (const i of [3, 17, 40, 71]) {
        const at = (delta: number) =>
          tf.tidy(() => {
            const moved = flat.slice();
            moved[i] += delta;
            const t = tf.tensor4d(moved, tensor.shape);
            return (other === 'head' ? f(logits, t) : f(t, head)).dataSync()[0];
          });
        const numeric = (at(h) - at(-h)) / (2 * h);
        assert.ok(
          Math.abs(numeric - g[i]) <= finiteDifferenceRelTol * Math.max(largest, 1e-3),
          `${other}[${i}]: analytic ${g[i]}, numeric ${numeric}`,
        );
      }
    }
    tf.dispose([gx, gz]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([labels, logits, head]);
  });

  test('clear errors for a missing or misshapen head or target map', () => {
    const labels = tf.tensor3d([0, 0, 1, 1], [1, 1, 4], 'int32');
    const logits = tf.zeros([1, 1, 4, 2]);
    const loss = createLoss('boundary-aware', { numBins: 3 });
    assert.throws(
      () => loss(labels, logits),
      /boundary-aware: extras.distanceBins must be given, got nothing/,
    );
    const wrong = tf.zeros([1, 1, 4, 3]);
    assert.throws(
      () => loss(labels, logits, { distanceBins: wrong }),
      /boundary-aware: extras.distanceBins must be float32 \[1,1,4,4\], got float32 \[1,1,4,3\]/,
    );
    const head = tf.zeros([1, 1, 4, 4]);
    const map = tf.zeros([1, 1, 4]);
    assert.throws(
      () => loss(labels, logits, { distanceBins: head, distanceBinLabels: map }),
      /boundary-aware: extras.distanceBinLabels must be float32 \[1,1,4,1\], got float32 \[1,1,4\]/,
    );
    tf.dispose([labels, logits, wrong, head, map]);
  });
});
