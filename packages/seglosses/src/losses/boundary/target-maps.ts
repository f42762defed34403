/**
 * Target-only maps of the boundary losses (distance maps and the like), computed on the CPU.
 * Either the caller computes them once per example through `TargetMap.compute` and passes the
 * batch back as `extras[name]`, or the loss computes them from the target it receives (one sync
 * read per call). Both paths go through `labelsOf…` → `mapChannels`, so they agree exactly.
 *
 * Labels are normalised first: one int per pixel, −1 where the pixel belongs to no class (the
 * ignore index, a label outside 0..K−1, or a one-hot row without an entry above 0.5). With one
 * channel (sigmoid, binary) the channel is the foreground, label 1, and every other valid label
 * is background 0.
 */
import * as tf from '@tensorflow/tfjs-core';

import { describe, fail } from '../../core/errors.js';
import type { PreparedInput } from '../prepare.js';
import type { LossExtras, TargetMap } from '../types.js';
import type { Spacing2 } from './boundary-options.js';

/** A map of one binary mask (row-major `[height, width]`, 1 = member), of the same size. */
export type MaskMap = (
  mask: Uint8Array,
  height: number,
  width: number,
  spacing: Spacing2,
) => ArrayLike<number>;

/** Normalised labels of int labels for a model with `channels` output channels. */
export function labelsOfIndices(
  labels: ArrayLike<number>,
  channels: number,
  ignoreIndex: number | null,
): Int32Array {
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === ignoreIndex) out[i] = -1;
    else if (channels === 1) out[i] = label === 1 ? 1 : 0;
    else out[i] = label >= 0 && label < channels ? label : -1;
  }
  return out;
}

/** Normalised labels of a prepared input's target, `[B·H·W]` (one sync read). */
export function labelsOfTarget(input: PreparedInput): Int32Array {
  const channels = input.numClasses;
  const target = tf.mul(input.target, input.valid).dataSync();
  const valid = input.valid.dataSync();
  const out = new Int32Array(valid.length);
  for (let i = 0; i < valid.length; i++) {
    if (valid[i] === 0) {
      out[i] = -1;
    } else if (channels === 1) {
      out[i] = target[i] > 0.5 ? 1 : 0;
    } else {
      out[i] = -1;
      for (let c = 0; c < channels; c++) if (target[i * channels + c] > 0.5) out[i] = c;
    }
  }
  return out;
}

/** The label whose mask channel `k` of a `channels`-channel model holds. */
export function channelLabel(k: number, channels: number): number {
  return channels === 1 ? 1 : k;
}

/**
 * Applies `map` to the mask of every image `b` and channel `k` of a batch `[B,H,W]`;
 * `fillMask(b, k, mask)` writes the mask. Returns float32 `[B,H,W,K]`, row-major.
 */
export function mapChannels(
  [batch, height, width]: readonly number[],
  channels: number,
  fillMask: (b: number, k: number, mask: Uint8Array) => void,
  map: MaskMap,
  spacing: Spacing2,
): Float32Array {
  const area = height * width;
  const out = new Float32Array(batch * area * channels);
  const mask = new Uint8Array(area);
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < channels; k++) {
      fillMask(b, k, mask);
      const values = map(mask, height, width, spacing);
      for (let i = 0; i < area; i++) out[(b * area + i) * channels + k] = values[i];
    }
  }
  return out;
}

/** `map` applied to the class masks of normalised labels `[B·H·W]`: float32 `[B,H,W,K]`. */
export function classMaps(
  labels: Int32Array,
  shape: readonly number[],
  channels: number,
  map: MaskMap,
  spacing: Spacing2,
): Float32Array {
  const area = shape[1] * shape[2];
  const fill = (b: number, k: number, mask: Uint8Array): void => {
    const label = channelLabel(k, channels);
    for (let i = 0; i < area; i++) mask[i] = labels[b * area + i] === label ? 1 : 0;
  };
  return mapChannels(shape, channels, fill, map, spacing);
}

/**
 * A cacheable map with one channel per class (`channels: 0`): `map` of each class mask of the
 * label image. Spacing: the loss's `spacing` option when set, else the caller's, else 1 × 1.
 */
export function classTargetMap(
  name: string,
  ignoreIndex: number | null,
  spacing: Spacing2 | null,
  map: MaskMap,
): TargetMap {
  return {
    name,
    channels: 0,
    compute(labels, height, width, numClasses, given) {
      const normalised = labelsOfIndices(labels, numClasses, ignoreIndex);
      const step: Spacing2 = spacing ?? (given !== undefined ? [given[0], given[1]] : [1, 1]);
      return classMaps(normalised, [1, height, width], numClasses, map, step);
    },
  };
}

/**
 * `extras[name]` when present, checked to be float32 `[B,H,W,channels]`; otherwise the map
 * computed by `compute()` (flat float32 `[B,H,W,channels]`).
 */
export function targetMapTensor(
  who: string,
  name: string,
  extras: LossExtras,
  input: PreparedInput,
  channels: number,
  compute: () => Float32Array,
): tf.Tensor4D {
  const [b, h, w] = input.yPred.shape;
  const given = extras[name];
  if (given === undefined) return tf.tensor4d(compute(), [b, h, w, channels]);
  const expected = [b, h, w, channels];
  const ok =
    given instanceof tf.Tensor &&
    given.dtype === 'float32' &&
    given.rank === 4 &&
    given.shape.every((d, i) => d === expected[i]);
  if (!ok) {
    const got =
      given instanceof tf.Tensor ? `${given.dtype} [${given.shape.join(',')}]` : describe(given);
    fail(who, `extras.${name}`, `float32 [${expected.join(',')}]`, got);
  }
  return given as tf.Tensor4D;
}
