/**
 * Cuts 2D planes out of a 3D volume stored x fastest (`data[x + nx * (y + ny * z)]`, the layout
 * `readNifti` returns).
 *
 * A slice across `axis` keeps the two other axes in the order they have in memory, with no flip:
 * its **rows** run along the slower of the two (the higher axis number) and its **columns**
 * along the faster one. Across axis 2 (axial for RAS-stored brains such as `ch2bet`) a slice is
 * `ny` rows of `nx` columns; across axis 1 it is `nz × nx`; across axis 0 it is `nz × ny`.
 */
import { dataError, formatShape } from './errors.js';

/** An axis of a 3D volume. */
export type SliceAxis = 0 | 1 | 2;

/** `[nx, ny, nz]`. */
export type Shape3D = readonly [number, number, number];

/** The two in-plane axes of a slice across `axis`. */
export interface PlaneAxes {
  /** The axis the slice's rows run along (its height). */
  rows: SliceAxis;
  /** The axis the slice's columns run along (its width). */
  cols: SliceAxis;
}

/** A rectangle of a plane, in voxels; it may reach outside the volume (read as zeros). */
export interface PlaneRect {
  row0: number;
  col0: number;
  height: number;
  width: number;
}

/** The in-plane axes of a slice across `axis` (see the module comment). */
export function planeAxes(axis: SliceAxis): PlaneAxes {
  if (axis === 0) return { rows: 2, cols: 1 };
  if (axis === 1) return { rows: 2, cols: 0 };
  if (axis === 2) return { rows: 1, cols: 0 };
  return dataError('slice', `axis must be 0, 1 or 2, got ${String(axis)}`);
}

/** The whole plane of a slice across `axis`. */
export function fullPlane(shape: Shape3D, axis: SliceAxis): PlaneRect {
  const { rows, cols } = planeAxes(axis);
  return { row0: 0, col0: 0, height: shape[rows], width: shape[cols] };
}

/**
 * Copies `rect` of slice `index` across `axis` into `out` (row-major, `rect.height` rows of
 * `rect.width`), writing 0 where the rectangle reaches outside the volume.
 */
export function extractPlane<T extends Float32Array | Uint8Array>(
  data: ArrayLike<number>,
  shape: Shape3D,
  axis: SliceAxis,
  index: number,
  rect: PlaneRect,
  out: T,
): T {
  const [nx, ny, nz] = shape;
  if (data.length !== nx * ny * nz) {
    dataError('slice', `data must hold ${formatShape(shape)} values, got ${data.length}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= shape[axis]) {
    dataError('slice', `index across axis ${axis} must be in 0..${shape[axis] - 1}, got ${index}`);
  }
  if (out.length !== rect.height * rect.width) {
    dataError('slice', `out must hold ${rect.height}×${rect.width} values, got ${out.length}`);
  }
  const strides = [1, nx, nx * ny];
  const { rows, cols } = planeAxes(axis);
  const base = index * strides[axis];
  const rowStride = strides[rows];
  const colStride = strides[cols];
  for (let i = 0; i < rect.height; i++) {
    const r = rect.row0 + i;
    const rowInside = r >= 0 && r < shape[rows];
    for (let j = 0; j < rect.width; j++) {
      const c = rect.col0 + j;
      const inside = rowInside && c >= 0 && c < shape[cols];
      out[i * rect.width + j] = inside ? data[base + r * rowStride + c * colStride] : 0;
    }
  }
  return out;
}
