import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../backend/backend.js';
import { batchNormTraining } from './batch-norm.js';
import { UNet } from './unet.js';

before(() => initBackend('wasm'));

const config = { inChannels: 1, numClasses: 3, baseChannels: 4, depth: 3, seed: 7 };

test('unet: logits have shape [B,H,W,C]', () => {
  const model = new UNet(config);
  const shape = tf.tidy(() => model.apply(tf.zeros([2, 16, 16, 1]), false).shape);
  assert.deepEqual(shape, [2, 16, 16, 3]);
  model.dispose();
});

test('unet: parameter count matches the architecture, by hand', () => {
  // widths 4, 8, 16; each double conv: 9·in·out + 9·out·out kernels + 2·(γ,β)·out.
  const double = (i: number, o: number) => 9 * i * o + 9 * o * o + 4 * o;
  const encoder = double(1, 4) + double(4, 8) + double(8, 16);
  const up = 4 * 16 * 8 + 8 + (4 * 8 * 4 + 4); // 2×2 transposed convs and biases
  const decoder = double(16, 8) + double(8, 4);
  const head = 4 * 3 + 3;
  const model = new UNet(config);
  assert.equal(model.parameterCount(), encoder + up + decoder + head);
  model.dispose();
});

test('unet: save then load into a fresh model reproduces the logits exactly', () => {
  const a = new UNet(config);
  const x = tf.randomNormal([1, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  tf.tidy(() => a.apply(x, true)); // moves the running statistics away from their start
  const saved = JSON.parse(JSON.stringify(a.save()));
  const b = new UNet({ ...config, seed: 99 });
  b.load(saved);
  const [ya, yb] = tf.tidy(() => [a.apply(x, false).dataSync(), b.apply(x, false).dataSync()]);
  assert.deepEqual(Array.from(yb), Array.from(ya));
  assert.throws(
    () => b.load({ ...saved, tensors: [{ name: 'nope', shape: [1], values: [0] }] }),
    /unknown weight "nope"/,
  );
  tf.dispose(x);
  a.dispose();
  b.dispose();
});

test('unet: image sizes not divisible by 2^(depth−1) are rejected with the sizes', () => {
  const model = new UNet(config);
  assert.throws(
    () => tf.tidy(() => model.apply(tf.zeros([1, 10, 12, 1]), false)),
    /divisible by 4.*10×12/,
  );
  model.dispose();
});

test('unet: extra heads come back under their names, features is the decoder map', () => {
  const model = new UNet({
    ...config,
    heads: [
      { name: 'bins', channels: 5 },
      { name: 'features', channels: 0 },
    ],
  });
  const shapes = tf.tidy(() => {
    const { logits, heads } = model.applyWithHeads(tf.zeros([1, 8, 8, 1]), false);
    return [logits.shape, heads.bins.shape, heads.features.shape];
  });
  assert.deepEqual(shapes, [
    [1, 8, 8, 3],
    [1, 8, 8, 5],
    [1, 8, 8, 4],
  ]);
  model.dispose();
});

test("batch norm: the hand-written gradient equals tfjs's own batchNorm gradient", () => {
  const x = tf.randomNormal([2, 3, 3, 4], 1, 2, 'float32', 5) as tf.Tensor4D;
  const gamma = tf.tensor1d([1, 0.5, 2, -1]);
  const beta = tf.tensor1d([0, 1, -1, 0.5]);
  const weights = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 6);
  const ours = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(
      tf.mul(
        batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5).y,
        weights,
      ),
    ),
  )([x, gamma, beta]);
  const reference = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b, g, 1e-5), weights));
  })([x, gamma, beta]);
  ours.forEach((g, i) => {
    const a = g.dataSync();
    const r = reference[i].dataSync();
    a.forEach((v, j) => assert.ok(Math.abs(v - r[j]) < 1e-4, `grad ${i}[${j}]: ${v} vs ${r[j]}`));
  });
  tf.dispose([x, gamma, beta, weights, ...ours, ...reference]);
});
