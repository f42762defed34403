import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createLoss } from '../../index.js';
import { testBackends, tf, useBackend } from '../../test-support/backends.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';
import { findOracleVariant, loadOracleCase, oracleTensors } from '../../test-support/oracles.js';
import { closeValue } from '../../test-support/tolerances.js';
import { distancePenaltyMap } from './distance-map-ce.js';

describeLossProperties('distance-map-ce', { perfectValue: 0 });
describeLossProperties('distance-map-ce', {
  options: { activation: 'sigmoid', spacing: [2, 1] },
  channels: 1,
  perfectValue: 0,
});
describeLossProperties('distance-map-ce', {
  perfectValue: 0,
  extras: (labels, channels) => ({ distanceMap: distancePenaltyMap(labels, channels) }),
});

/**
 * 5×5 image, a 3×3 foreground square in the middle (labels 1), background around it.
 * Foreground: the distance to the background is 1 on the square's ring and 2 at its centre, so
 * M = 2, m = 1 → Φ = 1 on the ring, 0 at the centre. Background: 1 next to the square, √2 at the
 * four corners → Φ = 1 on the 12 edge pixels, 0 at the corners.
 */
const squareLabels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0];
const squarePhi = [0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0];

for (const backend of testBackends) {
  describe(`distance-map-ce on ${backend}`, () => {
    before(() => useBackend(backend));

    test('hand-computed distance penalty of a square', () => {
      const labels = tf.tensor3d(squareLabels, [1, 5, 5], 'int32');
      const phi = distancePenaltyMap(labels, 2);
      assert.deepEqual(Array.from(phi.dataSync()), squarePhi);
      tf.dispose([labels, phi]);
    });

    test('hand-computed value: uniform logits give ln 2 · mean(1 + Φ)', () => {
      // 20 of the 25 pixels have Φ = 1: mean(1 + Φ) = 1 + 20/25 = 1.8; every CE is ln 2.
      const labels = tf.tensor3d(squareLabels, [1, 5, 5], 'int32');
      const logits = tf.zeros([1, 5, 5, 2]);
      const value = tf.tidy(() => createLoss('distance-map-ce')(labels, logits).dataSync()[0]);
      assert.ok(Math.abs(value - 1.8 * Math.log(2)) < 1e-6, `${value}`);
      tf.dispose([labels, logits]);
    });

    test('empty-class decisions: a class filling the image gets Φ = 0, a line gets Φ = 1', () => {
      // Image 0: all background → no boundary. Image 1: a one-pixel-wide vertical line of
      // class 1 (every pixel at distance 1 from the outside: M = m) on background.
      const labels = tf.tensor3d(
        [...new Array<number>(9).fill(0), 0, 1, 0, 0, 1, 0, 0, 1, 0],
        [2, 3, 3],
        'int32',
      );
      const phi = Array.from(distancePenaltyMap(labels, 2).dataSync());
      assert.deepEqual(phi.slice(0, 9), new Array<number>(9).fill(0));
      assert.deepEqual([phi[10], phi[13], phi[16]], [1, 1, 1]);
      tf.dispose(labels);
    });

    test('an image without foreground gives plain cross-entropy (the reference gives NaN)', () => {
      const labels = tf.zeros([2, 4, 4], 'int32');
      const logits = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 3);
      const [ours, ce] = tf.tidy(() => [
        createLoss('distance-map-ce')(labels, logits).dataSync()[0],
        createLoss('cross-entropy')(labels, logits).dataSync()[0],
      ]);
      assert.ok(Math.abs(ours - ce) < 1e-6, `${ours} vs ${ce}`);
      tf.dispose([labels, logits]);
    });

    test('extras.distanceMap replaces the computed map and is checked', () => {
      const labels = tf.tensor3d(squareLabels, [1, 5, 5], 'int32');
      const logits = tf.zeros([1, 5, 5, 2]);
      const loss = createLoss('distance-map-ce');
      const zeros = tf.zeros([1, 5, 5]);
      const value = tf.tidy(() => loss(labels, logits, { distanceMap: zeros }).dataSync()[0]);
      assert.ok(Math.abs(value - Math.log(2)) < 1e-6, `Φ = 0 must give plain CE, got ${value}`);
      const wrong = tf.zeros([1, 5, 5, 1]);
      assert.throws(
        () => loss(labels, logits, { distanceMap: wrong }),
        /distance-map-ce: extras.distanceMap must be float32 \[1,5,5\], got float32 \[1,5,5,1\]/,
      );
      tf.dispose([labels, logits, zeros, wrong]);
    });

    test('the known-wrong published DisPenalizedCE returns the unweighted CE', () => {
      // SegLossOdyssey computes CE·(1 + Φ) but returns mean(CE): its value is our plain
      // cross-entropy, while this loss applies the weighting (oracle composed_intended_...).
      const variant = findOracleVariant('SegLossOdyssey_DisPenalizedCE');
      const result = variant.results[0];
      const { yTrue, yPred } = oracleTensors(loadOracleCase(variant.file, result.case), 'bin2');
      const [ce, ours] = tf.tidy(() => [
        createLoss('cross-entropy')(yTrue, yPred).dataSync()[0],
        createLoss('distance-map-ce')(yTrue, yPred).dataSync()[0],
      ]);
      assert.ok(closeValue(ce, result.value as number), `CE ${ce} vs ${result.value}`);
      assert.ok(ours > 1.5 * ce, `weighted ${ours} should exceed the plain CE ${ce}`);
      tf.dispose([yTrue, yPred]);
    });

    test('sigmoid with several channels is not supported', () => {
      const loss = createLoss('distance-map-ce', { activation: 'sigmoid' });
      const labels = tf.zeros([1, 2, 2], 'int32');
      const logits = tf.zeros([1, 2, 2, 3]);
      assert.throws(() => loss(labels, logits), /distance-map-ce: .* is not supported/);
      tf.dispose([labels, logits]);
    });
  });
}
