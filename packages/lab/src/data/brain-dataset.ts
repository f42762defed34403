/**
 * The embedded brain dataset: the Colin27 T1 MRI (`ch2bet.nii.gz`, skull-stripped, 1 mm,
 * 181×217×181) with the AAL atlas in the same space (`aal.nii.gz`, 116 regions), grouped by
 * `labels.json` into 8 structures of very different sizes plus background. Provenance, licence
 * and the region grouping are in `packages/lab/data/brain/README.md`.
 *
 * One subject only, so train and test are split by slabs of slices (see `slab-split.ts`).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLabelMap } from './label-map.js';
import type { UnmappedPolicy } from './label-map.js';
import { buildSliceDataset } from './slice-dataset.js';
import type { SliceDataset, SliceDatasetOptions } from './slice-dataset.js';

/** Options of `loadBrainDataset`: slicing and slab-split options, plus the unmapped policy. */
export interface BrainDatasetOptions extends Omit<
  SliceDatasetOptions,
  'splitBy' | 'testVolumes' | 'volume'
> {
  /** Overrides the `unmapped` of `labels.json` (which is `"background"`). */
  unmapped?: UnmappedPolicy;
}

/** File names inside the brain data folder. */
export const brainFiles = {
  image: 'ch2bet.nii.gz',
  label: 'aal.nii.gz',
  labelMap: 'labels.json',
} as const;

/**
 * Absolute path of `packages/lab/data/brain`. This module sits at `src/data/` when run from
 * source and at `dist/data/` once compiled, two levels below the package root in both cases.
 */
export function brainDataDir(): string {
  return fileURLToPath(new URL('../../data/brain/', import.meta.url));
}

/** Loads the embedded brain dataset as 2D slices (defaults: axial, 96×96, cropped, slab split). */
export function loadBrainDataset(options: BrainDatasetOptions = {}): SliceDataset {
  const dir = brainDataDir();
  const labelMap = readLabelMap(join(dir, brainFiles.labelMap));
  const { unmapped, ...rest } = options;
  return buildSliceDataset(
    [{ name: 'ch2bet', image: join(dir, brainFiles.image), label: join(dir, brainFiles.label) }],
    { labelMap: { ...labelMap, unmapped: unmapped ?? labelMap.unmapped } },
    { labelsInsideImage: true, ...rest, splitBy: 'slab' },
    'loadBrainDataset',
  );
}
