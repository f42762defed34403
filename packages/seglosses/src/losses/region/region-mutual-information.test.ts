import assert from 'node:assert/strict';
import { test } from 'node:test';

import { cholesky, logDetFromCholesky } from '../../core/spd-matrix.js';
import { SeglossesError, createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeLossProperties, shapeLabels } from '../../test-support/loss-properties.js';
import { maxPool } from './rmi-statistics.js';

const alpha = 5e-4;

/**
 * The loss of a perfect prediction, in closed form: with P = Y (centred) the conditional
 * covariance is Σ_Y − Σ_Y(Σ_Y + αI)⁻¹Σ_Y = αG(G + αI)⁻¹ for G = Σ_Y, so
 * det(Σ_{Y|P} + αI) = α^d det(2G + αI)/det(G + αI), and the BCE part is 0.
 * G is built here, in float64, from 3×3 max-pooled one-hot labels and 3×3 neighbourhoods;
 * `classes` lists the label values of the channels (C = 1: the foreground, label 1).
 */
function perfectValue(
  labels: Int32Array,
  batch: number,
  size: number,
  classes: readonly number[],
): number {
  const pooled = Math.floor((size - 1) / 3) + 1;
  const n = (pooled - 2) ** 2;
  let total = 0;
  for (let b = 0; b < batch; b++) {
    for (const c of classes) {
      // Max-pool 3×3, stride 3, padding 1 of the indicator of class c.
      const map = (y: number, x: number): number => {
        let best = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = 3 * y + dy;
            const xx = 3 * x + dx;
            if (yy >= 0 && yy < size && xx >= 0 && xx < size) {
              best = Math.max(best, +(labels[(b * size + yy) * size + xx] === c));
            }
          }
        }
        return best;
      };
      const vectors = Array.from({ length: 9 }, (_, k) =>
        Array.from({ length: n }, (_, j) => {
          const y = Math.floor(j / (pooled - 2)) + Math.floor(k / 3);
          return map(y, (j % (pooled - 2)) + (k % 3));
        }),
      );
      const centred = vectors.map((v) => {
        const mean = v.reduce((s, x) => s + x, 0) / n;
        return v.map((x) => x - mean);
      });
      const shifted = (scale: number): Float64Array =>
        Float64Array.from({ length: 81 }, (_, i) => {
          const [k, l] = [Math.floor(i / 9), i % 9];
          const g = centred[k].reduce((s, x, j) => s + x * centred[l][j], 0);
          return scale * g + (k === l ? alpha : 0);
        });
      const logDet = (m: Float64Array): number => logDetFromCholesky(cholesky(m, 9), 9);
      const term = 0.5 * (9 * Math.log(alpha) + logDet(shifted(2)) - logDet(shifted(1)));
      total += term / batch;
    }
  }
  return (0.5 * total) / 9;
}

describeLossProperties('region-mutual-information', {
  options: {},
  size: 16,
  perfectValue: perfectValue(shapeLabels(2, 16, 3), 2, 16, [0, 1, 2]),
});
describeLossProperties('region-mutual-information', {
  options: {},
  channels: 1,
  size: 16,
  perfectValue: perfectValue(shapeLabels(2, 16, 1), 2, 16, [1]),
});

test('region-mutual-information: a 48×48 confident prediction matches the closed form', () => {
  // Needs the float64 statistics: in float32 Σ_{Y|P} ≈ αI is lost to cancellation here.
  const labels = shapeLabels(2, 48, 3);
  const expected = perfectValue(labels, 2, 48, [0, 1, 2]);
  const value = tf.tidy(() => {
    const yTrue = tf.tensor3d(labels, [2, 48, 48], 'int32');
    const logits = tf.mul(tf.sub(tf.mul(tf.oneHot(yTrue, 3), 2), 1), 20);
    return createLoss('region-mutual-information')(yTrue, logits as tf.Tensor4D).dataSync()[0];
  });
  assert.ok(Math.abs(value - expected) < 1e-5, `${value} vs ${expected}`);
});

test('region-mutual-information: hand-computed with radius 1 and no pooling', () => {
  // One 1×4 image, C = 1, x = (ln 3, 0, −ln 3, 0), t = (1, 0, 0, 1).
  // P = σ(x) + 1e-6 = (0.75, 0.5, 0.25, 0.5) + 1e-6, centred (0.25, 0, −0.25, 0): Σ_P = 0.125.
  // Y centred (0.5, −0.5, −0.5, 0.5): Σ_Y = 1, Σ_YP = 0.125 + 0.125 = 0.25.
  // Σ_{Y|P} = 1 − 0.25²/(0.125 + α); RMI = ½ ln(Σ_{Y|P} + α) (d = 1).
  // BCE = [softplus(−ln 3) + ln 2 + softplus(−ln 3) + ln 2]/(4 + 1) = 2 ln(8/3)/5.
  const conditional = 1 - 0.0625 / (0.125 + alpha);
  const expected = 0.5 * ((2 * Math.log(8 / 3)) / 5) + 0.5 * (0.5 * Math.log(conditional + alpha));
  const loss = createLoss('region-mutual-information', { radius: 1, poolSize: 1 });
  const value = tf.tidy(
    () =>
      loss(
        tf.tensor3d([1, 0, 0, 1], [1, 1, 4], 'int32'),
        tf.tensor4d([Math.log(3), 0, -Math.log(3), 0], [1, 1, 4, 1]),
      ).dataSync()[0],
  );
  assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
});

test('region-mutual-information: lambda 1 is the sigmoid BCE over (valid pixels + 1)', () => {
  // cross-entropy (sigmoid) = Σ BCE/(N·C), this loss with λ = 1 = Σ BCE/(N + 1).
  const [rmi, ce] = tf.tidy(() => {
    const yTrue = tf.tensor3d(shapeLabels(2, 16, 3), [2, 16, 16], 'int32');
    const yPred = tf.randomNormal([2, 16, 16, 3], 0, 2, 'float32', 4) as tf.Tensor4D;
    const a = createLoss('region-mutual-information', { lambda: 1 })(yTrue, yPred);
    const b = createLoss('cross-entropy', { activation: 'sigmoid' })(yTrue, yPred);
    return [a.dataSync()[0], b.dataSync()[0]];
  });
  const n = 2 * 16 * 16;
  assert.ok(Math.abs(rmi - (ce * n * 3) / (n + 1)) < 1e-5, `${rmi} vs ${ce}`);
});

test("region-mutual-information: reduction 'none' gives [B] whose mean is the loss", () => {
  const [terms, mean] = tf.tidy(() => {
    const yTrue = tf.tensor3d(shapeLabels(2, 16, 3), [2, 16, 16], 'int32');
    const yPred = tf.randomNormal([2, 16, 16, 3], 0, 2, 'float32', 6) as tf.Tensor4D;
    const none = createLoss('region-mutual-information', { reduction: 'none' })(yTrue, yPred);
    const value = createLoss('region-mutual-information')(yTrue, yPred);
    return [Array.from(none.dataSync()), value.dataSync()[0]];
  });
  assert.equal(terms.length, 2);
  assert.ok(Math.abs((terms[0] + terms[1]) / 2 - mean) < 1e-5);
});

test('region-mutual-information: the max-pool passes ties to the first pixel, as PyTorch', () => {
  // One 3×3 window (padding 1 covers rows and columns −1..1): all equal, so pixel (0, 0) wins.
  const grad = tf.tidy(() =>
    tf.grad((x: tf.Tensor) => tf.sum(maxPool(x as tf.Tensor4D, 3)))(tf.ones([1, 3, 3, 1])),
  );
  assert.deepEqual(Array.from(grad.dataSync()), [1, 0, 0, 0, 0, 0, 0, 0, 0]);
  grad.dispose();
});

test('region-mutual-information: images too small for the neighbourhoods are not supported', () => {
  const loss = createLoss('region-mutual-information');
  assert.throws(
    () => tf.tidy(() => loss(tf.zeros([1, 4, 4], 'int32'), tf.zeros([1, 4, 4, 2]))),
    (e: unknown) => e instanceof SeglossesError && /not supported/.test(e.message),
  );
});
