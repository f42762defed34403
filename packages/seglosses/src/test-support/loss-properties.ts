/**
 * The test skeleton every loss shares (STYLE.md habit 11): finite values and gradients for
 * logits of ±100, empty classes, all-background targets, all pixels ignored, gradients against
 * finite differences, a perfect prediction giving the documented minimum, int labels and one-hot
 * targets agreeing, and no tensor leaks — on every test backend.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createLoss } from '../index.js';
import type { LossExtras, LossFunction } from '../index.js';
import { seededRandom } from '../core/seeded-random.js';
import { testBackends, tf, useBackend } from './backends.js';
import { finiteDifferenceRelTol, finiteDifferenceStep } from './tolerances.js';

export { seededRandom };

export interface LossPropertyOptions {
  /** Options passed to createLoss for every property. */
  readonly options?: Record<string, unknown>;
  /** Number of channels of the test inputs (default 3; 1 means a sigmoid binary task). */
  readonly channels?: number;
  /** Value for a perfect prediction (logits ±`perfectLogit` on the true class). */
  readonly perfectValue: number;
  /** Absolute tolerance on `perfectValue` (default 1e-4). */
  readonly perfectTolerance?: number;
  /** Logit magnitude of the perfect prediction (default 20). */
  readonly perfectLogit?: number;
  /**
   * Why the all-ignored property does not apply, when the loss has no ignore index. Leave unset
   * for losses that support `ignoreIndex`: the suite then checks value 0 and a zero gradient.
   */
  readonly noIgnoreReason?: string;
  /** Extras (e.g. distance maps) built for a given target; receives int labels [B,H,W]. */
  readonly extras?: (labels: tf.Tensor3D, channels: number) => LossExtras;
  /** Image size of the generated inputs (default 8). */
  readonly size?: number;
}

/** Labels with a disk of class 1, a square of class 2 (when C > 2) on background 0. */
export function shapeLabels(batch: number, size: number, channels: number): Int32Array {
  const labels = new Int32Array(batch * size * size);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = (b * size + y) * size + x;
        const r = Math.hypot(y - size / 3 - b, x - size / 3);
        if (r < size / 4) labels[i] = 1;
        else if (channels > 2 && y >= (2 * size) / 3 - 1 && x >= size / 2) labels[i] = 2;
      }
    }
  }
  return labels;
}

function randomLogits(shape: number[], seed: number, scale = 1): tf.Tensor4D {
  const random = seededRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
  return tf.tensor4d(values, shape as [number, number, number, number]);
}

function perfectLogits(labels: tf.Tensor3D, channels: number, magnitude: number): tf.Tensor4D {
  return tf.tidy(() => {
    if (channels === 1) {
      const fg = tf.cast(tf.equal(labels, 1), 'float32');
      return tf.expandDims(tf.mul(tf.sub(tf.mul(fg, 2), 1), magnitude), 3) as tf.Tensor4D;
    }
    const oneHot = tf.cast(tf.oneHot(labels, channels), 'float32');
    return tf.mul(tf.sub(tf.mul(oneHot, 2), 1), magnitude) as tf.Tensor4D;
  });
}

function valueAndGradient(
  loss: LossFunction,
  yTrue: tf.Tensor,
  yPred: tf.Tensor4D,
  extras: LossExtras,
): { value: number; grad: Float32Array } {
  const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => loss(yTrue, p, extras) as tf.Scalar)(
    yPred,
  );
  const out = { value: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
  tf.dispose([value, grad]);
  return out;
}

function assertFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    assert.ok(Number.isFinite(values[i]), `${name}: entry ${i} is ${values[i]}`);
  }
}

/** Registers the shared property tests for one loss configuration. */
export function describeLossProperties(name: string, config: LossPropertyOptions): void {
  const channels = config.channels ?? 3;
  const size = config.size ?? 8;
  const batch = 2;
  const shape = [batch, size, size, channels];
  const options = config.options ?? {};
  const label = `${name} ${JSON.stringify(options)}`;

  for (const backend of testBackends) {
    describe(`${label} properties on ${backend}`, () => {
      let loss: LossFunction;
      let labels: tf.Tensor3D;
      let extras: LossExtras;
      before(async () => {
        await useBackend(backend);
        loss = createLoss(name, options);
        labels = tf.tensor3d(shapeLabels(batch, size, channels), [batch, size, size], 'int32');
        extras = config.extras?.(labels, channels) ?? {};
      });

      test('finite value and gradient for logits of ±100', () => {
        const logits = randomLogits(shape, 11, 100);
        const { value, grad } = valueAndGradient(loss, labels, logits, extras);
        assertFinite('value', [value]);
        assertFinite('gradient', grad);
        logits.dispose();
      });

      test('finite for a class absent from the target and for all-background targets', () => {
        const background = tf.zeros([batch, size, size], 'int32') as tf.Tensor3D;
        const bgExtras = config.extras?.(background, channels) ?? {};
        const logits = randomLogits(shape, 12, 3);
        const bg = valueAndGradient(loss, background, logits, bgExtras);
        assertFinite('all-background value', [bg.value]);
        assertFinite('all-background gradient', bg.grad);
        tf.dispose([background, logits, ...Object.values(bgExtras).filter(isTensor)]);
      });

      test('the gradient agrees with central finite differences', () => {
        const logits = randomLogits(shape, 13, 2);
        const { grad } = valueAndGradient(loss, labels, logits, extras);
        const flat = logits.dataSync().slice();
        const random = seededRandom(14);
        let largest = 0;
        for (const g of grad) largest = Math.max(largest, Math.abs(g));
        for (let k = 0; k < 12; k++) {
          const i = Math.floor(random() * flat.length);
          const at = (delta: number): number => {
            const moved = flat.slice();
            moved[i] += delta;
            return tf.tidy(() => {
              const p = tf.tensor4d(moved, shape as [number, number, number, number]);
              return (loss(labels, p, extras) as tf.Scalar).dataSync()[0];
            });
          };
          const h = finiteDifferenceStep;
          const numeric = (at(h) - at(-h)) / (2 * h);
          const error = Math.abs(numeric - grad[i]);
          assert.ok(
            error <= finiteDifferenceRelTol * Math.max(largest, 1e-3),
            `entry ${i}: analytic ${grad[i]}, numeric ${numeric}, largest ${largest}`,
          );
        }
        logits.dispose();
      });

      test(`a perfect prediction gives the documented minimum ${config.perfectValue}`, () => {
        const logits = perfectLogits(labels, channels, config.perfectLogit ?? 20);
        const { value, grad } = valueAndGradient(loss, labels, logits, extras);
        const tolerance = config.perfectTolerance ?? 1e-4;
        assert.ok(
          Math.abs(value - config.perfectValue) <= tolerance,
          `perfect prediction gave ${value}, documented ${config.perfectValue}`,
        );
        assertFinite('gradient', grad);
        logits.dispose();
      });

      test('int labels and one-hot targets give the same value and gradient', () => {
        const logits = randomLogits(shape, 15, 2);
        const oneHot = tf.tidy(() =>
          channels === 1
            ? tf.expandDims(tf.cast(tf.equal(labels, 1), 'float32'), 3)
            : tf.cast(tf.oneHot(labels, channels), 'float32'),
        );
        const fromInt = valueAndGradient(loss, labels, logits, extras);
        const fromOneHot = valueAndGradient(loss, oneHot, logits, extras);
        assert.ok(
          Math.abs(fromInt.value - fromOneHot.value) <= 1e-6 * Math.abs(fromInt.value) + 1e-7,
        );
        for (let i = 0; i < fromInt.grad.length; i++) {
          assert.ok(Math.abs(fromInt.grad[i] - fromOneHot.grad[i]) <= 1e-6, `gradient entry ${i}`);
        }
        tf.dispose([logits, oneHot]);
      });

      if (config.noIgnoreReason === undefined) {
        test('all pixels ignored: value 0 and a zero gradient', () => {
          const ignored = tf.fill([batch, size, size], 255, 'int32') as tf.Tensor3D;
          const ignoredExtras = config.extras?.(ignored, channels) ?? {};
          const logits = randomLogits(shape, 16, 3);
          const { value, grad } = valueAndGradient(loss, ignored, logits, ignoredExtras);
          assert.ok(value === 0, `value ${value}`);
          assert.ok(
            grad.every((g) => g === 0),
            'gradient is not zero',
          );
          tf.dispose([ignored, logits, ...Object.values(ignoredExtras).filter(isTensor)]);
        });
      } else {
        test(`all pixels ignored: not applicable (${config.noIgnoreReason})`, () => {
          assert.ok(!('ignoreIndex' in loss.options), 'the loss has ignoreIndex: test it');
        });
      }

      test('leaves tf.memory().numTensors unchanged', () => {
        const logits = randomLogits(shape, 17, 2);
        const before = tf.memory().numTensors;
        const value = loss(labels, logits, extras);
        value.dispose();
        const { value: v, grad } = tf.valueAndGrad(
          (p: tf.Tensor) => loss(labels, p, extras) as tf.Scalar,
        )(logits);
        tf.dispose([v, grad]);
        assert.equal(tf.memory().numTensors, before);
        logits.dispose();
      });
    });
  }
}

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}
