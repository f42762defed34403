/**
 * The options that turn a 3D image/label pair into 2D training slices, their defaults, and the
 * check that rejects bad values before any file is read.
 */
import { dataError } from './errors.js';
import { defaultNormalisation } from './normalise.js';
import type { Normalisation } from './normalise.js';
import type { SliceAxis } from './slice.js';

/** How slices are cut, cropped, normalised and resized. */
export interface SliceOptions {
  /** Axis to slice across: 0, 1 or 2. Default 2 (axial for RAS-stored volumes). */
  axis?: SliceAxis;
  /** `[height, width]` of every slice after resizing. Default `[96, 96]`. */
  size?: [number, number];
  /** Crop to the bounding box of non-zero image voxels (see `crop.ts`). Default true. */
  crop?: boolean;
  /** Voxels of margin around that box. Default 4. */
  cropMargin?: number;
  /** Grow the crop to a square before resizing. Default true. */
  square?: boolean;
  /** Intensity normalisation of each volume (see `normalise.ts`). Default percentile 0.5–99.5. */
  normalisation?: Normalisation;
  /** Drop slices whose label (after mapping) has no foreground pixel. Default false. */
  dropEmpty?: boolean;
  /**
   * Set the label to background wherever the image is exactly 0 (e.g. outside a skull-stripped
   * brain, where an atlas drawn on the full head still has labels the image cannot show).
   * Default false; the embedded brain dataset turns it on.
   */
  labelsInsideImage?: boolean;
}

/** `SliceOptions` with every default filled in. */
export type ResolvedSliceOptions = Required<SliceOptions>;

/** The defaults of `SliceOptions`. */
export const defaultSliceOptions: ResolvedSliceOptions = {
  axis: 2,
  size: [96, 96],
  crop: true,
  cropMargin: 4,
  square: true,
  normalisation: defaultNormalisation,
  dropEmpty: false,
  labelsInsideImage: false,
};

/** Fills in defaults and checks values; `who` names the caller in error messages. */
export function resolveSliceOptions(options: SliceOptions, who: string): ResolvedSliceOptions {
  const resolved = { ...defaultSliceOptions, ...stripUndefined(options) };
  const { axis, size, cropMargin } = resolved;
  if (axis !== 0 && axis !== 1 && axis !== 2) {
    dataError(who, `axis must be 0, 1 or 2, got ${String(axis)}`);
  }
  if (
    !Array.isArray(size) ||
    size.length !== 2 ||
    !size.every((d) => Number.isInteger(d) && d >= 1)
  ) {
    dataError(who, `size must be [height, width] of positive integers, got ${String(size)}`);
  }
  if (!Number.isInteger(cropMargin) || cropMargin < 0) {
    dataError(who, `cropMargin must be a non-negative integer, got ${cropMargin}`);
  }
  return resolved;
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
