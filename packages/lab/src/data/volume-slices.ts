/**
 * One labelled 3D volume → its 2D slices, ready for training: normalise the whole volume, crop
 * (see `crop.ts`), cut each slice across the chosen axis (see `slice.ts` for the in-plane
 * orientation), resize the image bilinearly and the label nearest-neighbour (see `resize.ts`),
 * and optionally drop slices without foreground.
 *
 * Every slice carries its in-plane pixel spacing after resizing: a crop `h × w` voxels of
 * spacing `(s_rows, s_cols)` mm resized to `H × W` has pixels `s_rows · h / H` mm tall and
 * `s_cols · w / W` mm wide — what a distance metric such as HD95 needs to report millimetres.
 */
import { cropWindow, nonZeroBox } from './crop.js';
import type { CropWindow } from './crop.js';
import { normaliseIntensities } from './normalise.js';
import { resizeBilinear, resizeNearest } from './resize.js';
import { extractPlane, fullPlane, planeAxes } from './slice.js';
import type { Shape3D } from './slice.js';
import type { ResolvedSliceOptions } from './slice-options.js';

/** A 2D training or test example. */
export interface Slice2D {
  /** Name of the volume it was cut from (its image file name without `.nii`/`.nii.gz`). */
  volume: string;
  /** Index of the slice along the slicing axis, in the full volume (before any crop). */
  index: number;
  /** Normalised intensities, row-major, `size[0] × size[1]`. */
  image: Float32Array;
  /** Class indices, row-major, `size[0] × size[1]`. */
  label: Uint8Array;
  /** Pixel size in mm after crop and resize: `[rows (dy), columns (dx)]`. */
  spacing: [number, number];
}

/** A labelled volume in `readNifti` layout, its labels already mapped to class indices. */
export interface LabelledVolume {
  name: string;
  image: Float32Array;
  label: Uint8Array;
  shape: Shape3D;
  /** Voxel size in mm along x, y, z. */
  spacing: readonly [number, number, number];
}

/** The slices of one volume and the crop window they were cut with. */
export interface SlicedVolume {
  /** Slices in ascending index order (empty ones removed when `dropEmpty`). */
  slices: Slice2D[];
  window: CropWindow;
}

/** Cuts `volume` into 2D slices (see the module comment). */
export function sliceVolume(volume: LabelledVolume, options: ResolvedSliceOptions): SlicedVolume {
  const { shape } = volume;
  const { axis } = options;
  const box = options.crop ? nonZeroBox(volume.image, shape) : null;
  const window: CropWindow =
    box === null
      ? { rect: fullPlane(shape, axis), first: 0, last: shape[axis] - 1 }
      : cropWindow(box, shape, axis, { margin: options.cropMargin, square: options.square });
  const image = normaliseIntensities(volume.image, options.normalisation);
  const labels = options.labelsInsideImage
    ? volume.label.map((c, i) => (volume.image[i] === 0 ? 0 : c))
    : volume.label;
  const { rows, cols } = planeAxes(axis);
  const { rect } = window;
  const [outH, outW] = options.size;
  const spacing: [number, number] = [
    (volume.spacing[rows] * rect.height) / outH,
    (volume.spacing[cols] * rect.width) / outW,
  ];
  const from = [rect.height, rect.width] as const;
  const imagePlane = new Float32Array(rect.height * rect.width);
  const labelPlane = new Uint8Array(rect.height * rect.width);
  const slices: Slice2D[] = [];
  for (let index = window.first; index <= window.last; index++) {
    extractPlane(labels, shape, axis, index, rect, labelPlane);
    const label = resizeNearest(labelPlane, from, options.size);
    if (options.dropEmpty && !label.some((c) => c !== 0)) continue;
    extractPlane(image, shape, axis, index, rect, imagePlane);
    slices.push({
      volume: volume.name,
      index,
      image: resizeBilinear(imagePlane, from, options.size),
      label,
      spacing: [spacing[0], spacing[1]],
    });
  }
  return { slices, window };
}
