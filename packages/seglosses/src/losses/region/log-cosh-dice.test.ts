import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tf } from '../../test-support/backends.js';
import {
  describeOnBackends,
  evaluateLoss,
  fixedLogits,
  twoPixels,
} from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';
import { logCosh } from './log-cosh-dice.js';

describeLossProperties('log-cosh-dice', { perfectValue: 0 });
describeLossProperties('log-cosh-dice', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});
describeLossProperties('log-cosh-dice', {
  options: { pooling: 'image-class', smooth: 1e-5 },
  perfectValue: 0,
});

const { labels, probs, shape } = twoPixels;

describeOnBackends('log-cosh-dice: hand-computed cases and properties', () => {
  test('the two-pixel case, everything pooled, s = 1', () => {
    // Σ y t = 0.8 + 0.6 = 1.4, Σ y = 2, Σ t = 2 → x = 1 − (2.8 + 1)/(4 + 1) = 0.24.
    const { value } = evaluateLoss('log-cosh-dice', { activation: 'none' }, labels, probs, shape);
    const expected = Math.log(Math.cosh(0.24));
    assert.ok(Math.abs(value - expected) < 1e-7, `${value} vs ${expected}`);
  });

  test('per-class pooling applies log cosh to each Dice loss, then averages', () => {
    // class 0: D = 1.6/2.2, class 1: D = 1.2/1.8 (see dice.test.ts), s = 0.
    const options = { activation: 'none', pooling: 'image-class', smooth: 0 };
    const { value } = evaluateLoss('log-cosh-dice', options, labels, probs, shape);
    const expected = (Math.log(Math.cosh(1 - 1.6 / 2.2)) + Math.log(Math.cosh(1 - 1.2 / 1.8))) / 2;
    assert.ok(Math.abs(value - expected) < 1e-7, `${value} vs ${expected}`);
  });

  test('log cosh is relatively accurate for tiny and large x, with gradient tanh x', () => {
    const xs = [1e-12, 1e-6, 1e-3, 0.1, 0.2499, 0.25, 0.7, 3, 40, -0.3, -90];
    const { values, grads } = tf.tidy(() => {
      const x = tf.tensor1d(xs);
      const grad = tf.grad((v: tf.Tensor) => tf.sum(logCosh(v)) as tf.Scalar)(x);
      return { values: logCosh(x).dataSync(), grads: grad.dataSync() };
    });
    xs.forEach((x, i) => {
      // log cosh x in float64; for tiny x, cosh rounds to 1, so use x²/2 there.
      const exact = Math.abs(x) < 1e-4 ? (x * x) / 2 : Math.log(Math.cosh(x));
      assert.ok(Math.abs(values[i] - exact) <= 2e-6 * exact, `log cosh(${x}) = ${values[i]}`);
      assert.ok(Math.abs(grads[i] - Math.tanh(x)) <= 1e-6 * Math.abs(Math.tanh(x)), `tanh(${x})`);
    });
  });

  test('binary: one sigmoid channel equals two softmax channels without the background', () => {
    // softmax([0, l])[1] = σ(l), so the foreground statistics, hence the losses, agree.
    const fg = fixedLogits([1, 2, 2, 1], 41);
    const l = [0, 1, 1, 0];
    const sigmoid = evaluateLoss('log-cosh-dice', { activation: 'sigmoid' }, l, fg, [1, 2, 2, 1]);
    const twoChannel = fg.flatMap((v) => [0, v]);
    const softmax = evaluateLoss(
      'log-cosh-dice',
      { includeBackground: false },
      l,
      twoChannel,
      [1, 2, 2, 2],
    );
    assert.ok(Math.abs(sigmoid.value - softmax.value) < 1e-6);
  });
});
