/**
 * Per-class Dice (DSC) and IoU (Jaccard) from a confusion matrix, and mIoU.
 *
 * For class c with TP_c true positives, FP_c false positives and FN_c false negatives (read off
 * the confusion matrix, see `confusion-matrix.ts`), |T_c| = TP_c + FN_c target elements and
 * |P_c| = TP_c + FP_c predicted ones:
 *   DSC_c = 2·TP_c / (|T_c| + |P_c|)                 (Dice 1945; Sørensen 1948)
 *   IoU_c = TP_c / (|T_c| + |P_c| − TP_c)            (Jaccard 1912)
 *   mIoU  = mean over the kept classes of IoU_c, skipping NaN (excluded classes)
 * These are MedPy's `dc` and `jc` for the classes present in target and prediction. A class
 * absent from the target, the prediction or both takes the value of the `emptyPolicy`'s overlap
 * rule (`empty-policy.ts`; default `'excludeBothEmpty'`: both empty → NaN, one empty → 0).
 *
 * mIoU over a data set is computed from the confusion matrix summed over all cases (PASCAL VOC,
 * Cityscapes, mmsegmentation), not as a mean of per-image IoUs.
 *
 * @example
 *   const cm = confusionMatrix(pred, target, 3);
 *   diceFromConfusion(cm);                    // Float64Array [DSC_0, DSC_1, DSC_2]
 *   meanIoU(cm, { includeBackground: false }); // mean of IoU_1, IoU_2
 */
import { checkOptionNames } from '../geometry/validate.js';
import type { ConfusionMatrix, ConfusionMatrixOptions } from './confusion-matrix.js';
import { checkConfusionMatrix, classCounts, confusionMatrix } from './confusion-matrix.js';
import type { EmptyCaseRule, EmptyMaskPolicyOption } from './empty-policy.js';
import { emptyCaseValue, presenceCase, resolveEmptyMaskPolicy } from './empty-policy.js';
import { nanMean } from './statistics.js';

/** Options of {@link diceFromConfusion} and {@link iouFromConfusion}. */
export interface OverlapOptions {
  /** Default `'excludeBothEmpty'`. */
  readonly emptyPolicy?: EmptyMaskPolicyOption;
}

/** Options of {@link diceScores}. */
export interface DiceScoresOptions extends OverlapOptions, ConfusionMatrixOptions {}

/** Options of {@link meanIoU}. */
export interface MeanIoUOptions extends OverlapOptions {
  /** Whether class 0 takes part in the mean. Default true. */
  readonly includeBackground?: boolean;
}

type Score = (tp: number, targetCount: number, predCount: number) => number;

const dice: Score = (tp, t, p) => (2 * tp) / (t + p);
const iou: Score = (tp, t, p) => tp / (t + p - tp);

function scores(matrix: ConfusionMatrix, rule: EmptyCaseRule, score: Score): Float64Array {
  const { truePositive, targetCount, predCount } = classCounts(matrix);
  const out = new Float64Array(matrix.numClasses);
  for (let c = 0; c < out.length; c++) {
    const presence = presenceCase(targetCount[c], predCount[c]);
    out[c] =
      presence === 'bothPresent'
        ? score(truePositive[c], targetCount[c], predCount[c])
        : emptyCaseValue(rule, presence, 1, 0);
  }
  return out;
}

/** Per-class Dice (DSC) from a confusion matrix; empty classes follow the policy. */
export function diceFromConfusion(
  matrix: ConfusionMatrix,
  options: OverlapOptions = {},
): Float64Array {
  const who = 'diceFromConfusion';
  checkOptionNames(who, options, ['emptyPolicy']);
  checkConfusionMatrix(who, matrix);
  return scores(matrix, resolveEmptyMaskPolicy(who, options.emptyPolicy).overlap, dice);
}

/** Per-class IoU (Jaccard) from a confusion matrix; empty classes follow the policy. */
export function iouFromConfusion(
  matrix: ConfusionMatrix,
  options: OverlapOptions = {},
): Float64Array {
  const who = 'iouFromConfusion';
  checkOptionNames(who, options, ['emptyPolicy']);
  checkConfusionMatrix(who, matrix);
  return scores(matrix, resolveEmptyMaskPolicy(who, options.emptyPolicy).overlap, iou);
}

/** mIoU: the NaN-skipping mean of the per-class IoU of `matrix` (NaN if every class is NaN). */
export function meanIoU(matrix: ConfusionMatrix, options: MeanIoUOptions = {}): number {
  const who = 'meanIoU';
  checkOptionNames(who, options, ['emptyPolicy', 'includeBackground']);
  checkConfusionMatrix(who, matrix);
  const perClass = scores(matrix, resolveEmptyMaskPolicy(who, options.emptyPolicy).overlap, iou);
  return nanMean(options.includeBackground === false ? perClass.subarray(1) : perClass);
}

/** Per-class Dice of two label maps: {@link diceFromConfusion} of their confusion matrix. */
export function diceScores(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  numClasses: number,
  options: DiceScoresOptions = {},
): Float64Array {
  const who = 'diceScores';
  checkOptionNames(who, options, ['emptyPolicy', 'ignoreIndex']);
  const policy = resolveEmptyMaskPolicy(who, options.emptyPolicy);
  const matrix = confusionMatrix(pred, target, numClasses, { ignoreIndex: options.ignoreIndex });
  return scores(matrix, policy.overlap, dice);
}
