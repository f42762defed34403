import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createLoss, lossFromExpression } from 'seglosses';
import type { LossFunction, TargetMap } from 'seglosses';

import { initBackend } from '../backend/backend.js';
import { UNet } from '../models/unet.js';
import type { Example } from './trainer.js';
import { predictLabels, trainModel } from './trainer.js';

before(() => initBackend('wasm'));

const size = 8;
/** A learnable toy task: class 1 where the image is bright, class 2 in a corner square. */
function toyExamples(count: number): Example[] {
  return Array.from({ length: count }, (_, n) => {
    const image = new Float32Array(size * size);
    const label = new Uint8Array(size * size);
    for (let i = 0; i < size * size; i++) {
      const y = Math.floor(i / size);
      const x = i % size;
      const bright = (x + y + n) % 3 === 0;
      image[i] = bright ? 1 : 0;
      label[i] = y < 3 && x < 3 ? 2 : bright ? 1 : 0;
      if (label[i] === 2) image[i] = -1;
    }
    return { image, label };
  });
}

const options = { epochs: 3, batchSize: 4, maxLr: 1e-2, weightDecay: 1e-4, seed: 5, augment: true };
const modelConfig = { inChannels: 1, numClasses: 3, baseChannels: 4, depth: 2, seed: 2 };

test('trainer: a training run leaves tf.memory().numTensors unchanged', () => {
  const model = new UNet(modelConfig);
  const loss = lossFromExpression('cross-entropy+dice');
  const before = tf.memory().numTensors;
  trainModel(model, loss, toyExamples(8), size, { ...options, epochs: 1 });
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  loss.dispose();
});

test('trainer: the same seed gives the same losses; the loss falls on a learnable task', () => {
  const run = () => {
    const model = new UNet(modelConfig);
    const loss = createLoss('cross-entropy');
    const result = trainModel(model, loss, toyExamples(8), size, { ...options, epochs: 12 });
    model.dispose();
    return result.epochLosses;
  };
  const a = run();
  const b = run();
  assert.deepEqual(a, b);
  assert.ok(a[a.length - 1] < 0.6 * a[0], `losses ${a.map((v) => v.toFixed(3)).join(' ')}`);
});

test('trainer: step reports carry the schedule and a combined loss’s weights', () => {
  const model = new UNet(modelConfig);
  const loss = lossFromExpression('0.5*cross-entropy+dice');
  const reports: { step: number; lr: number; lossWeights: number[] }[] = [];
  trainModel(model, loss, toyExamples(8), size, { ...options, epochs: 2 }, (r) => reports.push(r));
  assert.deepEqual(
    reports.map((r) => r.step),
    [0, 1, 2, 3],
  );
  assert.deepEqual(reports[0].lossWeights, [0.5, 1]);
  assert.ok(Math.abs(reports[0].lr - 1e-2 / 25) < 1e-12);
  model.dispose();
  loss.dispose();
});

test('trainer: target maps reach the loss augmented like the labels, and heads are fed', () => {
  // A fake loss that needs a head and a target map equal to the one-hot label: it checks that
  // the map arrives permuted exactly like the labels.
  const map: TargetMap = {
    name: 'labelCopy',
    channels: 1,
    compute: (labels) => Float32Array.from(labels),
  };
  let checked = 0;
  const inner = createLoss('cross-entropy');
  const fake = Object.assign(
    (yTrue: tf.Tensor, yPred: tf.Tensor, extras: Record<string, unknown> = {}) => {
      const copy = extras.labelCopy as tf.Tensor4D;
      const head = extras.aux as tf.Tensor4D;
      assert.deepEqual(head.shape.slice(3), [2]);
      const same = tf.tidy(
        () => tf.all(tf.equal(tf.squeeze(copy, [3]), tf.cast(yTrue, 'float32'))).dataSync()[0],
      );
      assert.equal(same, 1);
      checked++;
      return tf.add(inner(yTrue, yPred), tf.mul(tf.mean(head), 0));
    },
    {
      ...inner,
      lossName: 'fake',
      needs: ['aux', 'labelCopy'],
      heads: () => [{ name: 'aux', channels: 2, doc: 'test head' }],
      targetMaps: [map],
      trainableVariables: [],
      dispose: () => inner.dispose(),
    },
  ) as unknown as LossFunction;
  const model = new UNet({ ...modelConfig, heads: fake.heads(3) });
  trainModel(model, fake, toyExamples(8), size, { ...options, epochs: 1 });
  assert.equal(checked, 2);
  model.dispose();
  inner.dispose();
});

test('trainer: predictions are label maps of the image size', () => {
  const model = new UNet(modelConfig);
  const examples = toyExamples(3);
  const predictions = predictLabels(
    model,
    examples.map((e) => e.image),
    size,
    2,
  );
  assert.equal(predictions.length, 3);
  assert.ok(predictions.every((p) => p.length === size * size && p.every((v) => v < 3)));
  model.dispose();
});

test('trainer: a loss with a learnable parameter (robust-t ν) trains it', () => {
  const model = new UNet(modelConfig);
  const loss = createLoss('robust-t', { includeBackground: true });
  const [nu] = loss.trainableVariables;
  const start = nu.dataSync()[0];
  trainModel(model, loss, toyExamples(8), size, { ...options, epochs: 2 });
  assert.notEqual(nu.dataSync()[0], start);
  model.dispose();
  loss.dispose();
});
