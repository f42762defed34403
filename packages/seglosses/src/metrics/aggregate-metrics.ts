/**
 * Aggregates per-case metrics (from {@link evaluateCase}, per slice or per volume) into per-class
 * means and overall means, and says which empty-mask policy produced them.
 *
 * For kept class c over the N cases i (NaN = excluded by the policy, skipped by every mean):
 *   dice_c = nanmean_i dice_{i,c},  hd95_c = nanmean_i hd95_{i,c},  assd_c = nanmean_i assd_{i,c}
 *   iou_c  = IoU of class c in Σ_i CM_i (the confusion matrices summed over the cases)
 *   meanDice = nanmean_c dice_c,  meanHd95 = nanmean_c hd95_c,  meanAssd = nanmean_c assd_c
 *   mIoU     = nanmean_c iou_c
 * i.e. the mean over cases first, then over classes — the TransUNet / Synapse protocol for Dice
 * and HD95 — and mIoU from the accumulated confusion matrix (PASCAL VOC, Cityscapes). A mean
 * with nothing left to average is NaN. Each class also reports how many cases fell into each
 * presence case, so that exclusions are visible next to the means.
 *
 * @example
 *   const cases = volumes.map((v) => evaluateCase(v.pred, v.target, v.shape, options));
 *   const summary = aggregateMetrics(cases);
 *   summary.meanDice; summary.meanHd95; summary.meanIoU; summary.policy.name;
 */
import { fail } from '../core/errors.js';
import type { ConfusionMatrix } from './confusion-matrix.js';
import { sumConfusionMatrices } from './confusion-matrix.js';
import type { EmptyMaskPolicy, PresenceCase } from './empty-policy.js';
import type { CaseMetrics } from './evaluate-case.js';
import { iouFromConfusion } from './overlap.js';
import type { AssdAverage } from './surface-distance.js';
import { nanMean } from './statistics.js';

/** The aggregated metrics of one class. */
export interface ClassSummary {
  readonly classId: number;
  /** Mean Dice over the cases where it was not excluded. */
  readonly dice: number;
  /** IoU from the summed confusion matrix. */
  readonly iou: number;
  readonly hd95: number;
  readonly assd: number;
  /** Number of cases in each presence case. */
  readonly presence: Readonly<Record<PresenceCase, number>>;
}

/** Everything {@link aggregateMetrics} reports. */
export interface MetricsSummary {
  readonly caseCount: number;
  readonly policy: EmptyMaskPolicy;
  readonly percentile: number;
  readonly assdAverage: AssdAverage;
  readonly surfaceMetrics: boolean;
  readonly classes: readonly ClassSummary[];
  readonly meanDice: number;
  /** mIoU over the kept classes, from the summed confusion matrix. */
  readonly meanIoU: number;
  readonly meanHd95: number;
  readonly meanAssd: number;
  /** The confusion matrices of all cases, summed. */
  readonly confusion: ConfusionMatrix;
}

/** Per-class and overall means of per-case metrics computed with the same options. */
export function aggregateMetrics(cases: readonly CaseMetrics[]): MetricsSummary {
  const who = 'aggregateMetrics';
  if (cases.length === 0) {
    fail(who, 'cases', 'a non-empty array of evaluateCase results', 'an empty array');
  }
  const first = cases[0];
  const signature = settingsOf(first);
  for (const [index, c] of cases.entries()) {
    const other = settingsOf(c);
    if (other !== signature) {
      fail(who, `cases[${index}]`, `evaluated like cases[0] (${signature})`, other);
    }
  }
  const confusion = sumConfusionMatrices(cases.map((c) => c.confusion));
  const iouAll = iouFromConfusion(confusion, { emptyPolicy: first.policy });
  const column = new Float64Array(cases.length);
  const meanOf = (pick: (c: CaseMetrics) => Float64Array, k: number): number => {
    for (const [i, c] of cases.entries()) column[i] = pick(c)[k];
    return nanMean(column);
  };
  const classes: ClassSummary[] = first.classes.map((classId, k) => {
    const presence = { bothPresent: 0, bothEmpty: 0, targetEmpty: 0, predEmpty: 0 };
    for (const c of cases) presence[c.presence[k]]++;
    return {
      classId,
      dice: meanOf((c) => c.dice, k),
      iou: iouAll[classId],
      hd95: meanOf((c) => c.hd95, k),
      assd: meanOf((c) => c.assd, k),
      presence,
    };
  });
  const over = (pick: (s: ClassSummary) => number): number => nanMean(classes.map(pick));
  return {
    caseCount: cases.length,
    policy: first.policy,
    percentile: first.percentile,
    assdAverage: first.assdAverage,
    surfaceMetrics: first.surfaceMetrics,
    classes,
    meanDice: over((s) => s.dice),
    meanIoU: over((s) => s.iou),
    meanHd95: over((s) => s.hd95),
    meanAssd: over((s) => s.assd),
    confusion,
  };
}

/** The settings that must agree between cases, as one comparable string. */
function settingsOf(c: CaseMetrics): string {
  return JSON.stringify({
    numClasses: c.confusion.numClasses,
    classes: c.classes,
    policy: c.policy,
    percentile: c.percentile,
    assdAverage: c.assdAverage,
    surfaceMetrics: c.surfaceMetrics,
  });
}
