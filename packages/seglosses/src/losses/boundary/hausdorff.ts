/**
 * Hausdorff distance loss, distance-transform form (Karimi & Salcudean 2019), as MONAI's
 * `HausdorffDTLoss` computes it:
 *
 *   L = (1 / (N·C')) Σ_{c∈K} Σ_i (y_{i,c} − t_{i,c})² · (d^P_c(i)^α + d^G_c(i)^α)
 *
 * where d^G_c is the distance field of the target mask of class c and d^P_c that of the predicted
 * mask (y_{·,c} > 0.5), recomputed on the CPU at every call from the current prediction and
 * treated as a constant (no gradient flows through it). K: the kept classes (background excluded
 * by default), C' = |K|, N the non-ignored pixels, α = 2 by default.
 *
 * Distance fields (`distanceField`):
 * - 'both-sides' (MONAI, default): d(i) = d(i, outside) for i in the mask and d(i, mask) for i
 *   outside it — the distance to the other side of the contour, so the field grows away from the
 *   contour on both sides. An empty or full mask has no contour: d = 0.
 * - 'inside' (LIVIAETS' HausdorffLoss): d(i) = d(i, outside) inside the mask, 0 outside; 0 for an
 *   empty (and here also a full) mask.
 * Prediction mask (`predictionMask`): 'threshold' y > 0.5 per channel (MONAI), or 'argmax' the
 * one-hot arg-max over the channels (LIVIAETS; with one sigmoid channel the same as 'threshold').
 * LIVIAETS stores the predicted field in int32 (its one-hot is int32): `predictionDistances:
 * 'truncated'` rounds it toward zero; its target field stays exact.
 *
 * Precision: y − t is evaluated as (1 − t)·y − t·(1 − y), with 1 − y from the accurate
 * complement, so a near-perfect prediction keeps its tiny squared error (and gradient) in float32.
 * Ignored pixels belong to no class when the fields are built, contribute 0 and leave the mean.
 *
 * The target field is a cacheable target map (`loss.targetMaps`); the prediction field is not.
 *
 * @example
 *   const loss = createLoss('hausdorff'); // MONAI HausdorffDTLoss(softmax=True)
 *   const value = loss(labels, logits);
 */
import * as tf from '@tensorflow/tfjs-core';

import { distanceTransform } from '../../geometry/distance-transform.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { dropBackground } from '../overlap.js';
import type { PreparedInput } from '../prepare.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';
import { boundaryOptions, checkSpacing, roundDistance } from './boundary-options.js';
import type { DistanceRounding, Spacing2 } from './boundary-options.js';
import type { MaskMap } from './target-maps.js';
import {
  classMaps,
  classTargetMap,
  labelsOfTarget,
  mapChannels,
  targetMapTensor,
} from './target-maps.js';

type DistanceField = 'both-sides' | 'inside';
type PredictionMask = 'threshold' | 'argmax';

type HausdorffOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  alpha: number;
  distanceField: DistanceField;
  predictionMask: PredictionMask;
  predictionDistances: DistanceRounding;
  spacing: number[] | null;
  reduction: Reduction;
};

/** The distance field of one mask (module comment), rounded as `distances` says. */
export function hausdorffField(field: DistanceField, distances: DistanceRounding): MaskMap {
  return (mask, height, width, spacing) => {
    const area = height * width;
    const out = new Float64Array(area);
    let members = 0;
    for (let i = 0; i < area; i++) members += mask[i];
    if (members === 0 || members === area) return out;
    const shape = [height, width];
    const inside = distanceTransform(mask, shape, { spacing });
    let outside: Float64Array | null = null;
    if (field === 'both-sides') {
      const complement = new Uint8Array(area);
      for (let i = 0; i < area; i++) complement[i] = 1 - mask[i];
      outside = distanceTransform(complement, shape, { spacing });
    }
    for (let i = 0; i < area; i++) {
      const d = mask[i] === 1 ? inside[i] : (outside?.[i] ?? 0);
      out[i] = roundDistance(d, distances);
    }
    return out;
  };
}

/** The predicted masks' fields `[B,H,W,C]` (one sync read of the prediction). */
function predictionFields(
  input: PreparedInput,
  options: HausdorffOptions,
  spacing: Spacing2,
): Float32Array {
  const [b, h, w, channels] = input.yPred.shape;
  const area = h * w;
  const byArgmax = options.predictionMask === 'argmax' && channels > 1;
  // Arg-max of the logits equals that of the probabilities (monotone per pixel), ties → first.
  const scores = (byArgmax ? input.yPred : input.probs).dataSync();
  // A dropped background gets an empty mask, whose field is 0 without any transform.
  const dropped = !options.includeBackground && channels > 1 ? 0 : -1;
  const fill = (image: number, k: number, mask: Uint8Array): void => {
    if (k === dropped) {
      mask.fill(0);
      return;
    }
    for (let i = 0; i < area; i++) {
      const at = (image * area + i) * channels;
      if (!byArgmax) {
        mask[i] = scores[at + k] > 0.5 ? 1 : 0;
        continue;
      }
      let best = 0;
      for (let c = 1; c < channels; c++) if (scores[at + c] > scores[at + best]) best = c;
      mask[i] = best === k ? 1 : 0;
    }
  };
  const field = hausdorffField(options.distanceField, options.predictionDistances);
  return mapChannels([b, h, w], channels, fill, field, spacing);
}

function mapName(options: HausdorffOptions): string {
  return `hausdorffField(${options.distanceField})`;
}

export const hausdorff: LossDefinition<HausdorffOptions> = {
  name: 'hausdorff',
  category: 'boundary',
  title: 'Hausdorff distance loss (distance-transform form)',
  summary:
    'Squared error weighted by the distances to the predicted and target contours, so errors ' +
    'far from either contour, which set the Hausdorff distance, cost most.',
  formula:
    String.raw`\mathcal{L}_{HD\text{-}DT} = \frac{1}{N\,|K|}\sum_{c\in K}\sum_{i=1}^{N}` +
    String.raw`(y_{i,c} - t_{i,c})^2\left(d^{P}_{c}(i)^{\alpha} + d^{G}_{c}(i)^{\alpha}\right)`,
  symbols:
    'd^G_c, d^P_c: distance fields of the target mask and of the predicted mask (y > 0.5) of ' +
    'class c — the distance to the other side of the contour (MONAI); α: exponent (2); K: ' +
    'kept classes (background excluded by default).',
  sources: ['karimi2019'],
  surveyNote:
    'The survey, like the paper, defines d_p and d_g as distance transforms of the predicted ' +
    'and true segmentations without saying which side; this follows MONAI (edt(fg) + edt(bg), ' +
    "0 for an empty or full mask); 'inside' gives LIVIAETS' inside-only field.",
  whenToUse:
    'After a region loss has converged, to reduce the Hausdorff distance (large, isolated ' +
    'errors); usually combined with Dice, with a weight ramped up during training.',
  pros: [
    'Targets the worst boundary errors, which Dice and CE barely see',
    'Cheap once the fields exist; exact Euclidean fields',
  ],
  cons: [
    'A distance transform of every predicted mask at every step, on the CPU',
    'No gradient through the predicted field: it only reweights the squared error',
  ],
  unreducedShape: '[B,H,W,K] (weighted squared error per pixel and kept class)',
  minimum: '0 for a perfect prediction',
  emptyPolicy:
    'A class absent from an image (or filling it) has a zero target field there; its terms ' +
    'then only carry the predicted field. Ignored pixels belong to no class when the fields ' +
    'are built, contribute 0 and leave the mean; all pixels ignored gives 0 with a zero gradient.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: { ...commonOptions.includeBackground, default: false },
    alpha: {
      type: 'number',
      default: 2,
      min: 0,
      exclusiveMin: true,
      doc: 'Exponent of the distances.',
    },
    distanceField: {
      type: 'enum',
      default: 'both-sides',
      values: ['both-sides', 'inside'],
      doc:
        "'both-sides': distance to the other side of the contour, inside and outside (MONAI); " +
        "'inside': distance to the outside, inside the mask only (LIVIAETS).",
    },
    predictionMask: {
      type: 'enum',
      default: 'threshold',
      values: ['threshold', 'argmax'],
      doc: "Predicted mask of a class: 'threshold' y > 0.5 (MONAI), 'argmax' (LIVIAETS).",
    },
    predictionDistances: {
      ...boundaryOptions.distances,
      default: 'exact',
      doc:
        "Rounding of the predicted field: 'exact', or 'truncated' toward zero as LIVIAETS' " +
        'int32 one-hot makes it.',
    },
    spacing: boundaryOptions.spacing,
    reduction: commonOptions.reduction,
  },
  targetMaps(options) {
    const field = hausdorffField(options.distanceField, 'exact');
    const spacing = checkSpacing('hausdorff', options.spacing);
    return [classTargetMap(mapName(options), options.ignoreIndex, spacing, field)];
  },
  parity: [
    { reference: 'MONAI HausdorffDTLoss(softmax=True, to_onehot_y=True)', options: {} },
    {
      reference: 'MONAI HausdorffDTLoss(sigmoid=True) (one channel)',
      options: { activation: 'sigmoid' },
    },
    {
      reference: 'LIVIAETS HausdorffLoss(idc=[1..C−1])',
      options: {
        distanceField: 'inside',
        predictionMask: 'argmax',
        predictionDistances: 'truncated',
      },
    },
  ],
  build(options) {
    const spacing: Spacing2 = checkSpacing('hausdorff', options.spacing) ?? [1, 1];
    const targetField = hausdorffField(options.distanceField, 'exact');
    const name = mapName(options);
    return (input, extras) => {
      const [b, h, w, channels] = input.yPred.shape;
      const dg = targetMapTensor('hausdorff', name, extras, input, channels, () =>
        classMaps(labelsOfTarget(input), [b, h, w], channels, targetField, spacing),
      );
      const dp = tf.tensor4d(predictionFields(input, options, spacing), [b, h, w, channels]);
      const weight = tf.add(tf.pow(dp, options.alpha), tf.pow(dg, options.alpha));
      // y − t = (1 − t)·y − t·(1 − y): exact for any t, accurate for a saturated y.
      const t = input.target;
      const error = tf.sub(tf.mul(tf.sub(1, t), input.probs), tf.mul(t, input.complementProbs));
      const keep = options.includeBackground;
      const terms = tf.mul(dropBackground(tf.square(error), keep), dropBackground(weight, keep));
      return reduceTerms(terms, options.reduction, input.valid);
    };
  },
};
