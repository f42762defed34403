/**
 * Options shared by the distance-based boundary losses: the pixel spacing of the distance
 * transforms and how distances are rounded.
 */
import { describe, fail } from '../../core/errors.js';
import type { OptionSpec } from '../options.js';

/** `[dy, dx]`: the physical size of a pixel along the rows and the columns. */
export type Spacing2 = readonly [number, number];

/**
 * 'exact': Euclidean distances as they are. 'truncated': rounded toward zero to integers, as the
 * official code of the boundary and active boundary losses stores them (int32 arrays).
 */
export type DistanceRounding = 'exact' | 'truncated';

export const boundaryOptions = {
  spacing: {
    type: 'numbers',
    default: null,
    min: 0,
    doc:
      'Pixel size [dy, dx] for the distance transforms. null: the spacing the caller passes ' +
      'to TargetMap.compute (the lab passes each example’s), or 1 × 1 when the loss computes ' +
      'the maps itself; set it to make both paths agree.',
  },
  distances: {
    type: 'enum',
    default: 'truncated',
    values: ['truncated', 'exact'],
    doc:
      "'truncated': distances rounded toward zero, as the official code stores them in int32 " +
      "(√2 becomes 1); 'exact': Euclidean distances (the papers' formulas).",
  },
} as const satisfies Record<string, OptionSpec>;

/** Checks a `spacing` option: null or two positive numbers. */
export function checkSpacing(who: string, spacing: readonly number[] | null): Spacing2 | null {
  if (spacing === null) return null;
  if (spacing.length !== 2 || !spacing.every((s) => s > 0)) {
    fail(who, 'option spacing', '[dy, dx] with two positive entries, or null', describe(spacing));
  }
  return [spacing[0], spacing[1]];
}

/** Applies the rounding of `distances` to one value. */
export function roundDistance(value: number, distances: DistanceRounding): number {
  return distances === 'truncated' ? Math.trunc(value) : value;
}
