/**
 * Named convolution geometries shared by the backprop-kernel tests: each exercises one branch of
 * the kernels (block matrix products in both orientations, sub-pixel phases with equal and
 * unequal offsets, filters smaller than the stride, cropped negative padding, rectangular
 * filters and strides, even filters, batch 1 and > 1).
 */
import * as tf from '@tensorflow/tfjs';

export type Shape4D = [number, number, number, number];
export type ConvPad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

export interface ConvCase {
  name: string;
  /** x: [B, H, W, C]. */
  xShape: Shape4D;
  /** W: [fh, fw, C, O]. */
  filterShape: Shape4D;
  strides: number | [number, number];
  pad: ConvPad;
}

export const convCases: readonly ConvCase[] = [
  {
    name: '3×3 s1 same, batch 2',
    xShape: [2, 9, 8, 3],
    filterShape: [3, 3, 3, 4],
    strides: 1,
    pad: 'same',
  },
  {
    name: '3×3 s1 valid, batch 1',
    xShape: [1, 7, 9, 2],
    filterShape: [3, 3, 2, 5],
    strides: 1,
    pad: 'valid',
  },
  {
    name: '3×3 s2 same, odd size',
    xShape: [2, 9, 7, 3],
    filterShape: [3, 3, 3, 4],
    strides: 2,
    pad: 'same',
  },
  {
    name: '3×3 s2 valid, unread last row',
    xShape: [2, 10, 9, 3],
    filterShape: [3, 3, 3, 2],
    strides: 2,
    pad: 'valid',
  },
  {
    name: '1×1 s1 same (block)',
    xShape: [3, 5, 6, 4],
    filterShape: [1, 1, 4, 2],
    strides: 1,
    pad: 'same',
  },
  {
    name: '1×1 s2 valid (filter smaller than stride)',
    xShape: [2, 7, 6, 3],
    filterShape: [1, 1, 3, 2],
    strides: 2,
    pad: 'valid',
  },
  {
    name: '2×2 s2 valid (block), batch 2',
    xShape: [2, 8, 6, 3],
    filterShape: [2, 2, 3, 4],
    strides: 2,
    pad: 'valid',
  },
  {
    name: '1×1 s1, more outputs than inputs (block, dW as dyᵀ·x)',
    xShape: [2, 4, 5, 2],
    filterShape: [1, 1, 2, 5],
    strides: 1,
    pad: 'valid',
  },
  {
    name: '2×2 s2 valid, O > fh·fw·C (block, dW as dyᵀ·x)',
    xShape: [2, 6, 8, 1],
    filterShape: [2, 2, 1, 6],
    strides: 2,
    pad: 'valid',
  },
  {
    name: '2×2 s2 same, odd size (not a block)',
    xShape: [1, 7, 9, 2],
    filterShape: [2, 2, 2, 3],
    strides: 2,
    pad: 'same',
  },
  {
    name: '4×4 s1 same (even filter)',
    xShape: [1, 8, 8, 2],
    filterShape: [4, 4, 2, 3],
    strides: 1,
    pad: 'same',
  },
  {
    name: '4×4 s2 same',
    xShape: [2, 10, 9, 2],
    filterShape: [4, 4, 2, 3],
    strides: 2,
    pad: 'same',
  },
  {
    // A numeric pad would be wrong here: tfjs 4.22 sizes the output of a non-square filter with
    // a numeric pad from the filter height alone, and the wasm Conv2D then writes past its
    // output buffer. Explicit padding sizes it correctly.
    name: '3×2 rectangular filter, strides [2,1], explicit pad 2',
    xShape: [2, 10, 9, 2],
    filterShape: [3, 2, 2, 3],
    strides: [2, 1],
    pad: [
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ],
  },
  {
    name: '3×3 s2, numeric pad 2',
    xShape: [1, 9, 10, 2],
    filterShape: [3, 3, 2, 3],
    strides: 2,
    pad: 2,
  },
  {
    name: 'explicit padding wider than the filter',
    xShape: [2, 10, 9, 2],
    filterShape: [3, 3, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [4, 1],
      [0, 5],
      [0, 0],
    ],
  },
  {
    name: 'explicit padding wider than the filter, s2 (cropped phases)',
    xShape: [2, 9, 8, 2],
    filterShape: [3, 3, 2, 3],
    strides: 2,
    pad: [
      [0, 0],
      [5, 0],
      [0, 4],
      [0, 0],
    ],
  },
  {
    name: 'explicit asymmetric padding, s2',
    xShape: [2, 9, 10, 3],
    filterShape: [3, 3, 3, 2],
    strides: 2,
    pad: [
      [0, 0],
      [1, 0],
      [2, 1],
      [0, 0],
    ],
  },
];

/** Seeded N(0, 1) tensor; the same seed gives the same values on every backend. */
export function seededNormal(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/** Output shape [B, Ho, Wo, O] of the forward convolution of a case. */
export function convOutShape(c: ConvCase): Shape4D {
  return tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad).outShape;
}
