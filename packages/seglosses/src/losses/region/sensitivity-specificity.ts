/**
 * Sensitivity–specificity loss (Brosch et al. 2015), as SegLossOdyssey computes it.
 *
 * Per pool k (by default one image and class; see `pooling`):
 *   L_k = r · Σ (t − y)² t / (Σ t + s)  +  (1 − r) · Σ (t − y)² (1 − t) / (Σ (1 − t) + s)
 *   L = mean_k L_k
 * The first term is the squared error on the target's pixels (a soft 1 − sensitivity), the
 * second the squared error on the other pixels (a soft 1 − specificity). t − y is evaluated as
 * t (1 − y) − (1 − t) y with 1 − y from `complementProbs`, so a near-perfect prediction keeps
 * an accurate (tiny) value and gradient.
 *
 * @example
 *   const loss = createLoss('sensitivity-specificity', { sensitivityWeight: 0.1 });
 *   const value = loss(labels, logits); // labels int32 [B,H,W], logits float32 [B,H,W,C]
 */
import * as tf from '@tensorflow/tfjs-core';

import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import {
  dropBackground,
  fusedOverlapStatistics,
  poolSum,
  pooledShapeText,
  reduceRegionTerms,
  safeDivide,
} from '../overlap.js';
import type { Pooling } from '../overlap.js';
import type { LossDefinition } from '../types.js';
import { regionOptions } from './region-options.js';

type SensitivitySpecificityOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  classWeights: number[] | null;
  sensitivityWeight: number;
  smooth: number;
  pooling: Pooling;
  reduction: Reduction;
};

export const sensitivitySpecificity: LossDefinition<SensitivitySpecificityOptions> = {
  name: 'sensitivity-specificity',
  category: 'region',
  title: 'Sensitivity–specificity loss',
  summary:
    'A weighted sum of the mean squared errors on the target pixels (sensitivity) and on the ' +
    'other pixels (specificity).',
  formula:
    String.raw`\mathcal{L}_{SS} = \frac{1}{C}\sum_{c=1}^{C}\left( r\,` +
    String.raw`\frac{\sum_{i} (t_{i,c} - y_{i,c})^2\, t_{i,c}}{\sum_{i} t_{i,c} + s} + (1 - r)\,` +
    String.raw`\frac{\sum_{i} (t_{i,c} - y_{i,c})^2\,(1 - t_{i,c})}` +
    String.raw`{\sum_{i} (1 - t_{i,c}) + s}\right)`,
  symbols:
    'r: weight of the sensitivity term (option sensitivityWeight); s: smoothing constant (1 ' +
    'by default). The mean runs over the pools (images × kept classes).',
  sources: ['brosch2015'],
  surveyNote:
    'The survey is inconsistent about which term r weights. This library implements Brosch ' +
    'et al.: r multiplies the error on the target pixels (sensitivity) and 1 − r the error ' +
    'on the other pixels (specificity), which is also what SegLossOdyssey computes (its ' +
    'variable names call the r-weighted term "specificity", but the sums are the ' +
    'sensitivity term). The default r = 0.1 is the value SegLossOdyssey hard-codes.',
  whenToUse:
    'Very small lesions where a plain squared error would be dominated by the background; ' +
    'r trades missed lesion pixels against false alarms.',
  pros: ['Smooth squared-error gradients', 'Explicit sensitivity/specificity trade-off'],
  cons: [
    'Squared errors give weak gradients for confident mistakes',
    'Less used than Dice/Tversky; r needs tuning',
  ],
  unreducedShape: pooledShapeText(),
  minimum: '0 for a perfect prediction',
  emptyPolicy:
    'A class absent from the target has a sensitivity term of 0 (0/(0 + s)) and keeps its ' +
    'specificity term. Ignored pixels are removed from all sums; all pixels ignored gives 0 ' +
    'with a zero gradient.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    classWeights: commonOptions.classWeights,
    sensitivityWeight: {
      type: 'number',
      default: 0.1,
      min: 0,
      max: 1,
      doc: 'r: weight of the sensitivity term; 1 − r weights the specificity term.',
    },
    smooth: { ...commonOptions.smooth, default: 1 },
    pooling: regionOptions.pooling,
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: 'SegLossOdyssey SSLoss(apply_nonlin=softmax_helper) (r=0.1, smooth=1)',
      options: {},
    },
  ],
  build(options) {
    return (input) => {
      const keep = options.includeBackground;
      const r = options.sensitivityWeight;
      const s = options.smooth;
      const pooling = options.pooling;
      const reduce = (terms: tf.Tensor, targetMass: tf.Tensor) =>
        reduceRegionTerms('sensitivity-specificity', terms, targetMass, input.numClasses, {
          ...options,
          absentClasses: 'keep',
        });
      const fused = fusedOverlapStatistics(input, { includeBackground: keep, pooling });
      if (fused !== null) {
        // Σ (t − y)² t = Σ (1 − y)² t and Σ (t − y)² (1 − t) = Σ y² (1 − t), from one pass.
        const targetMass = fused.targetMass;
        const sensitivity = safeDivide(fused.fn2, tf.add(targetMass, s));
        const negatives = tf.sub(fused.validMass, targetMass);
        const specificity = safeDivide(fused.fp2, tf.add(negatives, s));
        return reduce(tf.add(tf.mul(sensitivity, r), tf.mul(specificity, 1 - r)), targetMass);
      }
      const valid = input.valid;
      const target = dropBackground(tf.mul(input.target, valid) as tf.Tensor4D, keep);
      const negative = dropBackground(tf.mul(tf.sub(1, input.target), valid) as tf.Tensor4D, keep);
      const probs = dropBackground(input.probs, keep);
      const complement = dropBackground(input.complementProbs, keep);
      // t − y = t(1 − y) − (1 − t)y, both products accurate.
      const error = tf.sub(tf.mul(target, complement), tf.mul(negative, probs));
      const squared = tf.square(error);
      const targetMass = poolSum(target, pooling);
      const sensitivity = safeDivide(
        poolSum(tf.mul(squared, target), pooling),
        tf.add(targetMass, s),
      );
      const specificity = safeDivide(
        poolSum(tf.mul(squared, negative), pooling),
        tf.add(poolSum(negative, pooling), s),
      );
      return reduce(tf.add(tf.mul(sensitivity, r), tf.mul(specificity, 1 - r)), targetMass);
    };
  },
};
