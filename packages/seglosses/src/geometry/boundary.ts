/**
 * Boundary bands of label maps of any rank: inner, outer or thick, with face (4 in 2D, 6 in 3D)
 * or full (8 in 2D, 26 in 3D) connectivity, `width` elements wide.
 *
 * Definitions, for a label map L, background label b, and N_w(x) the elements within w steps of
 * x — city-block distance ≤ w for `'face'`, chessboard distance ≤ w for `'full'`, so N_1 is the
 * 4/6 or 8/26 neighbourhood:
 *   thick: ∃ y ∈ N_w(x) with L(y) ≠ L(x)
 *   inner: L(x) ≠ b and ∃ y ∈ N_w(x) with L(y) ≠ L(x)   (object elements next to anything else)
 *   outer: L(x) = b and ∃ y ∈ N_w(x) with L(y) ≠ b      (background elements next to an object)
 * With `imageEdge: 'background'` (default) the elements outside the image count as background,
 * so objects touching the edge have an inner boundary there — SciPy's `binary_erosion` default
 * (`border_value=0`), hence MedPy's surfaces. `imageEdge: 'ignore'` leaves them out.
 * For a binary mask with width 1 and face connectivity, `inner` is the mask minus its erosion by
 * the cross-shaped structuring element, and `outer` its dilation minus the mask.
 *
 * Computation, O(size · (neighbours + rank)): the width-1 band S comes from one pass per pair
 * direction; wider bands use the identity (inner/thick) x ∈ band_w ⟺ dist(x, S) ≤ w − 1 — along a
 * shortest grid path from x to the nearest differently labelled y, the last element before the
 * label changes is in S — and likewise for outer with S ∩ background. The distance is the exact
 * city-block or chessboard one, from separable forward/backward sweeps.
 *
 * @example
 *   boundaryMask([0, 1, 1, 1, 0], [5]);                   // [0, 1, 0, 1, 0]
 *   boundaryMask([0, 1, 1, 1, 0], [5], { mode: 'outer' }); // [1, 0, 0, 0, 1]
 */
import { describe, fail } from '../core/errors.js';
import type { Grid } from './grid.js';
import { forEachRow, makeGrid } from './grid.js';
import { checkChoice, checkOptionNames, checkPositiveInteger } from './validate.js';

/** Which side of a label change the band lies on. */
export type BoundaryMode = 'inner' | 'outer' | 'thick';
/** Neighbourhood: `'face'` = 4 (2D) / 6 (3D) / 2n; `'full'` = 8 (2D) / 26 (3D) / 3ⁿ − 1. */
export type Connectivity = 'face' | 'full';
/** Whether elements outside the image count as background or are left out. */
export type ImageEdge = 'background' | 'ignore';

/** Options of {@link boundaryMask}. */
export interface BoundaryOptions {
  /** Default `'inner'`. */
  readonly mode?: BoundaryMode;
  /** Default `'face'`. */
  readonly connectivity?: Connectivity;
  /** Band width in elements (steps of the connectivity). Default 1. */
  readonly width?: number;
  /** The background label. Default 0. */
  readonly background?: number;
  /** Default `'background'` (SciPy / MedPy). */
  readonly imageEdge?: ImageEdge;
}

const optionNames = ['mode', 'connectivity', 'width', 'background', 'imageEdge'];

/**
 * 1 on the boundary band of the label map `labels` (row-major, `shape`), 0 elsewhere. See the
 * module comment for the exact definitions.
 */
export function boundaryMask(
  labels: ArrayLike<number>,
  shape: readonly number[],
  options: BoundaryOptions = {},
): Uint8Array {
  const who = 'boundaryMask';
  checkOptionNames(who, options, optionNames);
  const grid = makeGrid(who, labels.length, shape);
  const mode = checkChoice(who, 'mode', options.mode, ['inner', 'outer', 'thick'], 'inner');
  const connectivity = checkChoice(
    who,
    'connectivity',
    options.connectivity,
    ['face', 'full'],
    'face',
  );
  const width = checkPositiveInteger(who, 'width', options.width, 1);
  const imageEdge = checkChoice(
    who,
    'imageEdge',
    options.imageEdge,
    ['background', 'ignore'],
    'background',
  );
  const background = options.background ?? 0;
  if (typeof background !== 'number' || !Number.isFinite(background)) {
    fail(who, 'background', 'a finite number (a label value)', describe(background));
  }
  return boundaryBand(labels, grid, mode, connectivity, width, background, imageEdge);
}

/** {@link boundaryMask} on an already validated grid. */
export function boundaryBand(
  labels: ArrayLike<number>,
  grid: Grid,
  mode: BoundaryMode,
  connectivity: Connectivity,
  width: number,
  background: number,
  imageEdge: ImageEdge,
): Uint8Array {
  const band = new Uint8Array(grid.size);
  const outer = mode === 'outer';
  for (const delta of halfNeighbourhood(grid.shape.length, connectivity)) {
    markPairs(labels, grid, delta, outer, background, band);
  }
  if (!outer && imageEdge === 'background') markImageEdge(labels, grid, background, band);
  if (width > 1) dilate(band, grid, width - 1, connectivity);
  if (mode === 'inner') {
    for (let i = 0; i < grid.size; i++) if (labels[i] === background) band[i] = 0;
  } else if (outer) {
    for (let i = 0; i < grid.size; i++) if (labels[i] !== background) band[i] = 0;
  }
  return band;
}

/**
 * One offset of every ± pair of the neighbourhood: the offsets whose first non-zero entry is +1.
 * Pairs (x, x + δ) then cover every neighbouring pair exactly once.
 */
function halfNeighbourhood(rank: number, connectivity: Connectivity): number[][] {
  const offsets: number[][] = [];
  if (connectivity === 'face') {
    for (let axis = 0; axis < rank; axis++) {
      const delta = new Array<number>(rank).fill(0);
      delta[axis] = 1;
      offsets.push(delta);
    }
    return offsets;
  }
  const total = 3 ** rank;
  for (let code = 0; code < total; code++) {
    const delta: number[] = [];
    for (let axis = 0, rest = code; axis < rank; axis++, rest = Math.floor(rest / 3)) {
      delta.unshift((rest % 3) - 1);
    }
    const first = delta.find((d) => d !== 0);
    if (first === 1) offsets.push(delta);
  }
  return offsets;
}

/**
 * Marks the width-1 seeds from every in-image pair (x, x + δ) with different labels: both ends
 * for inner/thick; for outer, only an end that is background while the other is not.
 */
function markPairs(
  labels: ArrayLike<number>,
  grid: Grid,
  delta: readonly number[],
  outer: boolean,
  background: number,
  band: Uint8Array,
): void {
  const lo = delta.map((d) => Math.max(0, -d));
  const hi = delta.map((d, axis) => grid.shape[axis] - Math.max(0, d));
  let offset = 0;
  for (let axis = 0; axis < delta.length; axis++) offset += delta[axis] * grid.strides[axis];
  forEachRow(grid, lo, hi, (start, length) => {
    for (let a = start, end = start + length; a < end; a++) {
      const la = labels[a];
      const lb = labels[a + offset];
      if (la === lb) continue;
      if (!outer) {
        band[a] = 1;
        band[a + offset] = 1;
      } else if (la === background) {
        band[a] = 1;
      } else if (lb === background) {
        band[a + offset] = 1;
      }
    }
  });
}

/** Marks the non-background elements on the faces of the image (their outside is background). */
function markImageEdge(
  labels: ArrayLike<number>,
  grid: Grid,
  background: number,
  band: Uint8Array,
): void {
  const rank = grid.shape.length;
  for (let axis = 0; axis < rank; axis++) {
    for (const at of [0, grid.shape[axis] - 1]) {
      const lo = new Array<number>(rank).fill(0);
      const hi = [...grid.shape];
      lo[axis] = at;
      hi[axis] = at + 1;
      forEachRow(grid, lo, hi, (start, length) => {
        for (let i = start, end = start + length; i < end; i++) {
          if (labels[i] !== background) band[i] = 1;
        }
      });
    }
  }
}

/**
 * In place: every element within `radius` steps of a marked element becomes marked — city-block
 * distance for face connectivity, chessboard for full. Both are separable: city-block distances
 * add up over the axes (sweeps of min(d, d_prev + 1) per axis, exact), and a chessboard ball is
 * the product of 1-D segments (a 1-D dilation per axis, re-thresholded after each axis).
 */
function dilate(band: Uint8Array, grid: Grid, radius: number, connectivity: Connectivity): void {
  const far = radius + 1;
  const distance = new Int32Array(grid.size);
  for (let i = 0; i < grid.size; i++) distance[i] = band[i] === 1 ? 0 : far;
  const rank = grid.shape.length;
  for (let axis = 0; axis < rank; axis++) {
    sweepAxis(distance, grid, axis);
    if (connectivity === 'full' && axis < rank - 1) {
      for (let i = 0; i < grid.size; i++) distance[i] = distance[i] <= radius ? 0 : far;
    }
  }
  for (let i = 0; i < grid.size; i++) band[i] = distance[i] <= radius ? 1 : 0;
}

/**
 * d(x) ← min(d(x), d(x ∓ e_axis) + 1) forward then backward along `axis`. Rows of the other
 * axes stay contiguous in the inner loop. Values never exceed their start, so no overflow.
 */
function sweepAxis(distance: Int32Array, grid: Grid, axis: number): void {
  const n = grid.shape[axis];
  const stride = grid.strides[axis];
  const block = n * stride;
  for (let outer = 0; outer < grid.size; outer += block) {
    for (let q = 1; q < n; q++) {
      const row = outer + q * stride;
      for (let i = row; i < row + stride; i++) {
        const via = distance[i - stride] + 1;
        if (via < distance[i]) distance[i] = via;
      }
    }
    for (let q = n - 2; q >= 0; q--) {
      const row = outer + q * stride;
      for (let i = row; i < row + stride; i++) {
        const via = distance[i + stride] + 1;
        if (via < distance[i]) distance[i] = via;
      }
    }
  }
}
