import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import type { LossExtras } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeOnBackends } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';
import { finiteDifferenceRelTol } from '../../test-support/tolerances.js';
import { rectangleLabels } from './test-support/boundary-cases.js';

/** One-hot features of the labels (ignored pixels: zero), with at least two channels. */
function oneHotFeatures(labels: tf.Tensor3D, channels: number): tf.Tensor4D {
  return tf.tidy(() => tf.oneHot(labels, Math.max(channels, 2)).toFloat()) as tf.Tensor4D;
}

const features = (labels: tf.Tensor3D, channels: number): LossExtras => ({
  features: oneHotFeatures(labels, channels),
});

describeLossProperties('conditional-boundary', { perfectValue: 0, extras: features });
describeLossProperties('conditional-boundary', {
  options: { neighbourhood: 3, pullWeight: 1, pairWeight: 0.5, centreWeight: 1 },
  perfectValue: 0,
  extras: features,
});
describeLossProperties('conditional-boundary', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
  extras: features,
});

test('conditional-boundary: asks for the feature map itself', () => {
  const loss = createLoss('conditional-boundary');
  assert.deepEqual(loss.needs, ['features']);
  assert.deepEqual(
    loss.heads(4).map((h) => [h.name, h.channels]),
    [['features', 0]],
  );
  assert.throws(
    () => createLoss('conditional-boundary', { neighbourhood: 4 }),
    /conditional-boundary: option neighbourhood must be odd, got 4/,
  );
});

/**
 * The 1×3 case: labels [0, 0, 1]; features f0 = (1, 0), f1 = (1, 1), f2 = (0, 1); 3×3 window,
 * so the neighbours are 0↔1 and 1↔2. Anchors: pixel 1 (neighbour 2 is class 1) and pixel 2
 * (neighbour 1 is class 0); pixel 0 has only its same-class neighbour.
 */
const rowLabels = [0, 0, 1];
const rowFeatures = [1, 0, 1, 1, 0, 1];
const window3 = { neighbourhood: 3 };

describeOnBackends('conditional-boundary hand cases', () => {
  const evaluate = (logits: number[], options: Record<string, unknown>) =>
    tf.tidy(() => {
      const loss = createLoss('conditional-boundary', { ...window3, ...options });
      const labels = tf.tensor3d(rowLabels, [1, 1, 3], 'int32');
      const extras = { features: tf.tensor4d(rowFeatures, [1, 1, 3, 2]) };
      return loss(labels, tf.tensor4d(logits, [1, 1, 3, 2]), extras).dataSync()[0];
    });
  const r = Math.SQRT1_2;

  test('hand-computed value, every neighbour correctly classified', () => {
    // Logits z0 = (2, 0), z1 = (1, 0), z2 = (0, 1): all correct.
    // Anchor 1 (class 0): S = S⁺ = {0}, centre f0: pull = ½‖(1,1) − (1,0)‖² = ½;
    //   pair = [(cos(f1,f0) − 1)² + (cos(f1,f2) − 0)²] / 2 = [(r − 1)² + r²] / 2 (r = 1/√2);
    //   centre = 2 · CE(z0, 0) = 2 ln(1 + e⁻²).
    // Anchor 2 (class 1): no same-class neighbour: pull = centre = 0; pair = (r − 0)² = ½.
    // L = [2·½ + pair₁ + 0.2 · 2 ln(1 + e⁻²) + ½] / 2 with the default weights (2, 1, 0.2).
    const value = evaluate([2, 0, 1, 0, 0, 1], {});
    const pair1 = ((r - 1) ** 2 + r ** 2) / 2;
    const expected = (2 * 0.5 + pair1 + 0.2 * 2 * Math.log(1 + Math.exp(-2)) + 0.5) / 2;
    assert.ok(Math.abs(value - expected) < 1e-5, `${value} vs ${expected}`);
  });

  test('a misclassified neighbour is left out of the centre and its pull', () => {
    // z0 = (0, 2) is wrong (argmax 1, target 0): S⁺ of anchor 1 is empty, so its pull and its
    // second centre term vanish; the first centre term keeps z0: CE((0, 2), 0) = ln(1 + e²).
    const value = evaluate([0, 2, 1, 0, 0, 1], {});
    const pair1 = ((r - 1) ** 2 + r ** 2) / 2;
    const expected = (pair1 + 0.2 * Math.log(1 + Math.exp(2)) + 0.5) / 2;
    assert.ok(Math.abs(value - expected) < 1e-5, `${value} vs ${expected}`);
  });

  test('each term alone, by its weight', () => {
    const logits = [2, 0, 1, 0, 0, 1];
    const pull = evaluate(logits, { pairWeight: 0, centreWeight: 0, pullWeight: 1 });
    assert.ok(Math.abs(pull - 0.5 / 2) < 1e-6, `pull ${pull}`);
    const pair = evaluate(logits, { pairWeight: 1, centreWeight: 0, pullWeight: 0 });
    assert.ok(Math.abs(pair - (((r - 1) ** 2 + r ** 2) / 2 + 0.5) / 2) < 1e-5, `pair ${pair}`);
  });

  test('a boundary of the features shifted from the target increases the loss', () => {
    // 10×10, a 4×6 rectangle of class 1; features are one-hot of the rectangle shifted right by
    // s pixels, logits confident and correct: only the feature terms change.
    const labels = tf.tensor3d(rectangleLabels(10, 10, [3, 6, 2, 7]), [1, 10, 10], 'int32');
    const logits = tf.tidy(() => tf.mul(tf.sub(tf.mul(tf.oneHot(labels, 2), 2), 1), 8).toFloat());
    const loss = createLoss('conditional-boundary');
    const values = [0, 1, 2].map((s) =>
      tf.tidy(() => {
        const shifted = tf.tensor3d(
          rectangleLabels(10, 10, [3, 6, 2 + s, 7 + s]),
          [1, 10, 10],
          'int32',
        );
        return loss(labels, logits, { features: oneHotFeatures(shifted, 2) }).dataSync()[0];
      }),
    );
    assert.ok(values[0] < 1e-6 && values[0] < values[1] && values[1] < values[2], `${values}`);
    tf.dispose([labels, logits]);
  });

  test('the pull gradient reaches the anchor only (the centre is a stop-gradient target)', () => {
    // Pull alone: L = ½ · pull₁ = ½ · ½‖f1 − f0‖² (F = 2) → ∂L/∂f1 = ½ (f1 − f0) = (0, ½), and
    // ∂L/∂f0 = 0 although f0 is the centre (without the stop-gradient it would be (0, −½)).
    const grad = tf.tidy(() => {
      const loss = createLoss('conditional-boundary', {
        ...window3,
        pullWeight: 1,
        pairWeight: 0,
        centreWeight: 0,
      });
      const labels = tf.tensor3d(rowLabels, [1, 1, 3], 'int32');
      const logits = tf.tensor4d([2, 0, 1, 0, 0, 1], [1, 1, 3, 2]);
      const g = tf.grad((f: tf.Tensor) => loss(labels, logits, { features: f }) as tf.Scalar);
      return Array.from(g(tf.tensor4d(rowFeatures, [1, 1, 3, 2])).dataSync());
    });
    assert.deepEqual(grad, [0, 0, 0, 0.5, 0, 0]);
  });

  test('gradients w.r.t. features and logits agree with finite differences, lower the loss', () => {
    const labels = tf.tensor3d(rectangleLabels(6, 6, [1, 4, 2, 4]), [1, 6, 6], 'int32');
    const logits = tf.randomNormal([1, 6, 6, 2], 0, 2, 'float32', 8) as tf.Tensor4D;
    const feats = tf.randomNormal([1, 6, 6, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    // The pull's stop-gradient makes its analytic gradient differ from finite differences by
    // design (tested above), so the comparison runs on the other two terms.
    const loss = createLoss('conditional-boundary', { ...window3, pullWeight: 0 });
    const f = (x: tf.Tensor, g: tf.Tensor) => loss(labels, x, { features: g }) as tf.Scalar;
    const before = tf.memory().numTensors;
    // With every term, pull included: a small step against the gradient lowers the loss.
    const full = createLoss('conditional-boundary', window3);
    const fFull = (x: tf.Tensor, g: tf.Tensor) => full(labels, x, { features: g }) as tf.Scalar;
    const [ax, af] = tf.grads(fFull)([logits, feats]);
    const value = tf.tidy(() => fFull(logits, feats).dataSync()[0]);
    const stepped = tf.tidy(
      () => fFull(tf.sub(logits, tf.mul(ax, 0.05)), tf.sub(feats, tf.mul(af, 0.05))).dataSync()[0],
    );
    assert.ok(stepped < value, `${stepped} !< ${value}`);
    tf.dispose([ax, af]);
    const [gx, gf] = tf.grads(f)([logits, feats]);
    const h = 1e-2;
    for (const [tensor, grad, which] of [
      [feats, gf, 'features'],
      [logits, gx, 'logits'],
    ] as const) {
      const flat = tensor.dataSync();
      const g = grad.dataSync();
      const largest = Math.max(...Array.from(g, Math.abs));
      for (const i of [4, 19, 33, 50]) {
        const at = (delta: number) =>
          tf.tidy(() => {
            const moved = flat.slice();
            moved[i] += delta;
            const t = tf.tensor4d(moved, tensor.shape);
            return (which === 'features' ? f(logits, t) : f(t, feats)).dataSync()[0];
          });
        const numeric = (at(h) - at(-h)) / (2 * h);
        assert.ok(
          Math.abs(numeric - g[i]) <= finiteDifferenceRelTol * Math.max(largest, 1e-3),
          `${which}[${i}]: analytic ${g[i]}, numeric ${numeric}`,
        );
      }
    }
    tf.dispose([gx, gf]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([labels, logits, feats]);
  });

  test('clear errors for missing or misshapen features', () => {
    const loss = createLoss('conditional-boundary');
    const labels = tf.tensor3d(rowLabels, [1, 1, 3], 'int32');
    const logits = tf.zeros([1, 1, 3, 2]);
    assert.throws(
      () => loss(labels, logits),
      /conditional-boundary: extras.features must be given, got nothing/,
    );
    const wrong = tf.zeros([1, 3, 1, 4]);
    assert.throws(
      () => loss(labels, logits, { features: wrong }),
      /conditional-boundary: extras.features must be float32 \[1,1,3,F\] with F ≥ 1, got float32 \[1,3,1,4\]/,
    );
    tf.dispose([labels, logits, wrong]);
  });
});
