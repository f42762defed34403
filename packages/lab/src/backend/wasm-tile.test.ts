import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from './backend.js';
import { seededNormal } from './test-support/conv-cases.js';
import {
  backendDataIds,
  crossBackendRelTol,
  onCpuAndWasm,
  readAll,
  relativeMaxError,
} from './test-support/cross-backend.js';
import { tileAsBroadcast } from './wasm-tile.js';

const planCases = [
  {
    name: 'batchNorm scale [1,1,1,C] to [B,H,W,C]: one copy axis, one source axis',
    shape: [1, 1, 1, 16],
    reps: [4, 64, 64, 1],
    expected: { viewShape: [1, 16], fullShape: [4 * 64 * 64, 16] },
  },
  {
    name: 'every axis tiled: copy and source axes alternate',
    shape: [2, 3],
    reps: [4, 5],
    expected: { viewShape: [1, 2, 1, 3], fullShape: [4, 2, 5, 3] },
  },
  {
    name: 'reps of 1 and unit axes merge away',
    shape: [1, 3, 1, 2],
    reps: [2, 1, 3, 1],
    expected: { viewShape: [1, 3, 1, 2], fullShape: [2, 3, 3, 2] },
  },
  { name: 'nothing to tile', shape: [2, 3], reps: [1, 1], expected: null },
];

for (const c of planCases) {
  test(`tileAsBroadcast: ${c.name}`, () => {
    assert.deepEqual(tileAsBroadcast(c.shape, c.reps), c.expected);
  });
}

const tileCases: { name: string; shape: number[]; reps: number[]; dtype: tf.DataType }[] = [
  {
    name: 'float32 [1,1,1,5] → [2,6,7,5] (fast path)',
    shape: [1, 1, 1, 5],
    reps: [2, 6, 7, 1],
    dtype: 'float32',
  },
  {
    name: 'float32 [2,3,4] all axes (fast path)',
    shape: [2, 3, 4],
    reps: [3, 2, 2],
    dtype: 'float32',
  },
  {
    name: 'float32 rank 4 all axes: rank 8 > 6 (built-in)',
    shape: [2, 3, 2, 3],
    reps: [2, 2, 2, 2],
    dtype: 'float32',
  },
  { name: 'int32 (built-in)', shape: [2, 3], reps: [2, 3], dtype: 'int32' },
  { name: 'float32 reps all 1 (built-in)', shape: [3, 4], reps: [1, 1], dtype: 'float32' },
];

for (const c of tileCases) {
  test(`tile matches cpu exactly: ${c.name}`, async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      readAll(() => [tf.tile(tf.cast(seededNormal(c.shape, 1).mul(10), c.dtype), c.reps)]),
    );
    assert.deepEqual(wasm, cpu);
  });
}

test('tile keeps −0, ±∞ and NaN on the fast path', async () => {
  await initBackend('wasm');
  const values = tf.tidy(() =>
    tf.tile(tf.tensor1d([-0, Infinity, -Infinity, NaN]), [3]).arraySync(),
  );
  assert.deepEqual(values, [
    -0,
    Infinity,
    -Infinity,
    NaN,
    -0,
    Infinity,
    -Infinity,
    NaN,
    -0,
    Infinity,
    -Infinity,
    NaN,
  ]);
  assert.ok(Object.is(values[4], -0));
});

test('batchNorm gradient (which tiles) matches cpu', async () => {
  const { cpu, wasm } = await onCpuAndWasm(() =>
    readAll(() => {
      const x = seededNormal([2, 6, 5, 4], 2);
      const weights = seededNormal([2, 6, 5, 4], 3);
      const loss = (a: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf
          .batchNorm(a as tf.Tensor4D, mean, variance, beta, gamma, 1e-3)
          .mul(weights)
          .sum();
      };
      return tf.grads(loss)([x, tf.ones([4]), tf.zeros([4])]);
    }),
  );
  cpu.forEach((expected, i) => {
    const error = relativeMaxError(wasm[i], expected);
    assert.ok(error <= crossBackendRelTol, `gradient ${i}: relative error ${error}`);
  });
});

test('tile on wasm leaves tensors and backend buffers unchanged', async () => {
  await initBackend('wasm');
  const x = seededNormal([1, 1, 1, 8], 4);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = backendDataIds();
  tf.tile(x, [2, 4, 4, 1]).dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(backendDataIds(), buffersBefore);
  x.dispose();
});
