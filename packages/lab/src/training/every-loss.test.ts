/**
 * Every registered loss trains a UNet in the lab: heads and target maps it declares are built and
 * fed, the loss stays finite, and nothing leaks.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createLoss, listLosses } from 'seglosses';

import { initBackend } from '../backend/backend.js';
import { UNet } from '../models/unet.js';
import type { Example } from './trainer.js';
import { trainModel } from './trainer.js';

before(() => initBackend('wasm'));

const size = 32;
const examples: Example[] = Array.from({ length: 4 }, (_, n) => {
  const image = new Float32Array(size * size);
  const label = new Uint8Array(size * size);
  for (let i = 0; i < size * size; i++) {
    const y = Math.floor(i / size);
    const x = i % size;
    const inDisk = Math.hypot(y - 12 - n, x - 14) < 7;
    const inBox = y > 20 && x > 18 && x < 28;
    label[i] = inDisk ? 1 : inBox ? 2 : 0;
    image[i] = label[i] + 0.1 * Math.sin(i);
  }
  return { image, label, spacing: [1, 1] };
});

for (const { name } of listLosses()) {
  test(`${name} trains a UNet in the lab`, () => {
    const loss = createLoss(name);
    const model = new UNet({
      inChannels: 1,
      numClasses: 3,
      baseChannels: 4,
      depth: 2,
      seed: 1,
      heads: loss.heads(3),
    });
    const before = tf.memory().numTensors;
    const result = trainModel(model, loss, examples, size, {
      epochs: 1,
      batchSize: 2,
      maxLr: 1e-3,
      weightDecay: 0,
      seed: 1,
      augment: true,
    });
    assert.equal(result.steps, 2);
    assert.ok(result.epochLosses.every(Number.isFinite), `${name}: ${result.epochLosses}`);
    assert.equal(tf.memory().numTensors, before, `${name} leaked tensors`);
    model.dispose();
    loss.dispose();
  });
}
