/**
 * Cross-entropy, optionally class-weighted.
 *
 * Softmax:  L = Σ_i w_{t_i} · (−Σ_c t_{ic} log y_{ic}) / Σ_i w_{t_i}
 * Sigmoid:  L_i = (1/C) Σ_c w_c · (softplus(x_{ic}) − x_{ic} t_{ic})   (binary CE with logits)
 *
 * log y comes from `logSoftmax` (log-sum-exp), and the sigmoid form uses
 * −[t log σ(x) + (1−t) log(1−σ(x))] = softplus(x) − x·t, so logits of ±100 stay finite.
 */
import * as tf from '@tensorflow/tfjs-core';

import { fusedKernelsActive } from '../../kernels/fused-kernels.js';
import { fusedSoftmaxCrossEntropy } from '../../kernels/softmax-cross-entropy.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { reduceTerms } from '../reduce.js';
import { classWeightTensor } from '../overlap.js';
import type { LossDefinition } from '../types.js';

type CrossEntropyOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  classWeights: number[] | null;
  reduction: Reduction;
};

export const crossEntropy: LossDefinition<CrossEntropyOptions> = {
  name: 'cross-entropy',
  category: 'pixel',
  title: 'Cross-entropy (incl. class-weighted)',
  summary: 'Negative log-likelihood of the true class at every pixel, averaged over pixels.',
  formula:
    String.raw`\mathcal{L}_{CE} = -\frac{1}{\sum_i w_{t_i}} \sum_{i=1}^{N} w_{t_i} ` +
    String.raw`\sum_{c=1}^{C} t_{i,c}\,\log y_{i,c}`,
  symbols: 'w_c: weight of class c (1 by default); t_i: the true class of pixel i.',
  sources: ['long2015', 'ronneberger2015'],
  whenToUse:
    'The default for balanced classes and the usual partner of Dice; weight classes when ' +
    'their frequencies differ a lot.',
  pros: ['Smooth, well-behaved gradients', 'Calibrated probabilities', 'Cheap'],
  cons: ['Dominated by large classes when classes are imbalanced'],
  unreducedShape: '[B,H,W] (weighted per-pixel terms, 0 at ignored pixels)',
  minimum: '0 for a one-hot prediction equal to the target',
  emptyPolicy:
    'Absent classes contribute nothing. All pixels ignored: 0 with a zero gradient. The ' +
    "weighted mean divides by Σ w of the target classes, as PyTorch's cross_entropy does.",
  options: {
    activation: { ...commonOptions.activation, values: ['softmax', 'sigmoid'] },
    ignoreIndex: commonOptions.ignoreIndex,
    classWeights: commonOptions.classWeights,
    reduction: commonOptions.reduction,
  },
  parity: [
    { reference: 'torch.nn.functional.cross_entropy(ignore_index=255)', options: {} },
    {
      reference: 'torch.nn.functional.cross_entropy(weight=w, ignore_index=255)',
      options: { classWeights: 'w' },
    },
    {
      reference: 'torch.nn.functional.binary_cross_entropy_with_logits (C = 1)',
      options: { activation: 'sigmoid' },
    },
    { reference: 'nnU-Net v2 RobustCrossEntropyLoss(ignore_index=255)', options: {} },
  ],
  build(options) {
    return (input) => {
      const channels = input.numClasses;
      const weights = classWeightTensor('cross-entropy', options.classWeights, channels, true);
      const labels = input.labels;
      if (options.activation === 'softmax' && labels !== null && fusedKernelsActive()) {
        // One fused pass (kernels/softmax-cross-entropy.ts), equal to the composed form below.
        return fusedSoftmaxCrossEntropy(input.yPred, labels, {
          ignoreIndex: input.options.ignoreIndex,
          classWeights: options.classWeights,
          reduction: options.reduction,
        });
      }
      const valid = tf.squeeze(input.valid, [3]);
      const target = input.target;
      if (options.activation === 'sigmoid') {
        const logits = input.yPred;
        const perClass = tf.sub(tf.softplus(logits), tf.mul(logits, target));
        const weighted = weights === undefined ? perClass : tf.mul(perClass, weights);
        const terms = tf.mean(weighted, 3);
        return reduceTerms(terms, options.reduction, valid);
      }
      const terms = tf.neg(tf.sum(tf.mul(target, input.logProbs), 3));
      if (weights === undefined) return reduceTerms(terms, options.reduction, valid);
      // Weight of each pixel = weight of its target class (soft targets: the expectation).
      const pixelWeights = tf.mul(tf.sum(tf.mul(target, weights), 3), valid);
      return reduceTerms(terms, options.reduction, pixelWeights);
    };
  },
};
