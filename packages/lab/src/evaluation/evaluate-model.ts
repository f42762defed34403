/**
 * Evaluates a trained model on the held-out slices: predicts every slice, stacks each case's
 * slices into a volume and computes per-class Dice, IoU and HD95 (mm) with the chosen empty-mask
 * policy; means follow `aggregateMetrics` (per case, then per class; mIoU from the summed
 * confusion matrix). Background is left out of every mean, as in the survey's tables.
 */
import { aggregateMetrics, evaluateCase } from 'seglosses';
import type { EmptyMaskPolicyName, MetricsSummary } from 'seglosses';

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
  return {
    meanDice: summary.meanDice,
    meanHd95: summary.meanHd95,
    miou: summary.meanIoU,
    perClass: summary.classes.map((c) => ({
      name: dataset.classes[c.classId],
      dice: c.dice,
      iou: c.iou,
      hd95: c.hd95,
    })),
    cases: cases.length,
    emptyMaskPolicy: summary.policy.name,
  };
}
