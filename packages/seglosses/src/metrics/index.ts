/** Segmentation metrics (DSC, IoU/mIoU, HD95, surface distances) on typed arrays. */
export { confusionMatrix, sumConfusionMatrices } from './confusion-matrix.js';
export type { ConfusionMatrix, ConfusionMatrixOptions } from './confusion-matrix.js';
export { diceFromConfusion, diceScores, iouFromConfusion, meanIoU } from './overlap.js';
export type { DiceScoresOptions, MeanIoUOptions, OverlapOptions } from './overlap.js';
export { defaultEmptyMaskPolicy, emptyMaskPolicies } from './empty-policy.js';
export type {
  EmptyCaseRule,
  EmptyMaskPolicy,
  EmptyMaskPolicyName,
  EmptyMaskPolicyOption,
  EmptyOutcome,
  PresenceCase,
} from './empty-policy.js';
export {
  averageSymmetricSurfaceDistance,
  hausdorffDistance95,
  surfaceDistances,
} from './surface-distance.js';
export type {
  AssdAverage,
  AssdOptions,
  HausdorffOptions,
  SurfaceDistanceOptions,
  SurfaceDistances,
} from './surface-distance.js';
export { evaluateCase } from './evaluate-case.js';
export type { CaseEvaluationOptions, CaseMetrics } from './evaluate-case.js';
export { aggregateMetrics } from './aggregate-metrics.js';
export type { ClassSummary, MetricsSummary } from './aggregate-metrics.js';
