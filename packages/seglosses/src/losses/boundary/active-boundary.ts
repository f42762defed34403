/**
 * Active boundary loss (Wang et al. 2022), as wangchi95/active-boundary-loss (`ABL`) computes it.
 *
 * 1. Predicted boundary (CPU, no gradient): pixels whose divergence from the pixel below plus
 *    that from the pixel to the right exceeds a threshold, raised from 1e-5 by 1.2× until at
 *    most `maxBoundaryRatio`·H·W pixels of the batch pass, then dilated by the 3×3 square.
 * 2. Target directions (CPU): D(i) = distance from pixel i to the target boundary (pixels whose
 *    label differs from the one below or to the right, and ignored pixels), minus 1, clipped at
 *    0 and truncated by default (int32 maps in the reference). For each predicted boundary pixel
 *    the target class is the first of its 8 neighbours (reference order, `directions`) with the
 *    smallest D; the pixel is dropped when it is itself strictly nearer than all of them.
 * 3. The loss: the 8 divergences KL(p_j ‖ p_i) from each neighbour j to the pixel i serve as
 *    logits of a classification over the directions, with label-smoothed cross-entropy
 *    (CoinCheung's LabelSmoothSoftmaxCEV1: 1 − ε on the target, ε/8 on every other direction),
 *    weighted by w_i = min(D(i), 20)/20 and averaged over the M selected pixels:
 *
 *      L = (1/M) Σ_i w_i · ( −(1 − ε) log q_{i,g_i} − (ε/8) Σ_{k≠g_i} log q_{i,k} ),
 *      q_{i,·} = softmax_k KL(p_{j_k(i)} ‖ p_i),   KL(a ‖ b) = Σ_c a_c (log a_c − log b_c).
 *
 *    Neighbours beyond the image edge repeat the edge pixel; the neighbours' distributions are
 *    constants (`detachNeighbours`, the reference's isdetach) and only p_i carries gradient.
 *    Minimising L makes the prediction change fastest toward the target boundary, moving the
 *    predicted boundary onto it.
 *
 * When nothing is selected — no predicted boundary pixel (the reference returns None and the
 * step must skip the loss), or none with a neighbour nearer the target (the reference's mean of
 * nothing, NaN) — the loss is 0 with a zero gradient, so it can stay in a weighted sum. An image
 * whose target has no boundary contributes no pixel (nothing to move toward; the reference
 * measures from a virtual pixel outside the image corner). All pixels ignored: every pixel is
 * target boundary, D = 0, and the loss is 0.
 *
 * D depends on the target only: a cacheable target map (`loss.targetMaps`, one channel).
 *
 * @example
 *   const loss = createLoss('active-boundary');
 *   const value = loss(labels, logits); // 0 when no boundary pixel is selected
 */
import * as tf from '@tensorflow/tfjs-core';

import { accurateLogSoftmax, unaryCustomGrad } from '../../core/stable-activations.js';
import { exclusiveClassView } from '../class-view.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition, TargetMap } from '../types.js';
import {
  boundaryDistanceMap,
  directionTargets,
  directions,
  predictedBoundary,
} from './active-boundary-pixels.js';
import { boundaryOptions, checkSpacing } from './boundary-options.js';
import type { DistanceRounding, Spacing2 } from './boundary-options.js';
import { labelsOfIndices, labelsOfTarget, targetMapTensor } from './target-maps.js';

type ActiveBoundaryOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  labelSmoothing: number;
  maxBoundaryRatio: number;
  maxClipDistance: number;
  detachNeighbours: boolean;
  distances: DistanceRounding;
  spacing: number[] | null;
  reduction: Reduction;
};

/** The identity, with no gradient flowing back through it. */
const stopGradient = unaryCustomGrad((x) => ({
  value: tf.clone(x),
  gradFunc: (dy) => tf.zerosLike(dy),
}));

/** Pads H and W by one pixel that repeats the edge pixel. */
function edgePad(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  const rows = tf.concat([tf.slice(x, [0, 0, 0, 0], [-1, 1, -1, -1]), x], 1);
  const tall = tf.concat([rows, tf.slice(x, [0, h - 1, 0, 0], [-1, 1, -1, -1])], 1);
  const left = tf.slice(tall, [0, 0, 0, 0], [-1, -1, 1, -1]);
  const right = tf.slice(tall, [0, 0, w - 1, 0], [-1, -1, 1, -1]);
  return tf.concat([left, tall, right], 2);
}

/** D of normalised labels `[B·H·W]`, float32 `[B,H,W,1]`. */
function distanceMaps(
  labels: Int32Array,
  [batch, height, width]: readonly number[],
  spacing: Spacing2,
  distances: DistanceRounding,
): Float32Array {
  const area = height * width;
  const out = new Float32Array(batch * area);
  for (let b = 0; b < batch; b++) {
    const image = labels.subarray(b * area, (b + 1) * area);
    out.set(boundaryDistanceMap(image, height, width, spacing, distances), b * area);
  }
  return out;
}

function mapName(options: ActiveBoundaryOptions): string {
  return `activeBoundaryDistance(${options.distances})`;
}

export const activeBoundary: LossDefinition<ActiveBoundaryOptions> = {
  name: 'active-boundary',
  category: 'boundary',
  title: 'Active boundary loss',
  summary:
    'At each predicted boundary pixel, a classification of the direction in which the ' +
    'prediction changes fastest, toward the nearest target boundary.',
  formula:
    String.raw`\mathcal{L}_{AB} = \frac{1}{M}\sum_{i\in B_p} w_i\,` +
    String.raw`\mathrm{CE}_{\varepsilon}\!\left(\operatorname{softmax}_{k}\,` +
    String.raw`\mathrm{KL}(y_{j_k(i)}\,\|\,y_i),\; g_i\right)`,
  symbols:
    'B_p: predicted boundary pixels (M of them kept); j_k(i): the k-th of the 8 neighbours of ' +
    'i; g_i: the neighbour nearest to the target boundary; w_i = min(D_i, 20)/20 with D_i the ' +
    'distance of i to the target boundary minus 1; CE_ε: label-smoothed cross-entropy (ε = 0.2).',
  sources: ['wang2022'],
  surveyNote:
    'The survey gives the weighted direction cross-entropy of the paper; the details here — ' +
    'the divergence threshold search, the 3×3 dilation, label smoothing as CoinCheung’s ' +
    'LabelSmoothSoftmaxCEV1 and int32-truncated distances — follow the authors’ code.',
  whenToUse:
    'Added to CE (and Dice) in late training to sharpen boundaries of natural-image or ' +
    'medical segmentations; the authors use it after a warm-up.',
  pros: [
    'Acts on the predicted boundary directly, moving it toward the target boundary',
    'Weight grows with the distance to the target boundary, up to a cap',
  ],
  cons: [
    'Often selects no pixel on small batches with the default ratio (the loss is then 0)',
    'A CPU pass over the prediction at every step; piecewise, with discrete pixel choices',
  ],
  unreducedShape: '[B,H,W] (the weighted term of each selected pixel, 0 elsewhere)',
  minimum:
    "0 for a perfect prediction with 'truncated' distances: every selected pixel then lies " +
    "within √2 of the target boundary, where D truncates to 0. With 'exact' distances the " +
    'diagonal neighbours keep the weight (√2 − 1)/20, so the minimum is small but positive',
  emptyPolicy:
    'No selected pixel (no predicted boundary, where the reference returns None, or none with ' +
    'a nearer neighbour): 0 with a zero gradient. An image without target boundary ' +
    'contributes no pixel. Ignored pixels count as target boundary (D = 0, weight 0).',
  options: {
    activation: { ...commonOptions.activation, values: ['softmax', 'sigmoid'] },
    ignoreIndex: commonOptions.ignoreIndex,
    labelSmoothing: {
      type: 'number',
      default: 0.2,
      min: 0,
      max: 1,
      doc: 'ε of the direction cross-entropy (0: plain cross-entropy).',
    },
    maxBoundaryRatio: {
      type: 'number',
      default: 0.01,
      min: 0,
      exclusiveMin: true,
      max: 1,
      doc:
        'At most this fraction of one image’s pixels, counted over the whole batch, seeds the ' +
        'predicted boundary (the reference’s max_N_ratio).',
    },
    maxClipDistance: {
      type: 'number',
      default: 20,
      min: 0,
      exclusiveMin: true,
      doc: 'Distance at which the weight w = min(D, clip)/clip reaches 1.',
    },
    detachNeighbours: {
      type: 'boolean',
      default: true,
      doc: 'Treat the neighbours’ distributions as constants (the reference’s isdetach).',
    },
    distances: boundaryOptions.distances,
    spacing: boundaryOptions.spacing,
    reduction: commonOptions.reduction,
  },
  targetMaps(options) {
    const own = checkSpacing('active-boundary', options.spacing);
    const map: TargetMap = {
      name: mapName(options),
      channels: 1,
      compute(labels, height, width, numClasses, given) {
        const spacing: Spacing2 = own ?? (given !== undefined ? [given[0], given[1]] : [1, 1]);
        const normalised = labelsOfIndices(labels, numClasses, options.ignoreIndex);
        return boundaryDistanceMap(normalised, height, width, spacing, options.distances);
      },
    };
    return [map];
  },
  parity: [
    { reference: 'wangchi95 ABL() (label smoothing 0.2, max_N_ratio 1/100)', options: {} },
    { reference: 'wangchi95 ABL(max_N_ratio=0.1)', options: { maxBoundaryRatio: 0.1 } },
    {
      reference: 'wangchi95 ABL(label_smoothing=0, max_N_ratio=0.1)',
      options: { labelSmoothing: 0, maxBoundaryRatio: 0.1 },
    },
  ],
  build(options) {
    const spacing: Spacing2 = checkSpacing('active-boundary', options.spacing) ?? [1, 1];
    const name = mapName(options);
    return (input, extras) => {
      const view = exclusiveClassView('active-boundary', input);
      const [b, h, w] = input.yPred.shape;
      const distance = targetMapTensor('active-boundary', name, extras, input, 1, () =>
        distanceMaps(labelsOfTarget(input), [b, h, w], spacing, options.distances),
      );
      const logP = view.logProbs;
      const boundary = predictedBoundary(logP.dataSync(), logP.shape, options.maxBoundaryRatio);
      const { selected, weightedTargets } = directionTargets(
        boundary,
        distance.dataSync(),
        [b, h, w],
        options.labelSmoothing,
        options.maxClipDistance,
      );
      // KL(p_j ‖ p_i) for the 8 neighbours j of every pixel i, [B,H,W,8].
      const padded = edgePad(options.detachNeighbours ? (stopGradient(logP) as tf.Tensor4D) : logP);
      const divergences = directions.map(([dr, dc]) => {
        const neighbour = tf.slice(padded, [0, 1 + dr, 1 + dc, 0], [-1, h, w, -1]);
        return tf.sum(tf.mul(tf.exp(neighbour), tf.sub(neighbour, logP)), 3);
      });
      const logQ = accurateLogSoftmax(tf.stack(divergences, 3));
      const targets = tf.tensor4d(weightedTargets, [b, h, w, directions.length]);
      const terms = tf.sum(tf.mul(targets, tf.neg(logQ)), 3);
      return reduceTerms(terms, options.reduction, tf.tensor3d(selected, [b, h, w]));
    };
  },
};
