/**
 * Trains a segmentation model with one loss: seeded mini-batches with light augmentation,
 * AdamW driven by the one-cycle schedule, and per-epoch mean training loss. Deterministic for a
 * given backend and seed.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossFunction, TargetMap } from 'seglosses';

import type { UNet } from '../models/unet.js';
import { createRandom } from '../util/random.js';
import { AdamW, defaultAdamW } from './adamw.js';
import { augmentationIndex, permutePixels, randomAugmentation } from './augment.js';
import { oneCycleLr } from './one-cycle.js';

/** One 2-D training example: a single-channel image and its label map, both H×W row-major. */
export interface Example {
  readonly image: Float32Array;
  readonly label: Uint8Array;
  /** `[dy, dx]` in mm (default 1), for target maps such as distance maps. */
  readonly spacing?: readonly [number, number];
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

/**
 * The target-only maps a loss asks for (distance maps and the like), computed once per example
 * and reused every epoch: `maps[m][e]` is map m of example e, `[H,W,channels]`.
 */
function cacheTargetMaps(
  loss: LossFunction,
  examples: readonly Example[],
  size: number,
  numClasses: number,
): { map: TargetMap; channels: number; values: Float32Array[] }[] {
  return loss.targetMaps.map((map) => ({
    map,
    // 0 channels means one per class.
    channels: map.channels === 0 ? numClasses : map.channels,
    values: examples.map((e) => map.compute(e.label, size, size, numClasses, e.spacing)),
  }));
}

/** The weights of a combined loss at a step, or [] for a single loss. */
export function lossWeightsAt(loss: LossFunction, step: number): number[] {
  return 'weightsAt' in loss && typeof loss.weightsAt === 'function'
    ? (loss.weightsAt(step) as number[])
    : [];
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
  if (examples.length < 2) {
    throw new Error(`train: examples must number at least 2, got ${examples.length}`);
  }
  const random = createRandom(options.seed);
  const optimizer = new AdamW({ ...defaultAdamW, weightDecay: options.weightDecay });
  const variables = [...model.trainable.values(), ...loss.trainableVariables];
  const perEpoch = stepsPerEpoch(examples.length, options.batchSize);
  const totalSteps = perEpoch * options.epochs;
  const pixels = size * size;
  const cached = cacheTargetMaps(loss, examples, size, model.config.numClasses);
  const identity = augmentationIndex(size, 0, false, false);
  const epochLosses: number[] = [];
  const started = performance.now();
  let step = 0;

  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = random.shuffle(examples.map((_, i) => i));
      let sum = 0;
      for (let s = 0; s < perEpoch; s++) {
        const batch = order.slice(s * options.batchSize, (s + 1) * options.batchSize);
        const n = batch.length;
        const images = new Float32Array(n * pixels);
        const labels = new Int32Array(n * pixels);
        const maps = cached.map((c) => new Float32Array(n * pixels * c.channels));
        batch.forEach((e, b) => {
          const index = options.augment ? randomAugmentation(size, random) : identity;
          permutePixels(examples[e].image, index, 1, images, b * pixels);
          const label = Int32Array.from(examples[e].label);
          permutePixels(label, index, 1, labels, b * pixels);
          cached.forEach((c, m) => {
            const k = c.channels;
            permutePixels(c.values[e], index, k, maps[m], b * pixels * k);
          });
        });
        const lr = oneCycleLr(step, { maxLr: options.maxLr, totalSteps });
        const value = tf.tidy(() => {
          const x = tf.tensor4d(images, [n, size, size, 1]);
          const y = tf.tensor3d(labels, [n, size, size], 'int32');
          const mapExtras: Record<string, tf.Tensor> = {};
          cached.forEach((c, m) => {
            mapExtras[c.map.name] = tf.tensor4d(maps[m], [n, size, size, c.channels]);
          });
          const { value: lossValue, grads } = tf.variableGrads(() => {
            const { logits, heads } = model.applyWithHeads(x, true);
            return loss(y, logits, { step, ...mapExtras, ...heads }) as tf.Scalar;
          }, variables);
          optimizer.apply(grads, variables, lr);
          return lossValue.dataSync()[0];
        });
        if (!Number.isFinite(value)) {
          throw new Error(`train: loss ${loss.lossName} became ${value} at step ${step}`);
        }
        sum += value;
        const lossWeights = lossWeightsAt(loss, step);
        onStep?.({ epoch, epochs: options.epochs, step, totalSteps, loss: value, lr, lossWeights });
        step++;
      }
      epochLosses.push(sum / perEpoch);
    }
  } finally {
    optimizer.dispose();
  }
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
