import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from './backend.js';

interface WasmData {
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number; refCount: number } };
}

test('Identity on wasm shares the values and frees them with the last tensor', async () => {
  await initBackend('wasm');
  const backend = tf.backend() as unknown as WasmData;
  const before = tf.memory();
  const x = tf.tensor1d([1, 2, 3, 4]);
  const y = tf.clone(x);
  assert.equal(
    backend.dataIdMap.get(y.dataId).memoryOffset,
    backend.dataIdMap.get(x.dataId).memoryOffset,
  );
  assert.equal(backend.dataIdMap.get(x.dataId).refCount, 2);
  // One buffer for two tensors.
  assert.equal(tf.memory().numDataBuffers - before.numDataBuffers, 1);
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4]);
  y.dispose();
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numBytes, before.numBytes);
});

test('gradients through saved (cloned) tensors stay right and leak nothing', async () => {
  await initBackend('wasm');
  const before = tf.memory().numTensors;
  const x = tf.tensor1d([0.5, -1, 2]);
  // customGrad saves x (a clone): d/dx Σ x³ = 3x².
  const cube = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return {
      value: tf.pow(input, 3),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, tf.mul(3, tf.square(saved))),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const grad = tf.grad((v: tf.Tensor) => tf.sum(cube(v) as tf.Tensor))(x);
  assert.deepEqual(Array.from(grad.dataSync()), [0.75, 3, 12]);
  tf.dispose([x, grad]);
  assert.equal(tf.memory().numTensors, before);
});

test('string tensors still get the built-in copy', async () => {
  await initBackend('wasm');
  const s = tf.tensor1d(['a', 'b'], 'string');
  const c = tf.clone(s);
  assert.deepEqual(c.dataSync(), ['a', 'b']);
  tf.dispose([s, c]);
});
