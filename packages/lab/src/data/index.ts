/**
 * The lab's data layer: NIfTI reading and writing, label maps, slicing, and the slice datasets
 * (the embedded brain and any folder of NIfTI pairs).
 */
export { loadBrainDataset, brainDataDir, brainFiles } from './brain-dataset.js';
export type { BrainDatasetOptions } from './brain-dataset.js';
export { countClasses } from './class-counts.js';
export { cropWindow, nonZeroBox } from './crop.js';
export type { CropOptions, CropWindow, VoxelBox } from './crop.js';
export { DataError } from './errors.js';
export { loadNiftiFolderDataset, matchVolumeFiles } from './folder-dataset.js';
export type { NiftiFolderDatasetOptions } from './folder-dataset.js';
export {
  applyLabelMap,
  applyLabelRule,
  checkLabelRange,
  parseLabelMap,
  readLabelMap,
  ruleClasses,
} from './label-map.js';
export type { LabelMap, LabelRule, UnmappedPolicy } from './label-map.js';
export { readNifti } from './nifti.js';
export type { NiftiHeader, NiftiVolume, ReadNiftiOptions } from './nifti.js';
export { supportedDatatypes } from './nifti-datatype.js';
export type { NiftiDatatype } from './nifti-datatype.js';
export { encodeNifti, writeNifti } from './nifti-write.js';
export type { NiftiWriteInput } from './nifti-write.js';
export {
  defaultNormalisation,
  normaliseIntensities,
  percentile,
  percentileClip,
  zScoreNonZero,
} from './normalise.js';
export type { Normalisation } from './normalise.js';
export { resizeBilinear, resizeNearest } from './resize.js';
export type { Size2D } from './resize.js';
export { defaultSlabSplit, slabSplit } from './slab-split.js';
export type { SlabSplit, SlabSplitOptions } from './slab-split.js';
export { extractPlane, fullPlane, planeAxes } from './slice.js';
export type { PlaneAxes, PlaneRect, Shape3D, SliceAxis } from './slice.js';
export { buildSliceDataset } from './slice-dataset.js';
export type {
  SliceDataset,
  SliceDatasetOptions,
  SplitBy,
  VolumeFiles,
  VolumeSummary,
} from './slice-dataset.js';
export { defaultSliceOptions, resolveSliceOptions } from './slice-options.js';
export type { ResolvedSliceOptions, SliceOptions } from './slice-options.js';
export { readVolumePair, volumeName } from './volume-pair.js';
export type { VolumePairOptions } from './volume-pair.js';
export { sliceVolume } from './volume-slices.js';
export type { LabelledVolume, Slice2D, SlicedVolume } from './volume-slices.js';
export { volumeSplit } from './volume-split.js';
export type { VolumeSplit, VolumeSplitOptions } from './volume-split.js';
