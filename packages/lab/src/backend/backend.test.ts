import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { initBackend, type BackendName } from './backend.js';
import { wasmConv2DBackpropFilter } from './wasm-conv-backprop-filter.js';

test('initBackend defaults to wasm and registers the training kernels', async () => {
  await initBackend();
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm').kernelFunc, wasmConv2DBackpropFilter);
});

test('initBackend switches to cpu and back', async () => {
  await initBackend('cpu');
  assert.equal(tf.getBackend(), 'cpu');
  await initBackend('wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('initBackend rejects an unknown backend name with the valid ones', async () => {
  await assert.rejects(
    initBackend('webgl' as BackendName),
    /^Error: initBackend: backend must be one of wasm, cpu, got 'webgl'$/,
  );
});
