import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';

import { AdamW } from './adamw.js';

test('adamw: the first step moves each weight by lr·(sign(g) + λθ) (bias-corrected Adam)', () => {
  // Step 1: m̂ = g and v̂ = g², so m̂/(√v̂ + ε) = g/(|g| + ε) ≈ sign(g).
  const theta = tf.variable(tf.tensor1d([1, -2, 0.5]), true, 'adamw-test-a');
  const optimizer = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1 });
  const grads = { [theta.name]: tf.tensor1d([0.3, -4, 0]) };
  optimizer.apply(grads, [theta], 0.01);
  const got = Array.from(theta.dataSync());
  const expected = [1 - 0.01 * (1 + 0.1 * 1), -2 - 0.01 * (-1 + 0.1 * -2), 0.5 - 0.01 * 0.05];
  got.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) < 1e-6, `${i}: ${v} vs ${expected[i]}`),
  );
  optimizer.dispose();
  tf.dispose([theta, grads[theta.name]]);
});

test('adamw: second step follows the moment recursions', () => {
  const theta = tf.variable(tf.tensor1d([0]), true, 'adamw-test-b');
  const optimizer = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 0, weightDecay: 0 });
  const g1 = tf.tensor1d([1]);
  const g2 = tf.tensor1d([3]);
  optimizer.apply({ [theta.name]: g1 }, [theta], 1);
  optimizer.apply({ [theta.name]: g2 }, [theta], 1);
  // m2 = 0.9·0.1·1 + 0.1·3 = 0.39, v2 = 0.999·0.001 + 0.001·9 = 0.009999;
  // m̂ = 0.39/0.19, v̂ = 0.009999/0.001999; θ = −1 − m̂/√v̂.
  const expected = -1 - 0.39 / 0.19 / Math.sqrt(0.009999 / 0.001999);
  assert.ok(Math.abs(theta.dataSync()[0] - expected) < 1e-5);
  optimizer.dispose();
  tf.dispose([theta, g1, g2]);
});

test('adamw: leaves no tensors behind', () => {
  const theta = tf.variable(tf.ones([4]), true, 'adamw-test-c');
  const before = tf.memory().numTensors;
  const optimizer = new AdamW();
  const g = tf.ones([4]);
  optimizer.apply({ [theta.name]: g }, [theta], 0.1);
  optimizer.dispose();
  g.dispose();
  assert.equal(tf.memory().numTensors, before);
  theta.dispose();
});
