/**
 * Log-Cosh Dice loss (Jadon 2020).
 *
 * Per pool k (by default everything flattened into one, as Jadon's code does; see `pooling`):
 *   x_k = 1 − (2 Σ y t + s)/(Σ y + Σ t + s) = (FP_k + FN_k)/(Σ y + Σ t + s)   (the Dice loss)
 *   L = mean_k log cosh(x_k)
 * x is evaluated as (FP + FN)/(…) so it keeps its relative accuracy near a perfect prediction.
 *
 * Stable log-cosh: cosh x = e^{|x|} (1 + e^{−2|x|})/2, hence
 *   log cosh x = |x| + log(1 + e^{−2|x|}) − ln 2 = |x| + softplus(−2|x|) − ln 2,
 * which never overflows (e^{−2|x|} ≤ 1) but is only accurate to about 1e-7 absolute (the
 * float32 rounding of ln 2, cancelling against |x| + softplus). For |x| < 1/4 the Taylor series
 *   log cosh x = x²/2 − x⁴/12 + x⁶/45 − 17x⁸/2520 + O(x¹⁰)
 * is used instead: its first omitted term, 31x¹⁰/14175, is below 1e-8 of the value there, so
 * the value is relatively accurate everywhere. The derivative is tanh x; differentiating the
 * stable form would compute it as sign(x)·(1 − 2σ(−2|x|)), which cancels for small x, so the
 * gradient is supplied directly as tanh(x), accurate down to the smallest x.
 *
 * @example
 *   const loss = createLoss('log-cosh-dice');
 *   const value = loss(labels, logits); // labels int32 [B,H,W], logits float32 [B,H,W,C]
 */
import * as tf from '@tensorflow/tfjs-core';

import { unaryCustomGrad } from '../../core/stable-activations.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import {
  overlapStatistics,
  pooledShapeText,
  reduceRegionTerms,
  errorFraction,
} from '../overlap.js';
import type { AbsentClasses, Pooling } from '../overlap.js';
import type { LossDefinition } from '../types.js';
import { regionOptions } from './region-options.js';

type LogCoshDiceOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  classWeights: number[] | null;
  smooth: number;
  pooling: Pooling;
  absentClasses: AbsentClasses;
  reduction: Reduction;
};

/** log cosh x, stable for any x, with the exact derivative tanh x. */
export const logCosh: (x: tf.Tensor) => tf.Tensor = unaryCustomGrad((x, save) => {
  save([x]);
  const magnitude = tf.abs(x);
  const stable = tf.sub(tf.add(magnitude, tf.softplus(tf.mul(magnitude, -2))), Math.LN2);
  const u = tf.square(x);
  const series = tf.mul(
    u,
    tf.add(1 / 2, tf.mul(u, tf.add(-1 / 12, tf.mul(u, tf.sub(1 / 45, tf.mul(u, 17 / 2520)))))),
  );
  return {
    value: tf.where(tf.less(magnitude, 0.25), series, stable),
    gradFunc: (dy, [input]) => tf.mul(dy, tf.tanh(input)),
  };
});

export const logCoshDice: LossDefinition<LogCoshDiceOptions> = {
  name: 'log-cosh-dice',
  category: 'region',
  title: 'Log-Cosh Dice loss',
  summary: 'The Dice loss passed through log cosh, which smooths it near 0 (quadratic there).',
  formula:
    String.raw`\mathcal{L}_{lc\text{-}Dice} = \log\cosh\left(1 - ` +
    String.raw`\frac{2\sum_{i=1}^{N}\sum_{c=1}^{C} t_{i,c}\,y_{i,c} + s}` +
    String.raw`{\sum_{i=1}^{N}\sum_{c=1}^{C} t_{i,c} + ` +
    String.raw`\sum_{i=1}^{N}\sum_{c=1}^{C} y_{i,c} + s}\right)`,
  symbols:
    'cosh x = (e^x + e^{−x})/2; s: smoothing constant (1 by default). Shown for the default ' +
    "pooling 'all'; with another pooling the log cosh is applied to each pool's Dice loss " +
    'and the results are averaged.',
  sources: ['jadon2020'],
  surveyNote:
    'The survey prints the loss with sinh; Jadon defines it with cosh, log((e^x + e^{−x})/2) ' +
    'of the Dice loss, and so does his code. This library implements log cosh: log sinh would ' +
    'be −∞ at a perfect prediction.',
  whenToUse:
    'Where the Dice loss trains unstably near convergence; a drop-in replacement for Dice ' +
    '(binary or with the classes pooled, as in the original).',
  pros: ['Smooth and quadratic near 0, linear-like for large errors', 'Bounded like Dice'],
  cons: [
    'Since the Dice loss lies in [0, 1], log cosh only rescales it (gradient × tanh x ≤ 0.77)',
    "The default pools all classes into one Dice, dominated by the background's mass",
  ],
  unreducedShape: pooledShapeText('all'),
  minimum: '0 (up to the smoothing constant) for a perfect prediction',
  emptyPolicy:
    "With the default pooling 'all' a missing class only removes its mass from the sums. With " +
    "per-class pooling, absentClasses applies as for Dice ('keep': term log cosh(Σ y/(Σ y + " +
    "s)); 'zero'; 'drop'). Ignored pixels are removed from all sums; all pixels ignored gives 0 " +
    'with a zero gradient.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    classWeights: commonOptions.classWeights,
    smooth: { ...commonOptions.smooth, default: 1 },
    pooling: { ...regionOptions.pooling, default: 'all' },
    absentClasses: regionOptions.absentClasses,
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: 'Jadon log_cosh_dice_loss (binary: one sigmoid channel, flattened batch)',
      options: { activation: 'sigmoid' },
    },
    {
      reference: 'Jadon log_cosh_dice_loss (multi-class: one-hot and softmax, all flattened)',
      options: {},
    },
  ],
  build(options) {
    return (input) => {
      const stats = overlapStatistics(input, {
        pooling: options.pooling,
        includeBackground: options.includeBackground,
      });
      // Σ y + Σ t = 2TP + FP + FN, so the Dice loss is (FP + FN)/((FP + FN) + (2TP + s)).
      const diceLoss = errorFraction(
        tf.add(stats.fp, stats.fn),
        tf.add(tf.mul(stats.tp, 2), options.smooth),
      );
      const terms = logCosh(diceLoss);
      return reduceRegionTerms('log-cosh-dice', terms, stats.targetMass, input.numClasses, options);
    };
  },
};
