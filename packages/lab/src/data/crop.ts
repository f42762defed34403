/**
 * Cropping a volume to the bounding box of its non-zero image voxels, so that the anatomy fills
 * the frame once slices are resized.
 *
 * The box is taken on the raw image (before normalisation), grown by `margin` voxels on every
 * side and clamped to the volume. It is one box for the whole volume: every slice gets the same
 * in-plane rectangle (so all share one pixel spacing) and only the slices the box spans along the
 * slicing axis are kept. With `square`, the shorter in-plane side is grown symmetrically to the
 * longer, so that resizing to a square size keeps the aspect ratio (square in voxels, hence in
 * millimetres when the in-plane spacing is isotropic); the rectangle is shifted to stay inside
 * the volume, and where the volume is too small it reaches outside and reads zeros.
 */
import { dataError } from './errors.js';
import { planeAxes } from './slice.js';
import type { PlaneRect, Shape3D, SliceAxis } from './slice.js';

/** An axis-aligned box of voxels, both ends inclusive, per axis x, y, z. */
export interface VoxelBox {
  min: [number, number, number];
  max: [number, number, number];
}

/** Where to cut slices: the in-plane rectangle and the range of slice indices (inclusive). */
export interface CropWindow {
  rect: PlaneRect;
  first: number;
  last: number;
}

/** Options of `cropWindow`. */
export interface CropOptions {
  /** Voxels added on every side of the box. */
  margin: number;
  /** Grow the in-plane rectangle to a square. */
  square: boolean;
}

/** The bounding box of the non-zero voxels of `data`, or `null` when every voxel is 0. */
export function nonZeroBox(data: ArrayLike<number>, shape: Shape3D): VoxelBox | null {
  const [nx, ny, nz] = shape;
  const min: [number, number, number] = [nx, ny, nz];
  const max: [number, number, number] = [-1, -1, -1];
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        if (data[i] === 0) continue;
        if (x < min[0]) min[0] = x;
        if (x > max[0]) max[0] = x;
        if (y < min[1]) min[1] = y;
        if (y > max[1]) max[1] = y;
        if (z < min[2]) min[2] = z;
        if (z > max[2]) max[2] = z;
      }
    }
  }
  return max[0] < 0 ? null : { min, max };
}

/** The crop window of `box` for slices across `axis` (see the module comment). */
export function cropWindow(
  box: VoxelBox,
  shape: Shape3D,
  axis: SliceAxis,
  options: CropOptions,
): CropWindow {
  const { margin, square } = options;
  if (!Number.isInteger(margin) || margin < 0) {
    dataError('crop', `margin must be a non-negative integer, got ${margin}`);
  }
  const grown = (a: number): [number, number] => [
    Math.max(box.min[a] - margin, 0),
    Math.min(box.max[a] + margin, shape[a] - 1),
  ];
  const { rows, cols } = planeAxes(axis);
  let [row0, rowEnd] = grown(rows);
  let [col0, colEnd] = grown(cols);
  if (square) {
    const side = Math.max(rowEnd - row0 + 1, colEnd - col0 + 1);
    [row0, rowEnd] = growTo(row0, rowEnd, side, shape[rows]);
    [col0, colEnd] = growTo(col0, colEnd, side, shape[cols]);
  }
  const [first, last] = grown(axis);
  return {
    rect: { row0, col0, height: rowEnd - row0 + 1, width: colEnd - col0 + 1 },
    first,
    last,
  };
}

/** Grows `[start, end]` to `side` voxels around its centre, kept inside `0..n-1` when it fits. */
function growTo(start: number, end: number, side: number, n: number): [number, number] {
  const extra = side - (end - start + 1);
  let s = start - Math.floor(extra / 2);
  if (side <= n) s = Math.min(Math.max(s, 0), n - side);
  else s = Math.floor((n - side) / 2);
  return [s, s + side - 1];
}
