/**
 * Boundary difference over union loss (Sun et al. 2023), as the authors' TransUNet code
 * (`BoundaryDoULoss`) computes it. Per class c, over the whole batch by default:
 *
 *   L_c = (Σ y² + Σ t² − 2 Σ y t + s) / (Σ y² + Σ t² − (1 + α_c) Σ y t + s),
 *   α_c = min(1 − 2 (C_c + s)/(S_c + s), α_max),           L = mean_c L_c,
 *
 * with S_c the number of target pixels of class c and C_c those of them on its boundary: a pixel
 * with at least one of its 4 face-neighbours outside the class, the image outside counting as
 * outside (the reference convolves with a 3×3 cross on a zero-padded mask). α_c is large for a
 * compact region (few boundary pixels per area), so the loss concentrates on its boundary, and
 * small or negative for thin ones. s = 1e-5, α_max = 0.8 (the authors' recommended truncation).
 *
 * Computed form: with E = Σ (y − t)² = Σ y² + Σ t² − 2 Σ y t and I = Σ y t,
 *   L_c = (E + s) / (E + s + (1 − α_c) I),
 * the same quotient without the cancellation of Σ y² + Σ t² − 2 Σ y t, so a near-perfect
 * prediction keeps its value and gradient in float32 (y − t as (1 − t)·y − t·(1 − y)); the
 * quotient's derivatives are the exact ones of `errorFraction`.
 *
 * Absent class: S_c = 0 makes Σ t = I = 0 and L_c = (E + s)/(E + s) = 1 exactly, with a zero
 * gradient (the reference's behaviour; it still counts in the mean). Ignored pixels are left out
 * of every sum and count as outside the class for C_c; a pool without any valid pixel has weight
 * 0, so all pixels ignored gives 0 with a zero gradient.
 *
 * @example
 *   const loss = createLoss('boundary-dou');
 *   const value = loss(labels, logits);
 */
import * as tf from '@tensorflow/tfjs-core';

import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { dropBackground, errorFraction, poolSum } from '../overlap.js';
import type { Pooling } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type BoundaryDouOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  smooth: number;
  maxAlpha: number | null;
  pooling: Extract<Pooling, 'class' | 'image-class'>;
  reduction: Reduction;
};

/**
 * 1 at the target pixels with a face-neighbour outside their class (the image outside counts as
 * outside), 0 elsewhere: `mask` minus its erosion by the 3×3 cross with zero padding.
 */
function innerBoundary(mask: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = mask.shape;
  const padded = tf.pad(mask, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const shifted = (dy: number, dx: number): tf.Tensor =>
    tf.slice(padded, [0, 1 + dy, 1 + dx, 0], [-1, h, w, -1]);
  const interior = [shifted(-1, 0), shifted(1, 0), shifted(0, -1), shifted(0, 1)].reduce(
    (a, b) => tf.mul(a, b),
    mask,
  );
  return tf.sub(mask, interior) as tf.Tensor4D;
}

export const boundaryDou: LossDefinition<BoundaryDouOptions> = {
  name: 'boundary-dou',
  category: 'boundary',
  title: 'Boundary difference over union loss',
  summary:
    'The mismatch of prediction and target over their union minus a part α of the overlap, α ' +
    'set by the boundary-to-area ratio of each target region.',
  formula:
    String.raw`\mathcal{L}_{BDoU} = \frac{1}{C}\sum_{c=1}^{C}` +
    String.raw`\frac{\sum_i y_{i,c}^2 + \sum_i t_{i,c}^2 - 2\sum_i y_{i,c}t_{i,c} + s}` +
    String.raw`{\sum_i y_{i,c}^2 + \sum_i t_{i,c}^2 - (1+\alpha_c)\sum_i y_{i,c}t_{i,c} + s}`,
  symbols:
    'α_c = min(1 − 2(C_c + s)/(S_c + s), 0.8): C_c the boundary pixels (4-neighbourhood) and ' +
    'S_c all pixels of class c in the target; s: smoothing constant (1e-5). Sums over the ' +
    'batch by default.',
  sources: ['sun2023'],
  surveyNote:
    'The survey, like the paper, writes (G ∪ P − G ∩ P)/(G ∪ P − α G ∩ P) with α = 1 − 2C/S on ' +
    "sets; the authors' code, implemented here, uses soft sets with squared masses, adds s and " +
    'caps α at 0.8.',
  whenToUse:
    'Medical structures where Dice leaves the boundary loose, especially large compact organs ' +
    '(α near its cap); a drop-in replacement for Dice.',
  pros: [
    'No distance transform: the boundary ratio is a 3×3 count on the target',
    'Bounded in [0, 1] and 0 at a perfect prediction, like Dice',
  ],
  cons: [
    'α depends on the target alone: thin structures (α ≤ 0) get Dice-like or weaker weighting',
    'An absent class costs exactly 1 with no gradient, in the mean',
  ],
  unreducedShape: "[K] with pooling 'class' (default); [B,K] with 'image-class'",
  minimum: 's/(s + (1 − α_c)·S_c) per present class: about 1e-7, 0 up to the smoothing',
  emptyPolicy:
    'A class absent from the pool gives exactly 1 with a zero gradient and counts in the mean ' +
    '(reference). Ignored pixels are left out of every sum and count as outside for the ' +
    'boundary count; a pool without valid pixels has weight 0 (all pixels ignored: 0, zero ' +
    'gradient).',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    smooth: commonOptions.smooth,
    maxAlpha: {
      type: 'number',
      default: 0.8,
      nullable: true,
      doc: 'Cap on α (the authors recommend 0.8); null: no cap (α < 1 anyway).',
    },
    pooling: {
      type: 'enum',
      default: 'class',
      values: ['class', 'image-class'],
      doc:
        "'class': one term per class over the whole batch (reference); 'image-class': one per " +
        'image and class.',
    },
    reduction: commonOptions.reduction,
  },
  parity: [
    { reference: 'sunfan-bvb BoundaryDoULoss(n_classes=C) (TransUNet/utils.py)', options: {} },
  ],
  build(options) {
    const s = options.smooth;
    return (input) => {
      const keep = options.includeBackground;
      const valid = input.valid;
      const t = dropBackground(tf.mul(input.target, valid) as tf.Tensor4D, keep);
      const y = dropBackground(tf.mul(input.probs, valid) as tf.Tensor4D, keep);
      const complement = dropBackground(input.complementProbs, keep);
      // y − t = (1 − t)·y − t·(1 − y), accurate for a saturated y.
      const error = tf.sub(tf.mul(tf.sub(1, t), y), tf.mul(t, complement));
      const pooled = (x: tf.Tensor): tf.Tensor => poolSum(x, options.pooling);
      const squaredError = pooled(tf.square(error));
      const overlap = pooled(tf.mul(y, t));
      const mask = tf.cast(tf.greater(t, 0.5), 'float32') as tf.Tensor4D;
      const size = pooled(mask);
      const edge = pooled(innerBoundary(mask));
      let alpha = tf.sub(1, tf.mul(2, tf.div(tf.add(edge, s), tf.add(size, s))));
      if (options.maxAlpha !== null) alpha = tf.minimum(alpha, options.maxAlpha);
      const terms = errorFraction(tf.add(squaredError, s), tf.mul(tf.sub(1, alpha), overlap));
      const hasPixels = tf.cast(tf.greater(pooled(valid), 0), 'float32');
      return reduceTerms(terms, options.reduction, hasPixels);
    };
  },
};
