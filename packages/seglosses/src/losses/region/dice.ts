/**
 * Soft Dice loss.
 *
 * Per pool k (by default one image and class; see `pooling`):
 *   D_k = (2 Σ_{i∈k} y_i t_i + s) / (Σ_{i∈k} y_i + Σ_{i∈k} t_i + s),   L = mean_k (1 − D_k)
 * With `squaredDenominator`, the masses are Σ y² and Σ t² (Milletari et al.'s form).
 * The denominator is floored at 1e-7, so `smooth: 0` (smp) stays finite.
 */
import * as tf from '@tensorflow/tfjs-core';

import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { overlapStatistics, pooledShapeText, reduceRegionTerms, safeDivide } from '../overlap.js';
import type { AbsentClasses, Pooling } from '../overlap.js';
import type { LossDefinition } from '../types.js';
import { regionOptions } from './region-options.js';

type DiceOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  classWeights: number[] | null;
  smooth: number;
  squaredDenominator: boolean;
  pooling: Pooling;
  absentClasses: AbsentClasses;
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
  symbols:
    's: smoothing constant. The mean runs over the pools (by default images × kept classes).',
  sources: ['milletari2016'],
  whenToUse:
    'Imbalanced foreground/background (small organs, lesions); usually combined with ' +
    'cross-entropy for stable early training.',
  pros: ['Insensitive to the size of the background', 'Optimises the evaluation metric directly'],
  cons: ['Noisy gradients for small or absent structures', 'Poorly calibrated probabilities'],
  unreducedShape: pooledShapeText(),
  minimum: '0 (up to the smoothing constant) for a perfect prediction',
  emptyPolicy:
    "With absentClasses: 'keep' (default) a class absent from the target keeps its term " +
    '1 − s/(Σ y + s), close to 0 only when the prediction is also empty (MONAI convention); ' +
    "'zero' gives it 0 but still counts it in the mean (smp); 'drop' leaves it out of the " +
    'mean. Ignored pixels are removed from all sums; all pixels ignored gives 0.',
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
    pooling: regionOptions.pooling,
    absentClasses: regionOptions.absentClasses,
    reduction: commonOptions.reduction,
  },
  parity: [
    { reference: 'MONAI DiceLoss(softmax=True, to_onehot_y=True)', options: {} },
    {
      reference: 'MONAI DiceLoss(..., include_background=False, batch=True)',
      options: { includeBackground: false, pooling: 'class' },
    },
    {
      reference: 'nnU-Net v2 SoftDiceLoss(batch_dice=False, do_bg=False, smooth=1e-5)',
      options: { includeBackground: false },
      relation: 'nnU-Net returns −Dice = ours − 1',
    },
    {
      reference: "smp DiceLoss('multiclass', ignore_index=255) (smooth=0, eps=1e-7)",
      options: { pooling: 'class', absentClasses: 'zero', smooth: 0 },
    },
    {
      reference: "kornia 0.7 dice_loss(average='micro')",
      options: { pooling: 'image', smooth: 0 },
      relation:
        'kornia adds 1e-6 to every one-hot target entry and 1e-8 to the denominator only: ' +
        'equal up to about 1e-6 (absolute)',
    },
  ],
  build(options) {
    return (input) => {
      const stats = overlapStatistics(input, {
        pooling: options.pooling,
        includeBackground: options.includeBackground,
        squared: options.squaredDenominator,
      });
      const s = options.smooth;
      const score = safeDivide(
        tf.add(tf.mul(stats.tp, 2), s),
        tf.add(tf.add(stats.predMass, stats.targetMass), s),
      );
      const terms = tf.sub(1, score);
      return reduceRegionTerms('dice', terms, stats.targetMass, input.numClasses, options);
    };
  },
};
