import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeLossProperties, shapeLabels } from '../../test-support/loss-properties.js';

/** ln((n − 1)!) = ln Γ(n), summed in float64. */
function logGammaOfInteger(n: number): number {
  let sum = 0;
  for (let k = 2; k < n; k++) sum += Math.log(k);
  return sum;
}

// With ν = ln 2 the degrees of freedom are ν̃ = 2, so every ln Γ is of an integer. A perfect
// prediction (δ = 0) on an 8×8 image (D = 64) then gives, per image and class:
//   −ln Γ((2 + 64)/2) + ln Γ(1) − 64/2 + (64/2) ln π + (64/2) ln 2 = −ln 32! − 32 + 32 ln(2π).
const perfect64 = -logGammaOfInteger(33) - 32 + 32 * Math.log(2 * Math.PI);

describeLossProperties('robust-t', { options: { nu: Math.log(2) }, perfectValue: perfect64 });
describeLossProperties('robust-t', {
  options: { nu: Math.log(2), activation: 'sigmoid' },
  channels: 1,
  perfectValue: perfect64,
});

test('robust-t: hand-computed value of a 2×2 image', () => {
  // C = 1 probabilities y = (0.9, 0.2, 0.6, 0.1), t = (1, 0, 1, 0): δ = (−0.1, 0.2, −0.4, 0.1),
  // Σδ² = 0.22. ν = ln 2 → ν̃ = 2, D = 4, e^λ = e:
  //   L = −ln Γ(3) + ln Γ(1) − 2 + 2 ln π + 2 ln 2 + 3 ln(1 + 0.22e/2)
  const expected =
    -Math.log(2) - 2 + 2 * Math.log(Math.PI) + 2 * Math.log(2) + 3 * Math.log1p(0.11 * Math.E);
  const loss = createLoss('robust-t', { activation: 'none', nu: Math.log(2) });
  const value = tf.tidy(
    () =>
      loss(
        tf.tensor3d([1, 0, 1, 0], [1, 2, 2], 'int32'),
        tf.tensor4d([0.9, 0.2, 0.6, 0.1], [1, 2, 2, 1]),
      ).dataSync()[0],
  );
  loss.dispose();
  assert.ok(Math.abs(value - expected) < 1e-5, `${value} vs ${expected}`);
});

test('robust-t: ν is the one trainable variable, set from the option, freed by dispose', () => {
  const loss = createLoss('robust-t', { nu: 0.5 });
  assert.equal(loss.trainableVariables.length, 1);
  const [nu] = loss.trainableVariables;
  assert.ok(nu.trainable);
  assert.ok(Math.abs(nu.dataSync()[0] - 0.5) < 1e-7);
  const other = createLoss('robust-t');
  assert.notEqual(other.trainableVariables[0], nu, 'each loss owns its ν');
  loss.dispose();
  other.dispose();
  assert.ok(nu.isDisposed);
});

function binaryInputs(): { yTrue: tf.Tensor3D; yPred: tf.Tensor4D } {
  return tf.tidy(() => ({
    yTrue: tf.tensor3d(shapeLabels(2, 16, 2), [2, 16, 16], 'int32'),
    yPred: tf.randomNormal([2, 16, 16, 2], 0, 1.5, 'float32', 9) as tf.Tensor4D,
  }));
}

test('robust-t: the gradient with respect to ν agrees with central finite differences', () => {
  const loss = createLoss('robust-t');
  const nu = loss.trainableVariables[0];
  const { yTrue, yPred } = binaryInputs();
  const f = (): tf.Scalar => loss(yTrue, yPred) as tf.Scalar;
  const { grads } = tf.variableGrads(f, [nu]);
  const analytic = grads[nu.name].dataSync()[0];
  tf.dispose(Object.values(grads));
  const at = (value: number): number => {
    nu.assign(tf.scalar(value));
    return tf.tidy(() => f().dataSync()[0]);
  };
  const h = 1e-2;
  const numeric = (at(1 + h) - at(1 - h)) / (2 * h);
  // float32 values of size ~10² give finite differences good to ~1e-3 absolute.
  assert.ok(
    Math.abs(numeric - analytic) <= 2e-3 * Math.max(1, Math.abs(analytic)),
    `${analytic} vs ${numeric}`,
  );
  tf.dispose([yTrue, yPred]);
  loss.dispose();
});

test('robust-t: an optimizer trains ν and lowers the loss', () => {
  const loss = createLoss('robust-t');
  const { yTrue, yPred } = binaryInputs();
  const f = (): tf.Scalar => loss(yTrue, yPred) as tf.Scalar;
  const before = tf.tidy(() => f().dataSync()[0]);
  const optimizer = tf.train.adam(0.05);
  for (let step = 0; step < 5; step++) {
    optimizer.minimize(f, false, loss.trainableVariables as tf.Variable[]);
  }
  const nu = loss.trainableVariables[0].dataSync()[0];
  const after = tf.tidy(() => f().dataSync()[0]);
  assert.ok(Math.abs(nu - 1) > 0.1, `ν stayed at ${nu}`);
  assert.ok(after < before, `loss ${before} → ${after}`);
  optimizer.dispose();
  tf.dispose([yTrue, yPred]);
  loss.dispose();
});

test('robust-t: all pixels ignored gives 0 and no gradient for ν either', () => {
  const loss = createLoss('robust-t');
  const nu = loss.trainableVariables[0];
  const yTrue = tf.fill([1, 4, 4], 255, 'int32');
  const yPred = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 2);
  const { value, grads } = tf.variableGrads(() => loss(yTrue, yPred) as tf.Scalar, [nu]);
  assert.ok(value.dataSync()[0] === 0 && grads[nu.name].dataSync()[0] === 0);
  tf.dispose([yTrue, yPred, value, ...Object.values(grads)]);
  loss.dispose();
});

test("robust-t: reduction 'none' gives one term per image and kept class", () => {
  const shapes = tf.tidy(() => {
    const yTrue = tf.zeros([2, 4, 4], 'int32');
    const yPred = tf.zeros([2, 4, 4, 3]);
    const foreground = createLoss('robust-t', { reduction: 'none' });
    const everything = createLoss('robust-t', { reduction: 'none', includeBackground: true });
    const result = [foreground(yTrue, yPred).shape, everything(yTrue, yPred).shape];
    foreground.dispose();
    everything.dispose();
    return result;
  });
  assert.deepEqual(shapes, [
    [2, 2],
    [2, 3],
  ]);
});
