/**
 * clDice, the centerline Dice loss (Shit et al. 2021), optionally mixed with soft Dice, as
 * jocpae/clDice's `soft_cldice` and `soft_dice_cldice` compute it:
 *
 *   Tprec = (Σ S(y)·t + s)/(Σ S(y) + s),   Tsens = (Σ S(t)·y + s)/(Σ S(t) + s),
 *   clDice = 2·Tprec·Tsens/(Tprec + Tsens),
 *   L = (1 − α)·(1 − Dice) + α·(1 − clDice),   Dice = (2 Σ y t + s)/(Σ y + Σ t + s),
 *
 * where S is the soft skeleton (`geometry/soft-skeleton.ts`, `iterations` erosions) and every sum
 * runs over all images, pixels and kept classes at once (the reference flattens everything,
 * background included by default; MONAI's SoftclDiceLoss drops it and uses 3 iterations). Tprec
 * is the fraction of the predicted skeleton inside the target, Tsens that of the target skeleton
 * covered by the prediction: both reward connected, centred thin structures. α = 1 (default)
 * gives clDice alone.
 *
 * Computed form, accurate near a perfect prediction: with u = 1 − Tprec = Σ S(y)(1 − t)/(Σ S(y)
 * + s) and v = 1 − Tsens = Σ S(t)(1 − y)/(Σ S(t) + s) summed directly (1 − y from the accurate
 * complement), 1 − clDice = (Tprec·v + Tsens·u)/(Tprec + Tsens); 1 − Dice = (FP + FN)/(FP + FN +
 * 2TP + s). Both equal the textbook forms and avoid 1 − (a number close to 1).
 *
 * Denominators are floored at 1e-7, so `smooth: 0` stays finite.
 *
 * Ignored pixels: the skeletons are taken of the whole maps (ignored pixels have t = 0), and the
 * ignored pixels are left out of every sum; all pixels ignored gives 0 with a zero gradient.
 *
 * @example
 *   const loss = createLoss('cl-dice', { alpha: 0.5 }); // jocpae soft_dice_cldice
 *   const value = loss(labels, logits);
 */
import * as tf from '@tensorflow/tfjs-core';

import { softSkeleton } from '../../geometry/soft-skeleton.js';
import { commonOptions } from '../options.js';
import type { Activation } from '../options.js';
import { dropBackground, errorFraction, overlapStatistics, safeDivide } from '../overlap.js';
import type { LossDefinition } from '../types.js';

type ClDiceOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  iterations: number;
  smooth: number;
  alpha: number;
};

export const clDice: LossDefinition<ClDiceOptions> = {
  name: 'cl-dice',
  category: 'boundary',
  title: 'clDice (centerline Dice), optionally with soft Dice',
  summary:
    'Dice between each mask and the soft skeleton of the other: rewards predictions that ' +
    'keep thin structures connected and centred.',
  formula:
    String.raw`\mathcal{L} = (1-\alpha)\left(1 - \frac{2\sum_{i,c} t_{i,c}y_{i,c} + s}` +
    String.raw`{\sum_{i,c} t_{i,c} + \sum_{i,c} y_{i,c} + s}\right) + \alpha\left(1 - ` +
    String.raw`\frac{2\,T_{prec}\,T_{sens}}{T_{prec} + T_{sens}}\right)`,
  symbols:
    'T_prec = (Σ S(y)·t + s)/(Σ S(y) + s), T_sens = (Σ S(t)·y + s)/(Σ S(t) + s); S: soft ' +
    'skeleton (iterated soft erosion and opening); s: smoothing (1); α: weight of clDice ' +
    '(1: clDice alone). Sums over all images, pixels and kept classes.',
  sources: ['shit2021'],
  surveyNote:
    'Not in the survey; added for thin, tubular structures (vessels, neurons, roads) on request.',
  whenToUse:
    'Tubular or curvilinear structures whose connectivity matters (vessels, airways, neurons, ' +
    'roads), mixed with Dice (α ≈ 0.3–0.5).',
  pros: [
    'Differentiable topology-aware term, pure tensor ops (no CPU work)',
    'Bounded in [0, 1], 0 at a perfect prediction',
  ],
  cons: [
    'The soft skeleton needs as many erosions as the thickest structure is wide (cost grows ' +
      'with iterations)',
    'Everything is pooled into one ratio, dominated by the largest classes',
  ],
  unreducedShape: '[] (a scalar: images, pixels and classes pooled)',
  minimum: '0 for a perfect prediction',
  emptyPolicy:
    'Pooled over everything, a missing class only removes its mass; with no target and no ' +
    'predicted skeleton the ratios are s/s = 1 and the loss 0. Ignored pixels are left out of ' +
    'every sum (skeletons are taken of the whole maps); all pixels ignored gives 0 with a zero ' +
    'gradient.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    iterations: {
      type: 'integer',
      default: 10,
      min: 0,
      doc: 'Erosions of the soft skeleton (jocpae/clDice hard-codes 10; MONAI uses 3).',
    },
    smooth: { ...commonOptions.smooth, default: 1 },
    alpha: {
      type: 'number',
      default: 1,
      min: 0,
      max: 1,
      doc: 'Weight of clDice; 1 − alpha weighs soft Dice (jocpae soft_dice_cldice: 0.5).',
    },
  },
  parity: [
    { reference: 'jocpae soft_cldice() (10 iterations, background included)', options: {} },
    { reference: 'jocpae soft_dice_cldice(alpha=0.5)', options: { alpha: 0.5 } },
    {
      reference: 'MONAI SoftclDiceLoss() (iter_=3, channel 0 dropped)',
      options: { iterations: 3, includeBackground: false },
    },
  ],
  build(options) {
    const s = options.smooth;
    return (input) => {
      const keep = options.includeBackground;
      const valid = input.valid;
      const y = dropBackground(input.probs, keep);
      const complement = dropBackground(input.complementProbs, keep);
      const t = dropBackground(tf.mul(input.target, valid) as tf.Tensor4D, keep);
      const skeletonY = tf.mul(softSkeleton(y, options.iterations), valid);
      const skeletonT = tf.mul(softSkeleton(t, options.iterations), valid);
      const predictedSkeleton = tf.add(tf.sum(skeletonY), s);
      const targetSkeleton = tf.add(tf.sum(skeletonT), s);
      const precision = safeDivide(tf.add(tf.sum(tf.mul(skeletonY, t)), s), predictedSkeleton);
      const sensitivity = safeDivide(tf.add(tf.sum(tf.mul(skeletonT, y)), s), targetSkeleton);
      const u = safeDivide(tf.sum(tf.mul(skeletonY, tf.sub(1, t))), predictedSkeleton);
      const v = safeDivide(tf.sum(tf.mul(skeletonT, complement)), targetSkeleton);
      const clDiceLoss = safeDivide(
        tf.add(tf.mul(precision, v), tf.mul(sensitivity, u)),
        tf.add(precision, sensitivity),
      );
      if (options.alpha === 1) return clDiceLoss;
      const stats = overlapStatistics(input, { pooling: 'all', includeBackground: keep });
      const diceLoss = errorFraction(tf.add(stats.fp, stats.fn), tf.add(tf.mul(stats.tp, 2), s));
      return tf.add(tf.mul(diceLoss, 1 - options.alpha), tf.mul(clDiceLoss, options.alpha));
    };
  },
};
