/**
 * Evaluates a trained model on the held-out slices: predicts every slice and stacks each case's
 * slices (a run of consecutive held-out slices) into a 3-D volume with its voxel spacing.
 *
 * - Dice per class: over all held-out voxels of each source volume (its cases' confusion
 *   matrices summed), then the mean over volumes — per-volume Dice as in the Synapse protocol.
 *   With one volume split into slabs (the embedded brain) that is the Dice of the held-out part
 *   of the volume; scoring each thin slab on its own would score 0 for any slab where a small
 *   structure is absent but a few pixels are predicted, which measures noise, not the loss.
 * - HD95 per class: per case (3-D, mm), then the mean over cases, as `aggregateMetrics` does.
 * - mIoU: from the confusion matrix summed over every case.
 * The empty-mask policy decides absent classes everywhere; background is left out of every mean.
 */
import { aggregateMetrics, diceFromConfusion, evaluateCase, sumConfusionMatrices } from 'seglosses';
import type { CaseMetrics, EmptyMaskPolicyName, MetricsSummary } from 'seglosses';

import type { SliceDataset } from '../data/index.js';
import type { UNet } from '../models/unet.js';
import { predictLabels } from '../training/trainer.js';
import { evaluationCases } from './test-cases.js';

export interface ClassMetrics {
  readonly name: string;
  readonly dice: number;
  readonly iou: number;
  readonly hd95: number;
}

export interface EvaluationResult {
  readonly meanDice: number;
  readonly meanHd95: number;
  readonly miou: number;
  readonly perClass: ClassMetrics[];
  readonly cases: number;
  readonly emptyMaskPolicy: string;
}

/** Converts NaN to null for JSON. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Metrics of `model` on `dataset.test`. */
export function evaluateModel(
  model: UNet,
  dataset: SliceDataset,
  emptyPolicy: EmptyMaskPolicyName,
): EvaluationResult {
  const [h, w] = dataset.size;
  if (h !== w) throw new Error(`evaluate: square slices are required, got ${h}×${w}`);
  const cases = evaluationCases(dataset);
  const numClasses = dataset.classes.length;
  const perCase = cases.map((c) => {
    const predictions = predictLabels(
      model,
      c.slices.map((s) => s.image),
      h,
    );
    const pixels = h * w;
    const pred = new Uint8Array(c.slices.length * pixels);
    const target = new Uint8Array(c.slices.length * pixels);
    c.slices.forEach((s, i) => {
      pred.set(predictions[i], i * pixels);
      target.set(s.label, i * pixels);
    });
    return evaluateCase(pred, target, [c.slices.length, h, w], {
      numClasses,
      spacing: c.spacing,
      includeBackground: false,
      emptyPolicy,
    });
  });
  const summary: MetricsSummary = aggregateMetrics(perCase);
  const dice = perVolumeDice(
    perCase,
    cases.map((c) => c.volume),
    numClasses,
    emptyPolicy,
  );
  const foreground = Array.from(dice).slice(1);
  return {
    meanDice: nanMean(foreground),
    meanHd95: summary.meanHd95,
    miou: summary.meanIoU,
    perClass: summary.classes.map((c) => ({
      name: dataset.classes[c.classId],
      dice: dice[c.classId],
      iou: c.iou,
      hd95: c.hd95,
    })),
    cases: cases.length,
    emptyMaskPolicy: summary.policy.name,
  };
}

function nanMean(values: readonly number[]): number {
  const kept = values.filter((v) => !Number.isNaN(v));
  return kept.length === 0 ? NaN : kept.reduce((a, b) => a + b, 0) / kept.length;
}

/** Dice per class over each volume's held-out voxels, averaged over volumes (NaN skipped). */
export function perVolumeDice(
  cases: readonly CaseMetrics[],
  volumes: readonly string[],
  numClasses: number,
  emptyPolicy: EmptyMaskPolicyName,
): Float64Array {
  const byVolume = new Map<string, CaseMetrics[]>();
  cases.forEach((c, i) => byVolume.set(volumes[i], [...(byVolume.get(volumes[i]) ?? []), c]));
  const perVolume = [...byVolume.values()].map((group) =>
    diceFromConfusion(sumConfusionMatrices(group.map((c) => c.confusion)), { emptyPolicy }),
  );
  return Float64Array.from({ length: numClasses }, (_, k) => nanMean(perVolume.map((d) => d[k])));
}
