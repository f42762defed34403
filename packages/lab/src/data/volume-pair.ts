/**
 * Reads an image NIfTI and its label NIfTI, checks that they describe the same voxel grid, and
 * converts the labels to class indices with a label rule (see `label-map.ts`).
 *
 * The two files must have the same `[nx, ny, nz]`; the voxel spacing is taken from the image
 * (a label file's header is often less carefully written). For a 4D image, `volume` picks the
 * 3D volume (see `nifti.ts`); the label file is always read at volume 0.
 */
import { basename } from 'node:path';
import { dataError, formatShape } from './errors.js';
import { applyLabelRule } from './label-map.js';
import type { LabelRule } from './label-map.js';
import { readNifti } from './nifti.js';
import type { LabelledVolume } from './volume-slices.js';

/** Options of `readVolumePair`. */
export interface VolumePairOptions {
  /** Name given to the volume; default: the image file name without `.nii`/`.nii.gz`. */
  name?: string;
  /** Which 3D volume of a 4D image to use. Default 0. */
  volume?: number;
}

/** Reads `imagePath` and `labelPath` into a `LabelledVolume` (see the module comment). */
export function readVolumePair(
  imagePath: string,
  labelPath: string,
  rule: LabelRule,
  options: VolumePairOptions = {},
): LabelledVolume {
  const image = readNifti(imagePath, { volume: options.volume ?? 0 });
  const label = readNifti(labelPath);
  if (!image.shape.every((d, i) => d === label.shape[i])) {
    dataError(
      'volumePair',
      `image ${imagePath} is ${formatShape(image.shape)} but label ${labelPath} is ` +
        `${formatShape(label.shape)}; they must have the same shape`,
    );
  }
  return {
    name: options.name ?? volumeName(imagePath),
    image: image.data,
    label: applyLabelRule(label.data, labelPath, rule),
    shape: image.shape,
    spacing: image.header.spacing,
  };
}

/** The file name of `path` without its `.nii` or `.nii.gz` extension. */
export function volumeName(path: string): string {
  return basename(path).replace(/\.nii(\.gz)?$/i, '');
}
