import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends, evaluateLoss, twoPixels } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';

describeLossProperties('sensitivity-specificity', { perfectValue: 0 });
describeLossProperties('sensitivity-specificity', {
  options: { pooling: 'class', sensitivityWeight: 0.5, includeBackground: false },
  perfectValue: 0,
});
describeLossProperties('sensitivity-specificity', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});

const name = 'sensitivity-specificity';
const { labels, probs, shape } = twoPixels;

describeOnBackends('sensitivity-specificity: hand-computed cases and properties', () => {
  test('the two-pixel case with r = 0.1 and s = 1', () => {
    // class 0, t = [1, 0]: sensitivity (1 − 0.8)²/(1 + 1) = 0.02, specificity 0.4²/(1 + 1) = 0.08
    //   → 0.1·0.02 + 0.9·0.08 = 0.074
    // class 1, t = [0, 1]: sensitivity (1 − 0.6)²/2 = 0.08, specificity 0.2²/2 = 0.02
    //   → 0.1·0.08 + 0.9·0.02 = 0.026;  mean = 0.05
    const { value } = evaluateLoss(name, { activation: 'none' }, labels, probs, shape);
    assert.ok(Math.abs(value - 0.05) < 1e-7, `${value}`);
  });

  test('r weights the error on the target pixels (sensitivity), 1 − r the others', () => {
    // r = 1 keeps only the sensitivity terms: (0.02 + 0.08)/2; r = 0 only specificity.
    const only = (sensitivityWeight: number): number =>
      evaluateLoss(name, { activation: 'none', sensitivityWeight }, labels, probs, shape).value;
    assert.ok(Math.abs(only(1) - 0.05) < 1e-7);
    assert.ok(Math.abs(only(0) - 0.05) < 1e-7);
    // A missed foreground pixel (t = 1, y = 0 for class 1) costs r, a false alarm 1 − r.
    const missed = evaluateLoss(
      name,
      { activation: 'none', smooth: 0, includeBackground: false, sensitivityWeight: 0.2 },
      [1, 0],
      [1, 0, 1, 0],
      shape,
    ).value;
    assert.ok(Math.abs(missed - 0.2) < 1e-7, `${missed}`);
  });

  test('a near-perfect prediction keeps a relatively accurate value and gradient', () => {
    // Logits ±12 on [0, 1]: q = σ(−24) is the wrong class's probability and 1 − y of the true
    // class. Each class has sensitivity q²/(1 + 1) and specificity q²/(1 + 1): L = q²/2.
    // Pixel 0 enters as ½(0.1/2 + 0.9/2)u² = u²/4 with u = 1 − σ(d), d = x₀₀ − x₀₁, so
    // dL/dx₀₀ = −dL/dx₀₁ = (u/2)(−σ(d)(1 − σ(d))) = −q²(1 − q)/2 ≈ −7e-22.
    const { value, grad } = evaluateLoss(name, {}, [0, 1], [12, -12, -12, 12], shape);
    const q = 1 / (1 + Math.exp(24));
    assert.ok(Math.abs(value - (q * q) / 2) < 1e-4 * ((q * q) / 2), `${value}`);
    const slope = (-q * q * (1 - q)) / 2;
    const expected = [slope, -slope, -slope, slope];
    expected.forEach((e, i) => {
      assert.ok(Math.abs(grad[i] - e) < 1e-4 * Math.abs(e), `entry ${i}: ${grad[i]} vs ${e}`);
    });
  });

  test('a class absent from the target keeps only its specificity term', () => {
    // 3 classes, 2 pixels of class 0, y = [0.7, 0.2, 0.1] at both: class 2 has Σ t = 0 and
    // specificity (0.1² + 0.1²)/(2 + 1), so its term is 0.9·0.02/3 = 0.006.
    const y = [0.7, 0.2, 0.1, 0.7, 0.2, 0.1];
    const terms = tf.tidy(() => {
      const loss = createLoss(name, { activation: 'none', reduction: 'none' });
      return loss(tf.tensor3d([0, 0], [1, 1, 2], 'int32'), tf.tensor4d(y, [1, 1, 2, 3])).dataSync();
    });
    assert.equal(terms.length, 3);
    assert.ok(Math.abs(terms[2] - 0.006) < 1e-7, `${Array.from(terms)}`);
  });
});
