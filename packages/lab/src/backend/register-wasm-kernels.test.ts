import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from './backend.js';
import { registerWasmTrainingKernels } from './register-wasm-kernels.js';
import { wasmConv2DBackpropFilter } from './wasm-conv-backprop-filter.js';
import { wasmConv2DBackpropInput } from './wasm-conv-backprop-input.js';
import { seededNormal } from './test-support/conv-cases.js';
import { onCpuAndWasm } from './test-support/cross-backend.js';

test('registerWasmTrainingKernels installs every kernel and is idempotent', () => {
  const names = ['Tile', 'MaxPoolGrad', 'ResizeNearestNeighborGrad', 'Identity'];
  registerWasmTrainingKernels();
  const first = names.map((name) => tf.getKernel(name, 'wasm').kernelFunc);
  registerWasmTrainingKernels();
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm').kernelFunc, wasmConv2DBackpropFilter);
  assert.equal(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc, wasmConv2DBackpropInput);
  assert.deepEqual(
    names.map((name) => tf.getKernel(name, 'wasm').kernelFunc),
    first,
  );
});

/**
 * A tiny encoder–decoder with every convolution kind of a UNet: 3×3 'same', 2×2 stride-2 down,
 * 2×2 stride-2 transposed up, 1×1 head. Weights are seeded, so cpu and wasm start identical.
 */
function tinyModel(): tf.LayersModel {
  let seed = 10;
  const init = (): ReturnType<typeof tf.initializers.glorotUniform> =>
    tf.initializers.glorotUniform({ seed: seed++ });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 2],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
      }),
      tf.layers.conv2d({ filters: 6, kernelSize: 2, strides: 2, kernelInitializer: init() }),
      tf.layers.conv2dTranspose({
        filters: 4,
        kernelSize: 2,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
      }),
      tf.layers.conv2d({
        filters: 1,
        kernelSize: 1,
        activation: 'sigmoid',
        kernelInitializer: init(),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
  return model;
}

/** Losses of `steps` full-batch Adam steps on a seeded toy task (foreground where x₀ > 0). */
async function trainLosses(steps: number): Promise<number[]> {
  const model = tinyModel();
  const x = seededNormal([4, 8, 8, 2], 21);
  const y = tf.tidy(() => tf.cast(tf.greater(x.slice([0, 0, 0, 0], [4, 8, 8, 1]), 0), 'float32'));
  const history = await model.fit(x, y, {
    epochs: steps,
    batchSize: 4,
    shuffle: false,
    verbose: 0,
  });
  tf.dispose([x, y]);
  model.dispose();
  return history.history.loss.map(Number);
}

test('a tiny conv/conv-transpose model trains on wasm and its first loss matches cpu', async () => {
  const steps = 8;
  await initBackend('cpu');
  const cpu = await trainLosses(steps);
  await initBackend('wasm');
  const wasm = await trainLosses(steps);
  // The first loss is computed before any update: identical weights, float32 forward passes.
  assert.ok(Math.abs(wasm[0] - cpu[0]) <= 1e-5 * Math.abs(cpu[0]), `${wasm[0]} vs ${cpu[0]}`);
  // After the updates the backends follow the same trajectory up to float32 drift.
  assert.ok(Math.abs(wasm[steps - 1] - cpu[steps - 1]) <= 1e-3, `${wasm} vs ${cpu}`);
  assert.ok(wasm[steps - 1] < wasm[0] * 0.9, `loss must decrease by 10 %, got ${wasm}`);
});

test('onCpuAndWasm leaves the wasm backend active', async () => {
  await onCpuAndWasm(() => 0);
  assert.equal(tf.getBackend(), 'wasm');
});
