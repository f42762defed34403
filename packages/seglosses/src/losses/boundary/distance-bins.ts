/**
 * Hayder et al.'s boundary-aware mask representation (`hayder2017`) for label maps: every pixel
 * gets the truncated, quantised distance from it to the outside of its own class region.
 *
 *   d_i = min_{j : t_j ≠ t_i} ‖x_i − x_j‖   (Euclidean, with spacing; ignored pixels count as
 *                                           "another label", the image edge does not)
 *   k_i = min(K − 1, ⌈(K − 1) · d_i / R⌉) ∈ {1, …, K − 1}
 *
 * d_i is the exact distance transform of the pixel's class mask (SciPy semantics, see
 * `geometry/distance-transform.ts`), so d_i ≥ 1 at unit spacing and the K − 1 bins split (0, R]
 * evenly; everything deeper than R falls into the last bin. A class that fills its image has no
 * outside (d = ∞) and lies in the last bin. Bin 0 is the paper's "zero distance" — outside the
 * region — and is not stored: for class c it holds every pixel whose label is not c. Ignored pixels
 * get 0 here (they belong to no region).
 *
 * With K − 1 = R at unit spacing, k_i = min(⌈d_i⌉, R): the paper's D(p) = min(⌈min_q d(p, q)⌉, R)
 * with q ranging over the pixels outside the region.
 */
import { distanceTransform } from '../../geometry/distance-transform.js';
import type { Spacing2 } from './boundary-options.js';

export interface DistanceBinOptions {
  /** K, the number of bins including bin 0 (outside). */
  readonly numBins: number;
  /** R, the truncation distance (in the units of `spacing`). */
  readonly truncation: number;
  /** [dy, dx]; null: 1 × 1. */
  readonly spacing: Spacing2 | null;
}

/**
 * Bin index k_i (as float) of every pixel of one image of class indices `classes` (row-major
 * `[height, width]`; a negative entry marks a pixel without class, e.g. ignored).
 */
export function distanceBins(
  classes: ArrayLike<number>,
  height: number,
  width: number,
  options: DistanceBinOptions,
): Float32Array {
  const area = height * width;
  const bins = new Float32Array(area);
  const mask = new Uint8Array(area);
  const steps = options.numBins - 1;
  const present = new Set<number>();
  for (let i = 0; i < area; i++) if (classes[i] >= 0) present.add(classes[i]);
  for (const c of present) {
    for (let i = 0; i < area; i++) mask[i] = classes[i] === c ? 1 : 0;
    const d = distanceTransform(mask, [height, width], { spacing: options.spacing ?? 1 });
    for (let i = 0; i < area; i++) {
      if (mask[i] === 0) continue;
      // The 1e-9 keeps exact multiples of the bin width (d = R·k/(K−1)) in bin k despite rounding.
      const k = Math.ceil((steps * d[i]) / options.truncation - 1e-9);
      bins[i] = Math.min(steps, Math.max(1, k));
    }
  }
  return bins;
}

/**
 * Bin indices of a batch of normalised labels `[B·H·W]` (see `target-maps.ts`: −1 = no class),
 * flat `[B,H,W,1]`.
 */
export function batchDistanceBins(
  labels: Int32Array,
  [batch, height, width]: readonly number[],
  options: DistanceBinOptions,
): Float32Array {
  const area = height * width;
  const out = new Float32Array(batch * area);
  for (let b = 0; b < batch; b++) {
    const image = labels.subarray(b * area, (b + 1) * area);
    out.set(distanceBins(image, height, width, options), b * area);
  }
  return out;
}
