import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from './backend.js';
import {
  convCases,
  convOutShape,
  seededNormal,
  type ConvPad,
  type Shape4D,
} from './test-support/conv-cases.js';
import {
  backendDataIds,
  crossBackendRelTol,
  onCpuAndWasm,
  readAll,
  relativeMaxError,
} from './test-support/cross-backend.js';

function assertClose(actual: Float32Array[], expected: Float32Array[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    assert.equal(actual[i].length, e.length, `output ${i} size`);
    const error = relativeMaxError(actual[i], e);
    assert.ok(error <= crossBackendRelTol, `output ${i}: relative error ${error}`);
  });
}

for (const c of convCases) {
  test(`conv2d input gradient matches cpu: ${c.name}`, async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      readAll(() => {
        const x = seededNormal(c.xShape, 1) as tf.Tensor4D;
        const filter = seededNormal(c.filterShape, 2) as tf.Tensor4D;
        const weights = seededNormal(convOutShape(c), 3);
        const loss = (a: tf.Tensor): tf.Tensor =>
          tf
            .conv2d(a as tf.Tensor4D, filter, c.strides, c.pad)
            .mul(weights)
            .sum();
        return [tf.grad(loss)(x)];
      }),
    );
    assertClose(wasm, cpu);
  });
}

interface TransposeCase {
  name: string;
  /** Input of the transposed convolution, [B, h, w, O]. */
  xShape: Shape4D;
  /** [fh, fw, C, O]: C output channels, O input channels. */
  filterShape: Shape4D;
  outputShape: Shape4D;
  strides: number;
  pad: ConvPad;
}

const transposeCases: readonly TransposeCase[] = [
  {
    name: 'UNet 2×2 s2 same (block), batch 2',
    xShape: [2, 4, 5, 6],
    filterShape: [2, 2, 3, 6],
    outputShape: [2, 8, 10, 3],
    strides: 2,
    pad: 'same',
  },
  {
    name: '2×2 s2 valid, batch 1',
    xShape: [1, 3, 3, 4],
    filterShape: [2, 2, 5, 4],
    outputShape: [1, 6, 6, 5],
    strides: 2,
    pad: 'valid',
  },
  {
    name: '3×3 s2 same',
    xShape: [2, 4, 4, 3],
    filterShape: [3, 3, 2, 3],
    outputShape: [2, 8, 8, 2],
    strides: 2,
    pad: 'same',
  },
  {
    name: '3×3 s1 valid',
    xShape: [1, 5, 4, 2],
    filterShape: [3, 3, 3, 2],
    outputShape: [1, 7, 6, 3],
    strides: 1,
    pad: 'valid',
  },
  {
    name: '4×4 s2 same',
    xShape: [2, 3, 4, 2],
    filterShape: [4, 4, 3, 2],
    outputShape: [2, 6, 8, 3],
    strides: 2,
    pad: 'same',
  },
  {
    name: '1×1 s1 (block)',
    xShape: [3, 4, 4, 5],
    filterShape: [1, 1, 2, 5],
    outputShape: [3, 4, 4, 2],
    strides: 1,
    pad: 'valid',
  },
];

for (const c of transposeCases) {
  test(`conv2dTranspose forward and gradients match cpu: ${c.name}`, async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      readAll(() => {
        const x = seededNormal(c.xShape, 4) as tf.Tensor4D;
        const filter = seededNormal(c.filterShape, 5) as tf.Tensor4D;
        const weights = seededNormal(c.outputShape, 6);
        const forward = (a: tf.Tensor, w: tf.Tensor): tf.Tensor4D =>
          tf.conv2dTranspose(a as tf.Tensor4D, w as tf.Tensor4D, c.outputShape, c.strides, c.pad);
        const [dx, dw] = tf.grads((a: tf.Tensor, w: tf.Tensor) => forward(a, w).mul(weights).sum())(
          [x, filter],
        );
        return [forward(x, filter), dx, dw];
      }),
    );
    assertClose(wasm, cpu);
  });
}

test('Conv2DBackpropInput honours dimRoundingMode ceil (rows past the padding)', async () => {
  // H = 8, 3×3, stride 2, pad 1: (8 − 3 + 2)/2 + 1 = 4.5 rounds up to Ho = 5.
  const attrs = { strides: 2, pad: 1, dataFormat: 'NHWC', dimRoundingMode: 'ceil' };
  const { cpu, wasm } = await onCpuAndWasm(() =>
    readAll(() => {
      const dy = seededNormal([2, 5, 5, 2], 7);
      const filter = seededNormal([3, 3, 3, 2], 8);
      const inputShape = [2, 8, 8, 3];
      return [
        tf
          .engine()
          .runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape }) as tf.Tensor,
      ];
    }),
  );
  assertClose(wasm, cpu);
});

test('conv2dTranspose gradient on wasm leaves tensors and backend buffers unchanged', async () => {
  await initBackend('wasm');
  const x = seededNormal([2, 4, 4, 3], 9) as tf.Tensor4D;
  const filter = seededNormal([2, 2, 2, 3], 10) as tf.Tensor4D;
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = backendDataIds();
  for (const pad of ['same', 'valid'] as const) {
    const grads = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
      tf
        .conv2dTranspose(a as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 8, 2], 2, pad)
        .square()
        .sum(),
    )([x, filter]);
    tf.dispose(grads);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(backendDataIds(), buffersBefore);
  tf.dispose([x, filter]);
});

test('Conv2DBackpropInput on wasm rejects NCHW as not supported, leaking nothing', async () => {
  await initBackend('wasm');
  const dy = seededNormal([1, 2, 6, 6], 11);
  const filter = seededNormal([3, 3, 3, 2], 12);
  const buffersBefore = backendDataIds();
  assert.throws(
    () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropInput',
          { dy, filter },
          { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 3, 6, 6] },
        ),
    new RegExp(
      `^Error: Conv2DBackpropInput \\(wasm\\): dataFormat must be 'NHWC' ` +
        `\\(NCHW is not supported\\), got 'NCHW'$`,
    ),
  );
  assert.equal(backendDataIds(), buffersBefore);
  tf.dispose([dy, filter]);
});
