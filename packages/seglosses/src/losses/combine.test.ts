import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { combineLosses, createLoss, lossFromExpression, weightAt } from '../index.js';
import type { CombinedLoss } from '../index.js';
import { tf, useBackend } from '../test-support/backends.js';

before(() => useBackend('wasm'));

const labels = () => tf.tensor3d([0, 1, 2, 1], [1, 2, 2], 'int32');
const logits = () => tf.tensor4d([1, 0, 0, 0, 2, 0, 0, 0, 3, 0.5, 1, 0], [1, 2, 2, 3]);
const value = (loss: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor, extras?: object) =>
  tf.tidy(
    () =>
      (loss as (y: tf.Tensor, p: tf.Tensor, e?: object) => tf.Tensor)(
        labels(),
        logits(),
        extras,
      ).dataSync()[0],
  );

test('combine: 0.5·CE + 2·Dice equals the weighted sum of the parts', () => {
  const ce = createLoss('cross-entropy');
  const dice = createLoss('dice');
  const combined = combineLosses([
    { loss: ce, weight: 0.5 },
    { loss: dice, weight: 2 },
  ]);
  assert.ok(Math.abs(value(combined) - (0.5 * value(ce) + 2 * value(dice))) < 1e-6);
  assert.equal(combined.lossName, 'cross-entropy+dice');
  assert.equal(combined.category, 'combination');
});

test('combine: a linear ramp follows the step given in extras', () => {
  const ramp = { kind: 'linear' as const, from: 0, to: 1, steps: 100, start: 10 };
  assert.equal(weightAt(ramp, 0), 0);
  assert.equal(weightAt(ramp, 60), 0.5);
  assert.equal(weightAt(ramp, 500), 1);
  const ce = createLoss('cross-entropy');
  const dice = createLoss('dice');
  const combined = combineLosses([
    { loss: ce, weight: 1 },
    { loss: dice, weight: ramp },
  ]);
  assert.deepEqual(combined.weightsAt(60), [1, 0.5]);
  assert.ok(Math.abs(value(combined, { step: 60 }) - (value(ce) + 0.5 * value(dice))) < 1e-6);
  assert.ok(Math.abs(value(combined, { step: 0 }) - value(ce)) < 1e-6);
});

test('lossFromExpression: names, weights and ramps', () => {
  const single = lossFromExpression('dice');
  assert.equal(single.lossName, 'dice');
  const weighted = lossFromExpression('0.5*cross-entropy+dice') as CombinedLoss;
  assert.deepEqual(weighted.weightsAt(0), [0.5, 1]);
  const ramped = lossFromExpression('dice+ramp(0,1,1000)*cross-entropy') as CombinedLoss;
  assert.deepEqual(ramped.weightsAt(500), [1, 0.5]);
  assert.throws(() => lossFromExpression('dice+'), /must look like "a\+b"/);
  assert.throws(() => lossFromExpression('x*dice'), /term must be "name"/);
  assert.throws(() => lossFromExpression('ramp(0,1)*dice'), /ramp must be ramp\(from,to,steps\)/);
  assert.throws(() => lossFromExpression('dise'), /did you mean "dice"/);
});

test('combine: bad terms are rejected with the index of the term', () => {
  const ce = createLoss('cross-entropy');
  assert.throws(() => combineLosses([]), /combineLosses: terms must be a non-empty array/);
  assert.throws(
    () => combineLosses([{ loss: ce, weight: NaN }]),
    /terms\[0\]\.weight must be finite/,
  );
  const none = createLoss('dice', { reduction: 'none' });
  assert.throws(() => combineLosses([{ loss: none, weight: 1 }]), /terms\[0\]\.loss reduction/);
});

test('combine: leaves tf.memory().numTensors unchanged', () => {
  const combined = lossFromExpression('cross-entropy+dice');
  const y = labels();
  const p = logits();
  const before = tf.memory().numTensors;
  const { value: v, grad } = tf.valueAndGrad((x: tf.Tensor) => combined(y, x) as tf.Scalar)(p);
  tf.dispose([v, grad]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([y, p]);
});
