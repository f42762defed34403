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

interface ResizeCase {
  name: string;
  xShape: [number, number, number, number];
  size: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

const resizeCases: readonly ResizeCase[] = [
  {
    name: '2× (UpSampling2D), batch 2 (fast path)',
    xShape: [2, 4, 5, 3],
    size: [8, 10],
    alignCorners: false,
    halfPixelCenters: false,
  },
  {
    name: '4× by 2×, half-pixel centres (fast path)',
    xShape: [1, 3, 4, 2],
    size: [12, 8],
    alignCorners: false,
    halfPixelCenters: true,
  },
  {
    name: '1× (identity, fast path)',
    xShape: [1, 3, 4, 2],
    size: [3, 4],
    alignCorners: false,
    halfPixelCenters: false,
  },
  {
    name: '3× (built-in)',
    xShape: [1, 3, 4, 2],
    size: [9, 12],
    alignCorners: false,
    halfPixelCenters: false,
  },
  {
    name: '2× with aligned corners (built-in)',
    xShape: [2, 4, 4, 2],
    size: [8, 8],
    alignCorners: true,
    halfPixelCenters: false,
  },
];

/** The input row (or column) that output index `out` copies, as the forward resize maps it. */
function nearestSource(out: number, inSize: number, outSize: number, c: ResizeCase): number {
  const aligned = c.alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  const frac = c.halfPixelCenters ? ratio * (out + 0.5) : ratio * out;
  const source = Math.min(inSize - 1, c.alignCorners ? Math.round(frac) : Math.floor(frac));
  return c.halfPixelCenters ? Math.max(0, source) : source;
}

/**
 * The gradient by hand: each dy pixel added to the input pixel it was copied from. (The cpu
 * backend is no oracle here: its ResizeNearestNeighborGrad offsets dy by the input's batch
 * stride, so every image after the first receives the wrong rows.)
 */
function blockSumGradient(dy: Float32Array, c: ResizeCase): Float32Array {
  const [batch, inHeight, inWidth, channels] = c.xShape;
  const [outHeight, outWidth] = c.size;
  const dx = new Float32Array(batch * inHeight * inWidth * channels);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outHeight; r++) {
      const i = nearestSource(r, inHeight, outHeight, c);
      for (let q = 0; q < outWidth; q++) {
        const j = nearestSource(q, inWidth, outWidth, c);
        for (let ch = 0; ch < channels; ch++) {
          const from = ((b * outHeight + r) * outWidth + q) * channels + ch;
          dx[((b * inHeight + i) * inWidth + j) * channels + ch] += dy[from];
        }
      }
    }
  }
  return dx;
}

for (const c of resizeCases) {
  test(`resizeNearestNeighbor matches cpu and its gradient the block sum: ${c.name}`, async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      readAll(() => {
        const x = seededNormal(c.xShape, 1);
        const weights = seededNormal([c.xShape[0], ...c.size, c.xShape[3]], 2);
        const resized = (a: tf.Tensor): tf.Tensor =>
          tf.image.resizeNearestNeighbor(
            a as tf.Tensor4D,
            c.size,
            c.alignCorners,
            c.halfPixelCenters,
          );
        return [resized(x), weights, tf.grad((a: tf.Tensor) => resized(a).mul(weights).sum())(x)];
      }),
    );
    assert.deepEqual(wasm[0], cpu[0]);
    const expected = blockSumGradient(wasm[1], c);
    const error = relativeMaxError(wasm[2], expected);
    assert.ok(error <= crossBackendRelTol, `relative error ${error}`);
  });
}

test('resizeNearestNeighbor gradient on wasm leaves tensors and buffers unchanged', async () => {
  await initBackend('wasm');
  const x = seededNormal([2, 4, 4, 3], 3) as tf.Tensor4D;
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = backendDataIds();
  tf.grad((a: tf.Tensor) => tf.image.resizeNearestNeighbor(a as tf.Tensor4D, [8, 8]).sum())(
    x,
  ).dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(backendDataIds(), buffersBefore);
  x.dispose();
});
