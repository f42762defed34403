/** Geometry on typed arrays: exact distance transforms, signed distance maps, boundaries. */
export { distanceTransform } from './distance-transform.js';
export type { DistanceTransformOptions } from './distance-transform.js';
export { signedDistanceMap } from './signed-distance.js';
export type { SignedDistanceOptions, ZeroLevel } from './signed-distance.js';
export { boundaryMask } from './boundary.js';
export type { BoundaryMode, BoundaryOptions, Connectivity, ImageEdge } from './boundary.js';
export type { Spacing } from './grid.js';
// A tensor op (differentiable), unlike the typed-array functions above.
export { softSkeleton } from './soft-skeleton.js';
