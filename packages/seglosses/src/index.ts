/**
 * seglosses — loss functions for semantic segmentation on TensorFlow.js tensors.
 * Depends on `@tensorflow/tfjs-core` only; import `@tensorflow/tfjs` (or register gradients
 * otherwise) to train with them.
 */
export { createLoss, getLossDefinition, listLosses } from './losses/registry.js';
export type { LossInfo } from './losses/registry.js';
export { combineLosses, lossFromExpression, weightAt } from './losses/combine.js';
export type { CombinedLoss, LinearRamp, WeightSchedule, WeightedLoss } from './losses/combine.js';
export type {
  LossCategory,
  LossDefinition,
  LossExtras,
  HeadRequest,
  LossFunction,
  ReferenceParity,
  TargetMap,
} from './losses/types.js';
export type { Activation, OptionSpec, Reduction } from './losses/options.js';
export { SeglossesError } from './core/errors.js';
export { bibliography, cite } from './core/bibliography.js';
export type { BibKey, Reference } from './core/bibliography.js';
export { setLogSink } from './core/logger.js';
export { fusedKernelsActive, setFusedKernels } from './kernels/fused-kernels.js';
export { prepareNativeKernels } from './kernels/native/prepare.js';
export type { LogLevel, LogSink } from './core/logger.js';
export * from './metrics/index.js';
export * from './geometry/index.js';
export { InverseFormNetwork, inverseFormForward } from './inverse-form/network.js';
export type { InverseFormArchitecture, InverseFormWeights } from './inverse-form/network.js';
export { shippedInverseFormWeights } from './inverse-form/weights.js';
export { softBoundary } from './inverse-form/boundary-map.js';
