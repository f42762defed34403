/**
 * A slice dataset from two folders of NIfTI files, one of images and one of label maps — the
 * layout of most public segmentation datasets (Synapse multi-organ CT: `img/img0001.nii.gz` with
 * `label/label0001.nii.gz`; the Medical Segmentation Decathlon: `imagesTr/` with `labelsTr/`).
 *
 * Matching: every `.nii`/`.nii.gz` file of `imagesDir` (sorted by name) needs one label file in
 * `labelsDir` with the same name without extension; failing that, the one label file whose
 * **case id** (last group of digits in the name, e.g. `0001`) is the same. An image with no
 * label, or with several candidate labels, is an error; label files without an image are
 * ignored.
 *
 * Labels: with `labelMap` (a `LabelMap` or the path of a `labels.json`) they are mapped; without,
 * `classes` is required and the files must already hold class indices `0..classes.length − 1`.
 *
 * Split: by default **by volume** (every `testEvery`-th volume in name order, or the ones named
 * in `testVolumes`), so that no subject contributes to both sides; `splitBy: 'slab'` splits every
 * volume by slabs instead (see `slab-split.ts`).
 *
 * For CT, prefer `normalisation: { kind: 'window', min: -125, max: 275 }` (the soft-tissue window
 * used for Synapse) and `crop: false`: air is not 0 in Hounsfield units, so the non-zero crop and
 * the non-zero statistics of the default normalisation do not exclude it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataError } from './errors.js';
import { readLabelMap } from './label-map.js';
import type { LabelMap, LabelRule, UnmappedPolicy } from './label-map.js';
import { buildSliceDataset } from './slice-dataset.js';
import type { SliceDataset, SliceDatasetOptions, VolumeFiles } from './slice-dataset.js';
import { volumeName } from './volume-pair.js';

/** Options of `loadNiftiFolderDataset`. */
export interface NiftiFolderDatasetOptions extends SliceDatasetOptions {
  /** Folder of image files. */
  imagesDir: string;
  /** Folder of label files. */
  labelsDir: string;
  /** A label map, or the path of a `labels.json`. */
  labelMap?: LabelMap | string;
  /** Class names, when the label files already hold class indices (no `labelMap`). */
  classes?: string[];
  /** Overrides the label map's `unmapped` policy. */
  unmapped?: UnmappedPolicy;
}

const who = 'loadNiftiFolderDataset';

/** Loads a slice dataset from a folder of images and a folder of labels. */
export function loadNiftiFolderDataset(options: NiftiFolderDatasetOptions): SliceDataset {
  const { imagesDir, labelsDir, labelMap, classes, unmapped, ...rest } = options;
  let rule: LabelRule;
  if (labelMap !== undefined) {
    const parsed = typeof labelMap === 'string' ? readLabelMap(labelMap) : labelMap;
    rule = { labelMap: { ...parsed, unmapped: unmapped ?? parsed.unmapped } };
  } else if (classes !== undefined && classes.length >= 1 && classes.length <= 256) {
    rule = { classes };
  } else {
    dataError(
      who,
      `give labelMap, or classes (1 to 256 names) when the label files hold class indices; ` +
        `got ${classes === undefined ? 'neither' : `${classes.length} classes`}`,
    );
  }
  const files = matchVolumeFiles(imagesDir, labelsDir);
  return buildSliceDataset(files, rule, { ...rest, splitBy: rest.splitBy ?? 'volume' }, who);
}

/** Pairs every image of `imagesDir` with its label in `labelsDir` (see the module comment). */
export function matchVolumeFiles(imagesDir: string, labelsDir: string): VolumeFiles[] {
  const images = listNifti(imagesDir, 'imagesDir');
  const labels = listNifti(labelsDir, 'labelsDir');
  if (images.length === 0) dataError(who, `imagesDir ${imagesDir} holds no .nii or .nii.gz file`);
  return images.map((image) => {
    const name = volumeName(image);
    let candidates = labels.filter((l) => volumeName(l) === name);
    if (candidates.length === 0) {
      const id = caseId(name);
      candidates = id === null ? [] : labels.filter((l) => caseId(volumeName(l)) === id);
    }
    if (candidates.length !== 1) {
      dataError(
        who,
        `image ${join(imagesDir, image)} needs exactly one label in ${labelsDir} named ` +
          `${name}.nii[.gz] or with case id ${caseId(name) ?? '(none: no digits)'}, ` +
          `found ${candidates.length === 0 ? 'none' : candidates.join(', ')}`,
      );
    }
    return { name, image: join(imagesDir, image), label: join(labelsDir, candidates[0]) };
  });
}

function listNifti(dir: string, option: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) dataError(who, `${option} ${dir} does not exist or is not a folder`);
  return readdirSync(dir)
    .filter((f) => /\.nii(\.gz)?$/i.test(f))
    .sort();
}

/** The last group of digits of a name (`img0001` → `0001`), or null. */
function caseId(name: string): string | null {
  const groups = name.match(/\d+/g);
  return groups === null ? null : groups[groups.length - 1];
}
