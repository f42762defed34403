/**
 * Every metric of one case (a 2D slice or a 3D volume) for every kept class of two label maps:
 * Dice, IoU, HD_p (default HD95) and ASSD, with the presence case of each class and the case's
 * confusion matrix, ready for {@link aggregateMetrics} (`aggregate-metrics.ts`).
 *
 * Per class c, the binary masks are P_c = {pred = c} and T_c = {target = c}, after removing the
 * elements whose target is `ignoreIndex` from both. Then
 *   dice[c], iou[c]  from the case's confusion matrix (`overlap.ts`);
 *   hd95[c], assd[c] from the surfaces of P_c and T_c (`surface-distance.ts`, MedPy's surfaces);
 * and when P_c or T_c is empty, the `emptyPolicy` decides (`empty-policy.ts`): its overlap rule
 * for Dice and IoU, its distance rule for HD95 and ASSD ('worst' = the diagonal of this case's
 * field of view). The default policy is `'excludeBothEmpty'`; `'transunet'` reproduces the
 * TransUNet evaluation when called per volume with `includeBackground: false`.
 *
 * @example
 *   const m = evaluateCase(pred, target, [D, H, W], {
 *     numClasses: 9, spacing: [3, 0.76, 0.76], includeBackground: false,
 *   });
 *   m.dice; m.hd95; // Float64Array per kept class; NaN = excluded by the policy
 */
import { fail } from '../core/errors.js';
import type { Connectivity } from '../geometry/boundary.js';
import type { Spacing } from '../geometry/grid.js';
import { makeGrid } from '../geometry/grid.js';
import { checkChoice, checkOptionNames } from '../geometry/validate.js';
import type { ConfusionMatrix } from './confusion-matrix.js';
import {
  checkIgnoreIndex,
  checkNumClasses,
  classCounts,
  confusionMatrix,
} from './confusion-matrix.js';
import type { EmptyMaskPolicy, EmptyMaskPolicyOption, PresenceCase } from './empty-policy.js';
import { emptyCaseValue, presenceCase, resolveEmptyMaskPolicy } from './empty-policy.js';
import type { AssdAverage } from './surface-distance.js';
import {
  assdOf,
  binarySurfaceDistances,
  checkPercentile,
  fieldOfViewDiagonal,
  hausdorffOf,
} from './surface-distance.js';

/** Options of {@link evaluateCase}. */
export interface CaseEvaluationOptions {
  /** Number of classes C; labels are integers in [0, C). Required. */
  readonly numClasses: number;
  /** Physical size of an element per axis (e.g. mm), or one number for all axes. Default 1. */
  readonly spacing?: Spacing;
  /** Target label left out of every metric (null: none). Default 255. */
  readonly ignoreIndex?: number | null;
  /** Whether class 0 is evaluated. Default true. */
  readonly includeBackground?: boolean;
  /** Default `'excludeBothEmpty'`. */
  readonly emptyPolicy?: EmptyMaskPolicyOption;
  /** Percentile of the surface distances. Default 95 (HD95); 100 gives the HD. */
  readonly percentile?: number;
  /** Neighbourhood that defines the surfaces. Default `'face'` (MedPy). */
  readonly connectivity?: Connectivity;
  /** How ASSD averages the two directions. Default `'directedMeans'` (MedPy 0.4). */
  readonly assdAverage?: AssdAverage;
  /** Whether to compute HD95 and ASSD (two EDTs per present class). Default true. */
  readonly surfaceMetrics?: boolean;
}

/** The metrics of one case, one entry per kept class. NaN = excluded by the policy. */
export interface CaseMetrics {
  /** The kept class ids, in order; every array below is indexed like it. */
  readonly classes: readonly number[];
  readonly presence: readonly PresenceCase[];
  readonly dice: Float64Array;
  readonly iou: Float64Array;
  /** HD at `percentile` (HD95 by default). All NaN when `surfaceMetrics` is false. */
  readonly hd95: Float64Array;
  /** All NaN when `surfaceMetrics` is false. */
  readonly assd: Float64Array;
  /** The case's full C×C confusion matrix (ignored elements left out). */
  readonly confusion: ConfusionMatrix;
  readonly policy: EmptyMaskPolicy;
  readonly percentile: number;
  readonly assdAverage: AssdAverage;
  readonly surfaceMetrics: boolean;
}

const optionNames = [
  'numClasses',
  'spacing',
  'ignoreIndex',
  'includeBackground',
  'emptyPolicy',
  'percentile',
  'connectivity',
  'assdAverage',
  'surfaceMetrics',
];

/** Dice, IoU, HD95 and ASSD of every kept class of one case (label maps of `shape`). */
export function evaluateCase(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  shape: readonly number[],
  options: CaseEvaluationOptions,
): CaseMetrics {
  const who = 'evaluateCase';
  checkOptionNames(who, options, optionNames);
  const numClasses = checkNumClasses(who, options.numClasses);
  const ignore = checkIgnoreIndex(who, options.ignoreIndex);
  const grid = makeGrid(who, target.length, shape, options.spacing);
  if (pred.length !== target.length) {
    fail(who, 'pred length', `equal to the target length ${target.length}`, `${pred.length}`);
  }
  const policy = resolveEmptyMaskPolicy(who, options.emptyPolicy);
  const percentile = checkPercentile(who, options.percentile);
  const connectivity = checkChoice(
    who,
    'connectivity',
    options.connectivity,
    ['face', 'full'],
    'face',
  );
  const assdAverage = checkChoice(
    who,
    'assdAverage',
    options.assdAverage,
    ['directedMeans', 'pooled'],
    'directedMeans',
  );
  const surfaceMetrics = options.surfaceMetrics ?? true;
  const classes: number[] = [];
  for (let c = options.includeBackground === false ? 1 : 0; c < numClasses; c++) classes.push(c);

  const confusion = confusionMatrix(pred, target, numClasses, { ignoreIndex: ignore });
  const { truePositive, targetCount, predCount } = classCounts(confusion);
  const n = classes.length;
  const presence: PresenceCase[] = [];
  const dice = new Float64Array(n);
  const iou = new Float64Array(n);
  const hd95 = new Float64Array(n).fill(NaN);
  const assd = new Float64Array(n).fill(NaN);
  const diagonal = fieldOfViewDiagonal(grid);
  const predMask = new Uint8Array(grid.size);
  const targetMask = new Uint8Array(grid.size);

  for (const [k, c] of classes.entries()) {
    const tp = truePositive[c];
    const t = targetCount[c];
    const p = predCount[c];
    const kind = presenceCase(t, p);
    presence.push(kind);
    if (kind !== 'bothPresent') {
      dice[k] = emptyCaseValue(policy.overlap, kind, 1, 0);
      iou[k] = emptyCaseValue(policy.overlap, kind, 1, 0);
      if (surfaceMetrics) {
        hd95[k] = emptyCaseValue(policy.distance, kind, 0, diagonal);
        assd[k] = emptyCaseValue(policy.distance, kind, 0, diagonal);
      }
      continue;
    }
    dice[k] = (2 * tp) / (t + p);
    iou[k] = tp / (t + p - tp);
    if (!surfaceMetrics) continue;
    for (let i = 0; i < grid.size; i++) {
      const ti = target[i];
      targetMask[i] = ti === c ? 1 : 0;
      predMask[i] = pred[i] === c && ti !== ignore ? 1 : 0;
    }
    const distances = binarySurfaceDistances(predMask, targetMask, grid, connectivity);
    hd95[k] = hausdorffOf(distances, percentile);
    assd[k] = assdOf(distances, assdAverage);
  }
  return {
    classes,
    presence,
    dice,
    iou,
    hd95,
    assd,
    confusion,
    policy,
    percentile,
    assdAverage,
    surfaceMetrics,
  };
}
