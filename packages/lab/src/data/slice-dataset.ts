/**
 * A 2D slice dataset built from one or more labelled 3D volumes: each volume is read (see
 * `volume-pair.ts`), sliced (see `volume-slices.ts`) and split into train and test either
 * **by slab** within every volume (`slab-split.ts`; the only choice with a single volume) or
 * **by volume** (`volume-split.ts`; the right choice for several subjects).
 *
 * Volumes are read one at a time; only their resized slices are kept, so memory grows with the
 * number of slices × `size`, not with the size of the volumes.
 */
import { dataError } from './errors.js';
import { ruleClasses } from './label-map.js';
import type { LabelRule } from './label-map.js';
import { slabSplit } from './slab-split.js';
import type { SlabSplitOptions } from './slab-split.js';
import type { CropWindow } from './crop.js';
import type { SliceAxis } from './slice.js';
import { resolveSliceOptions } from './slice-options.js';
import type { SliceOptions } from './slice-options.js';
import { readVolumePair } from './volume-pair.js';
import { sliceVolume } from './volume-slices.js';
import type { Slice2D } from './volume-slices.js';
import { volumeSplit } from './volume-split.js';

/** How the slices are split into train and test. */
export type SplitBy = 'slab' | 'volume';

/** Everything that shapes a slice dataset besides the files and the label rule. */
export interface SliceDatasetOptions extends SliceOptions, SlabSplitOptions {
  /** Split by slabs within each volume or by whole volumes. */
  splitBy?: SplitBy;
  /** With `splitBy: 'volume'`: the test volumes by name (else every `testEvery`-th). */
  testVolumes?: string[];
  /** Which 3D volume of 4D image files to use. Default 0. */
  volume?: number;
}

/** The files of one labelled volume. */
export interface VolumeFiles {
  /** Volume name (normally the image file name without `.nii`/`.nii.gz`). */
  name: string;
  image: string;
  label: string;
}

/** What happened to one volume. */
export interface VolumeSummary {
  name: string;
  image: string;
  label: string;
  /** `[nx, ny, nz]` of the volume. */
  shape: [number, number, number];
  /** Voxel size in mm along x, y, z. */
  spacing: [number, number, number];
  /** The crop rectangle and slice range used. */
  window: CropWindow;
  /** Slices that went to each side; `dropped` counts slab gaps (not empty slices). */
  train: number;
  test: number;
  dropped: number;
}

/** A dataset of 2D slices with a train/test split. */
export interface SliceDataset {
  /** Class names; class `c` is label value `c`. */
  classes: string[];
  /** `[height, width]` of every slice. */
  size: [number, number];
  /** The axis slices were cut across. */
  axis: SliceAxis;
  splitBy: SplitBy;
  train: Slice2D[];
  test: Slice2D[];
  volumes: VolumeSummary[];
}

/** Builds a dataset from `files`; `who` names the public loader in error messages. */
export function buildSliceDataset(
  files: readonly VolumeFiles[],
  rule: LabelRule,
  options: SliceDatasetOptions,
  who: string,
): SliceDataset {
  const sliceOptions = resolveSliceOptions(options, who);
  const splitBy = options.splitBy ?? 'slab';
  if (splitBy !== 'slab' && splitBy !== 'volume') {
    dataError(who, `splitBy must be "slab" or "volume", got ${JSON.stringify(splitBy)}`);
  }
  if (files.length === 0) dataError(who, 'no volumes to load');
  const testNames =
    splitBy === 'volume'
      ? new Set(
          volumeSplit(
            files.map((f) => f.name),
            { testVolumes: options.testVolumes, testEvery: options.testEvery },
          ).test,
        )
      : null;
  const dataset: SliceDataset = {
    classes: ruleClasses(rule),
    size: [sliceOptions.size[0], sliceOptions.size[1]],
    axis: sliceOptions.axis,
    splitBy,
    train: [],
    test: [],
    volumes: [],
  };
  for (const file of files) {
    const volume = readVolumePair(file.image, file.label, rule, {
      name: file.name,
      volume: options.volume,
    });
    const { slices, window } = sliceVolume(volume, sliceOptions);
    const summary: VolumeSummary = {
      name: file.name,
      image: file.image,
      label: file.label,
      shape: [...volume.shape],
      spacing: [...volume.spacing],
      window,
      train: 0,
      test: 0,
      dropped: 0,
    };
    if (testNames !== null) {
      const side = testNames.has(file.name) ? 'test' : 'train';
      dataset[side].push(...slices);
      summary[side] = slices.length;
    } else {
      const split = slabSplit(volume.shape[sliceOptions.axis], options);
      const test = new Set(split.test);
      const train = new Set(split.train);
      for (const slice of slices) {
        if (test.has(slice.index)) {
          dataset.test.push(slice);
          summary.test++;
        } else if (train.has(slice.index)) {
          dataset.train.push(slice);
          summary.train++;
        } else summary.dropped++;
      }
    }
    dataset.volumes.push(summary);
  }
  return dataset;
}
