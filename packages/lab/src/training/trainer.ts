/**
 * Trains a segmentation model with one loss: seeded mini-batches with light augmentation,
 * AdamW driven by the one-cycle schedule, and per-epoch mean training loss. Deterministic for a
 * given backend and seed.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossFunction } from 'seglosses';

import type { UNet } from '../models/unet.js';
import { createRandom } from '../util/random.js';
import { AdamW } from './adamw.js';
import { augmentSquare } from './augment.js';
import { oneCycleLr } from './one-cycle.js';

/** One 2-D training example: a single-channel image and its label map, both H×W row-major. */
export interface Example {
  readonly image: Float32Array;
  readonly label: Uint8Array;
}

export interface TrainingOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly maxLr: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly augment: boolean;
}

export interface StepReport {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number;
  readonly lr: number;
  /** Current weights of a combined loss's terms (empty for a single loss). */
  readonly lossWeights: number[];
}

export interface TrainingResult {
  /** Mean training loss of each epoch. */
  readonly epochLosses: number[];
  readonly seconds: number;
  readonly steps: number;
}

function stepsPerEpoch(count: number, batchSize: number): number {
  // A trailing batch of one is dropped: batch normalisation needs two samples.
  const full = Math.floor(count / batchSize);
  return count % batchSize >= 2 ? full + 1 : Math.max(full, 1);
}

/** Trains `model` in place on square examples of side `size`. */
export function trainModel(
  model: UNet,
  loss: LossFunction,
  examples: readonly Example[],
  size: number,
  options: TrainingOptions,
  onStep?: (report: StepReport) => void,
): TrainingResult {
  if (examples.length < 2)
    throw new Error(`train: need at least 2 examples, got ${examples.length}`);
  const random = createRandom(options.seed);
  const optimizer = new AdamW({
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    weightDecay: options.weightDecay,
  });
  const variables = [...model.trainable.values(), ...loss.trainableVariables];
  const perEpoch = stepsPerEpoch(examples.length, options.batchSize);
  const totalSteps = perEpoch * options.epochs;
  const pixels = size * size;
  const epochLosses: number[] = [];
  const started = performance.now();
  let step = 0;
  const weightsOf = (s: number): number[] =>
    'weightsAt' in loss && typeof loss.weightsAt === 'function' ? loss.weightsAt(s) : [];

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = random.shuffle(examples.map((_, i) => i));
    let sum = 0;
    for (let s = 0; s < perEpoch; s++) {
      const batchIndices = order.slice(s * options.batchSize, (s + 1) * options.batchSize);
      const n = batchIndices.length;
      const images = new Float32Array(n * pixels);
      const labels = new Int32Array(n * pixels);
      const scratchImage = new Float32Array(pixels);
      const scratchLabel = new Uint8Array(pixels);
      batchIndices.forEach((index, b) => {
        const example = examples[index];
        if (options.augment) {
          augmentSquare(example.image, example.label, size, random, scratchImage, scratchLabel);
          images.set(scratchImage, b * pixels);
          labels.set(scratchLabel, b * pixels);
        } else {
          images.set(example.image, b * pixels);
          labels.set(example.label, b * pixels);
        }
      });
      const lr = oneCycleLr(step, { maxLr: options.maxLr, totalSteps });
      const value = tf.tidy(() => {
        const x = tf.tensor4d(images, [n, size, size, 1]);
        const y = tf.tensor3d(labels, [n, size, size], 'int32');
        const { value: lossValue, grads } = tf.variableGrads(
          () => loss(y, model.apply(x, true), { step }) as tf.Scalar,
          variables,
        );
        optimizer.apply(grads, variables, lr);
        return lossValue.dataSync()[0];
      });
      sum += value;
      onStep?.({
        epoch,
        epochs: options.epochs,
        step,
        totalSteps,
        loss: value,
        lr,
        lossWeights: weightsOf(step),
      });
      step++;
    }
    epochLosses.push(sum / perEpoch);
  }
  optimizer.dispose();
  return { epochLosses, seconds: (performance.now() - started) / 1000, steps: step };
}

/** Predicted label maps (argmax of the logits) for images, in batches. */
export function predictLabels(
  model: UNet,
  images: readonly Float32Array[],
  size: number,
  batchSize = 16,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const pixels = size * size;
  for (let start = 0; start < images.length; start += batchSize) {
    const chunk = images.slice(start, start + batchSize);
    const flat = new Float32Array(chunk.length * pixels);
    chunk.forEach((img, i) => flat.set(img, i * pixels));
    const labels = tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(flat, [chunk.length, size, size, 1]), false);
      return tf.argMax(logits, 3).dataSync();
    });
    chunk.forEach((_, i) =>
      out.push(Uint8Array.from(labels.subarray(i * pixels, (i + 1) * pixels))),
    );
  }
  return out;
}
