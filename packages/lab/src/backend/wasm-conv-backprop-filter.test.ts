import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from './backend.js';
import { convCases, convOutShape, seededNormal } from './test-support/conv-cases.js';
import {
  backendDataIds,
  crossBackendRelTol,
  onCpuAndWasm,
  readAll,
  relativeMaxError,
} from './test-support/cross-backend.js';

for (const c of convCases) {
  test(`conv2d filter gradient matches cpu: ${c.name}`, async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      readAll(() => {
        const x = seededNormal(c.xShape, 1) as tf.Tensor4D;
        const filter = seededNormal(c.filterShape, 2) as tf.Tensor4D;
        const weights = seededNormal(convOutShape(c), 3);
        const loss = (w: tf.Tensor): tf.Tensor =>
          tf
            .conv2d(x, w as tf.Tensor4D, c.strides, c.pad)
            .mul(weights)
            .sum();
        return [tf.grad(loss)(filter)];
      }),
    );
    assert.deepEqual(wasm[0].length, cpu[0].length);
    const error = relativeMaxError(wasm[0], cpu[0]);
    assert.ok(error <= crossBackendRelTol, `relative error ${error}`);
  });
}

test('Conv2DBackpropFilter honours dimRoundingMode ceil (rows past the padding)', async () => {
  // H = 8, 3×3, stride 2, pad 1: (8 − 3 + 2)/2 + 1 = 4.5 rounds up to Ho = 5.
  const attrs = { strides: 2, pad: 1, dataFormat: 'NHWC', dimRoundingMode: 'ceil' };
  const { cpu, wasm } = await onCpuAndWasm(() =>
    readAll(() => {
      const x = seededNormal([2, 8, 8, 3], 4);
      const dy = seededNormal([2, 5, 5, 2], 5);
      const filterShape = [3, 3, 3, 2];
      return [
        tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape }) as tf.Tensor,
      ];
    }),
  );
  const error = relativeMaxError(wasm[0], cpu[0]);
  assert.ok(error <= crossBackendRelTol, `relative error ${error}`);
});

test('conv2d gradient on wasm leaves tensors and backend buffers unchanged', async () => {
  await initBackend('wasm');
  const x = seededNormal([2, 9, 7, 3], 6) as tf.Tensor4D;
  const filter = seededNormal([3, 3, 3, 4], 7) as tf.Tensor4D;
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = backendDataIds();
  for (const strides of [1, 2]) {
    const grads = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
      tf
        .conv2d(a as tf.Tensor4D, w as tf.Tensor4D, strides, 'same')
        .square()
        .sum(),
    )([x, filter]);
    tf.dispose(grads);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(backendDataIds(), buffersBefore);
  tf.dispose([x, filter]);
});

test('Conv2DBackpropFilter on wasm rejects NCHW as not supported, leaking nothing', async () => {
  await initBackend('wasm');
  const x = seededNormal([1, 3, 6, 6], 8);
  const dy = seededNormal([1, 2, 6, 6], 9);
  const buffersBefore = backendDataIds();
  assert.throws(
    () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 2] },
        ),
    new RegExp(
      `^Error: Conv2DBackpropFilter \\(wasm\\): dataFormat must be 'NHWC' ` +
        `\\(NCHW is not supported\\), got 'NCHW'$`,
    ),
  );
  assert.equal(backendDataIds(), buffersBefore);
  tf.dispose([x, dy]);
});

test('Conv2DBackpropFilter on wasm rejects dilations above 1 as not supported', async () => {
  await initBackend('wasm');
  const x = seededNormal([1, 6, 6, 2], 10);
  const dy = seededNormal([1, 2, 2, 3], 11);
  const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] };
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, dilations: 2 }),
    new RegExp(
      '^Error: Conv2DBackpropFilter \\(wasm\\): dilations must be 1 ' +
        '\\(dilated gradients are not supported\\), got 2$',
    ),
  );
  tf.dispose([x, dy]);
});
