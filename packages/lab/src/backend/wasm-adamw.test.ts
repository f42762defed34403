import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { AdamW } from '../training/adamw.js';
import { initBackend } from './backend.js';
import { seededNormal } from './test-support/conv-cases.js';
import {
  backendDataIds,
  crossBackendRelTol,
  onCpuAndWasm,
  relativeMaxError,
} from './test-support/cross-backend.js';

/** Three AdamW steps on two variables with seeded gradients; the final weights, flat. */
function threeSteps(): Float32Array[] {
  const shapes = [
    [3, 3, 2, 4],
    [4, 1],
  ];
  const variables = shapes.map((shape, i) =>
    tf.variable(seededNormal(shape, 10 + i), true, `adamw-wasm-${tf.getBackend()}-${i}`),
  );
  const optimizer = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05 });
  for (let step = 0; step < 3; step++) {
    const grads: tf.NamedTensorMap = {};
    variables.forEach((v, i) => (grads[v.name] = seededNormal(v.shape, 100 * (step + 1) + i)));
    optimizer.apply(grads, variables, 0.01 * (step + 1));
    tf.dispose(Object.values(grads));
  }
  const out = variables.map((v) => Float32Array.from(v.dataSync()));
  optimizer.dispose();
  tf.dispose(variables);
  return out;
}

test('LabAdamW on wasm matches the composed AdamW on cpu over three steps', async () => {
  const { cpu, wasm } = await onCpuAndWasm(threeSteps);
  cpu.forEach((expected, i) => {
    const error = relativeMaxError(wasm[i], expected);
    assert.ok(error <= crossBackendRelTol, `variable ${i}: relative error ${error}`);
  });
});

test('AdamW takes the LabAdamW kernel on wasm', async () => {
  await initBackend('wasm');
  const theta = tf.variable(tf.ones([5]), true, 'adamw-wasm-kernel');
  const optimizer = new AdamW();
  const g = tf.ones([5]);
  const info = await tf.profile(() => optimizer.apply({ [theta.name]: g }, [theta], 0.1));
  // ZerosLike creates the moments on the first step; the update itself is one kernel.
  const kernels = info.kernels.map((k) => k.name).filter((name) => name !== 'ZerosLike');
  assert.deepEqual(kernels, ['LabAdamW']);
  optimizer.dispose();
  tf.dispose([theta, g]);
});

test('LabAdamW leaves no tensor or buffer behind', async () => {
  await initBackend('wasm');
  const theta = tf.variable(tf.ones([5]), true, 'adamw-wasm-leak');
  const g = tf.ones([5]);
  const run = () => {
    const optimizer = new AdamW();
    optimizer.apply({ [theta.name]: g }, [theta], 0.1);
    optimizer.apply({ [theta.name]: g }, [theta], 0.1);
    optimizer.dispose();
  };
  run(); // the first run creates the backend's cached constants
  const tensors = tf.memory().numTensors;
  const buffers = backendDataIds();
  run();
  g.dispose();
  assert.equal(tf.memory().numTensors, tensors - 1);
  assert.equal(backendDataIds(), buffers - 1);
  theta.dispose();
});

test('LabAdamW rejects a gradient of another shape', async () => {
  await initBackend('wasm');
  const theta = tf.ones([3]);
  const wrong = tf.ones([2]);
  assert.throws(
    () =>
      tf
        .engine()
        .runKernel('LabAdamW', { variable: theta, gradient: wrong, m: theta, v: theta }, {}),
    /LabAdamW \(wasm\): gradient must be float32 \[3\] like the variable, got float32 \[2\]/,
  );
  tf.dispose([theta, wrong]);
});
