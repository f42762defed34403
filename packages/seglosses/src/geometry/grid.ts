/**
 * The n-dimensional grid that every typed-array function of `geometry/` and `metrics/` works on:
 * a row-major (C-order, last axis fastest) array of `shape`, with an optional physical spacing per
 * axis (e.g. millimetres per voxel). One validation routine builds it, so every function reports
 * a bad shape, length or spacing with the same message.
 */
import { describe, fail } from '../core/errors.js';

/** Physical size of one element along each axis: one number for all axes, or one per axis. */
export type Spacing = number | readonly number[];

/** A validated grid: shape, row-major strides, element count and per-axis spacing. */
export interface Grid {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly size: number;
  readonly spacing: readonly number[];
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function isPositiveFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/**
 * Validates `shape` against an array of `length` elements and `spacing` against the rank, and
 * returns the grid. Spacing defaults to 1 on every axis.
 */
export function makeGrid(
  who: string,
  length: number,
  shape: readonly number[],
  spacing: Spacing = 1,
): Grid {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every(isPositiveInteger)) {
    fail(who, 'shape', 'a non-empty array of positive integers', describe(shape));
  }
  const rank = shape.length;
  const strides = new Array<number>(rank);
  let size = 1;
  for (let axis = rank - 1; axis >= 0; axis--) {
    strides[axis] = size;
    size *= shape[axis];
  }
  if (length !== size) {
    fail(
      who,
      'the array length',
      `${size} (the product of shape [${shape.join(', ')}])`,
      `${length}`,
    );
  }
  let perAxis: number[];
  if (typeof spacing === 'number') {
    perAxis = new Array<number>(rank).fill(spacing);
  } else if (Array.isArray(spacing)) {
    perAxis = [...(spacing as readonly number[])];
  } else {
    perAxis = [];
  }
  if (perAxis.length !== rank || !perAxis.every(isPositiveFinite)) {
    fail(
      who,
      'spacing',
      `a positive finite number or ${rank} of them (one per axis)`,
      describe(spacing),
    );
  }
  return { shape: [...shape], strides, size, spacing: perAxis };
}

/**
 * Calls `visit(start, length)` for every row along the last axis of the box `lo ≤ c < hi`
 * (coordinates per axis, `hi` exclusive): `start` is the linear index of the row's first element.
 * Loops that need a contiguous inner loop over a sub-box use this instead of per-element
 * coordinate bookkeeping.
 */
export function forEachRow(
  grid: Grid,
  lo: readonly number[],
  hi: readonly number[],
  visit: (start: number, length: number) => void,
): void {
  const rank = grid.shape.length;
  const last = rank - 1;
  const length = hi[last] - lo[last];
  for (let axis = 0; axis < rank; axis++) if (hi[axis] <= lo[axis]) return;
  const coord = lo.slice(0, last);
  for (;;) {
    let start = lo[last];
    for (let axis = 0; axis < last; axis++) start += coord[axis] * grid.strides[axis];
    visit(start, length);
    let axis = last - 1;
    while (axis >= 0) {
      coord[axis]++;
      if (coord[axis] < hi[axis]) break;
      coord[axis] = lo[axis];
      axis--;
    }
    if (axis < 0) return;
  }
}
