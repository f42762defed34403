import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from './backend.js';
import { backpropConvInfo, type BackpropConvAttrs } from './conv-backprop-geometry.js';
import { seededNormal, type Shape4D } from './test-support/conv-cases.js';
import {
  backendDataIds,
  crossBackendRelTol,
  relativeMaxError,
} from './test-support/cross-backend.js';
import { gemmFilterGradient, isSameSizeStrideOne } from './wasm-conv-filter-gemm.js';
import { WasmKernelScope } from './wasm-kernel-scope.js';

interface GemmCase {
  readonly name: string;
  readonly xShape: Shape4D;
  readonly filterShape: Shape4D;
  readonly pad: BackpropConvAttrs['pad'];
  /** Largest im2col matrix in floats; small values force one image per chunk. */
  readonly limit?: number;
}

const cases: readonly GemmCase[] = [
  { name: '3×3 same, batch 2', xShape: [2, 9, 8, 3], filterShape: [3, 3, 3, 4], pad: 'same' },
  {
    name: '3×3 same, one image per chunk (3 chunks)',
    xShape: [3, 6, 7, 2],
    filterShape: [3, 3, 2, 5],
    pad: 'same',
    limit: 1,
  },
  {
    name: '3×3 same, two images per chunk (batch 5)',
    xShape: [5, 4, 5, 2],
    filterShape: [3, 3, 2, 3],
    pad: 'same',
    limit: 2 * 18 * 20,
  },
  { name: '5×5 same', xShape: [2, 7, 6, 3], filterShape: [5, 5, 3, 2], pad: 'same' },
  {
    name: '2×3 same (uneven padding)',
    xShape: [2, 5, 6, 2],
    filterShape: [2, 3, 2, 3],
    pad: 'same',
  },
  {
    name: '3×1 explicit padding',
    xShape: [1, 6, 4, 2],
    filterShape: [3, 1, 2, 2],
    pad: [
      [0, 0],
      [1, 1],
      [0, 0],
      [0, 0],
    ],
  },
];

function attrsOf(c: GemmCase): BackpropConvAttrs {
  return { strides: 1, pad: c.pad, dataFormat: 'NHWC' };
}

for (const c of cases) {
  test(`im2col filter gradient matches cpu: ${c.name}`, async () => {
    const outShape = [c.xShape[0], c.xShape[1], c.xShape[2], c.filterShape[3]];
    await initBackend('cpu');
    const expected = tf.tidy(() =>
      (
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: seededNormal(c.xShape, 1), dy: seededNormal(outShape, 2) },
            { ...attrsOf(c), filterShape: c.filterShape },
          ) as tf.Tensor
      ).dataSync(),
    );
    await initBackend('wasm');
    const x = seededNormal(c.xShape, 1);
    const dy = seededNormal(outShape, 2);
    const buffersBefore = backendDataIds();
    const info = backpropConvInfo('test', c.xShape, c.filterShape, outShape, attrsOf(c));
    assert.ok(isSameSizeStrideOne(info));
    const scope = new WasmKernelScope('test', tf.backend());
    let actual: Float32Array;
    try {
      const dW = gemmFilterGradient(scope, x, dy, info, c.limit);
      assert.deepEqual(dW.shape, c.filterShape);
      actual = Float32Array.from(scope.readFloat32(dW));
    } finally {
      scope.dispose();
    }
    assert.equal(backendDataIds(), buffersBefore);
    tf.dispose([x, dy]);
    const error = relativeMaxError(actual, expected);
    assert.ok(error <= crossBackendRelTol, `relative error ${error}`);
  });
}

test('the im2col route is only taken for stride 1 with an unchanged size', () => {
  const info = (strides: number, pad: BackpropConvAttrs['pad'], out: number) =>
    backpropConvInfo('test', [1, 8, 8, 2], [3, 3, 2, 2], [1, out, out, 2], {
      strides,
      pad,
      dataFormat: 'NHWC',
    });
  assert.equal(isSameSizeStrideOne(info(1, 'same', 8)), true);
  assert.equal(isSameSizeStrideOne(info(1, 'valid', 6)), false);
  assert.equal(isSameSizeStrideOne(info(2, 'same', 4)), false);
});
