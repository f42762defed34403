/**
 * Soft Dice loss.
 *
 * Per image b and class c (or per class over the whole batch with `batch: true`):
 *   D_{b,c} = (2 Σ_i y_{ic} t_{ic} + s) / (Σ_i y_{ic} + Σ_i t_{ic} + s),   L = mean (1 − D)
 * With `squaredDenominator`, the masses are Σ y² and Σ t² (Milletari et al.'s form).
 */
import * as tf from '@tensorflow/tfjs-core';

import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { classWeightTensor, overlapStatistics } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type DiceOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  classWeights: number[] | null;
  smooth: number;
  squaredDenominator: boolean;
  batch: boolean;
  reduction: Reduction;
};

export const dice: LossDefinition<DiceOptions> = {
  name: 'dice',
  category: 'region',
  title: 'Dice loss',
  summary: 'One minus the soft Dice overlap between predicted probabilities and the target.',
  formula:
    String.raw`\mathcal{L}_{Dice} = 1 - \frac{1}{C}\sum_{c=1}^{C}` +
    String.raw`\frac{2\sum_{i=1}^{N} t_{i,c}\,y_{i,c} + s}{\sum_{i=1}^{N} t_{i,c} + ` +
    String.raw`\sum_{i=1}^{N} y_{i,c} + s}`,
  symbols: 's: smoothing constant. The mean runs over images and kept classes.',
  sources: ['milletari2016'],
  whenToUse:
    'Imbalanced foreground/background (small organs, lesions); usually combined with ' +
    'cross-entropy for stable early training.',
  pros: ['Insensitive to the size of the background', 'Optimises the evaluation metric directly'],
  cons: ['Noisy gradients for small or absent structures', 'Poorly calibrated probabilities'],
  unreducedShape: '[B,C] per image and kept class, or [C] with batch: true',
  minimum: '0 (up to the smoothing constant) for a perfect prediction',
  emptyPolicy:
    'A class absent from the target keeps its term: 1 − s/(Σ y + s), close to 0 only when ' +
    'the prediction is also empty (MONAI convention). Ignored pixels are removed from all sums.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    classWeights: commonOptions.classWeights,
    smooth: commonOptions.smooth,
    squaredDenominator: {
      type: 'boolean',
      default: false,
      doc: 'Use Σ y² + Σ t² in the denominator (V-Net).',
    },
    batch: {
      type: 'boolean',
      default: false,
      doc: 'Pool the sums over the batch: one Dice per class instead of per image and class.',
    },
    reduction: commonOptions.reduction,
  },
  parity: [
    { reference: 'MONAI DiceLoss(softmax=True, to_onehot_y=True)', options: {} },
    {
      reference: 'MONAI DiceLoss(..., include_background=False, batch=True)',
      options: { includeBackground: false, batch: true },
    },
    {
      reference: 'nnU-Net v2 SoftDiceLoss(batch_dice=False, do_bg=False, smooth=1e-5)',
      options: { includeBackground: false },
      relation: 'nnU-Net returns −Dice = ours − 1',
    },
  ],
  build(options) {
    return (input) => {
      const stats = overlapStatistics(input, {
        batch: options.batch,
        includeBackground: options.includeBackground,
        squared: options.squaredDenominator,
      });
      const s = options.smooth;
      const score = tf.div(
        tf.add(tf.mul(stats.tp, 2), s),
        tf.add(tf.add(stats.predMass, stats.targetMass), s),
      );
      const terms = tf.sub(1, score);
      const weights = classWeightTensor(
        'dice',
        options.classWeights,
        input.numClasses,
        options.includeBackground,
      );
      return reduceTerms(terms, options.reduction, weights);
    };
  },
};
