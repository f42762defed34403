import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from './backend.js';
import { seededNormal, type ConvPad } from './test-support/conv-cases.js';
import {
  backendDataIds,
  crossBackendRelTol,
  onCpuAndWasm,
  readAll,
  relativeMaxError,
} from './test-support/cross-backend.js';

interface PoolCase {
  name: string;
  xShape: number[];
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: ConvPad;
  /** Apply a ReLU first, so that windows of zeros create ties. */
  relu: boolean;
  /**
   * Disjoint windows copy dy values, so the gradients agree bit for bit, ties included;
   * overlapping windows add several dy values in a backend-dependent order.
   */
  exact: boolean;
}

const poolCases: readonly PoolCase[] = [
  {
    name: '2×2 s2 valid, batch 2 (fast path)',
    xShape: [2, 8, 6, 3],
    filterSize: 2,
    strides: 2,
    pad: 'valid',
    relu: false,
    exact: true,
  },
  {
    name: '2×2 s2 same on an even size (fast path)',
    xShape: [1, 6, 4, 5],
    filterSize: 2,
    strides: 2,
    pad: 'same',
    relu: false,
    exact: true,
  },
  {
    name: '2×2 s2 after ReLU: ties go to the first maximum (fast path)',
    xShape: [2, 8, 8, 4],
    filterSize: 2,
    strides: 2,
    pad: 'valid',
    relu: true,
    exact: true,
  },
  {
    name: '3×2 windows, strides [3,2] (fast path)',
    xShape: [2, 9, 6, 2],
    filterSize: [3, 2],
    strides: [3, 2],
    pad: 'valid',
    relu: false,
    exact: true,
  },
  {
    name: '3×3 s2 same, overlapping (built-in)',
    xShape: [2, 9, 7, 3],
    filterSize: 3,
    strides: 2,
    pad: 'same',
    relu: false,
    exact: false,
  },
  {
    name: '2×2 s2 valid on an odd size (built-in)',
    xShape: [1, 7, 9, 2],
    filterSize: 2,
    strides: 2,
    pad: 'valid',
    relu: false,
    exact: true,
  },
];

for (const c of poolCases) {
  test(`maxPool gradient matches cpu: ${c.name}`, async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      readAll(() => {
        const x = seededNormal(c.xShape, 1);
        const input = c.relu ? tf.relu(x) : x;
        const pooled = (a: tf.Tensor): tf.Tensor4D =>
          tf.maxPool(a as tf.Tensor4D, c.filterSize, c.strides, c.pad);
        const weights = seededNormal(pooled(input).shape, 2);
        return [tf.grad((a: tf.Tensor) => pooled(a).mul(weights).sum())(input)];
      }),
    );
    if (c.exact) {
      assert.deepEqual(wasm, cpu);
    } else {
      const error = relativeMaxError(wasm[0], cpu[0]);
      assert.ok(error <= crossBackendRelTol, `relative error ${error}`);
    }
  });
}

test('maxPool gradient on wasm leaves tensors and backend buffers unchanged', async () => {
  await initBackend('wasm');
  const x = seededNormal([2, 8, 8, 3], 3) as tf.Tensor4D;
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = backendDataIds();
  tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').sum())(x).dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(backendDataIds(), buffersBefore);
  x.dispose();
});
