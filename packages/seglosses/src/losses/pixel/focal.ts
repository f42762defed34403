/**
 * Focal loss: cross-entropy scaled by (1 − p_t)^γ, so that well-classified pixels (p_t → 1)
 * contribute little and the gradient concentrates on the hard ones.
 *
 * Softmax:  ℓ_i = Σ_c a_c · t_ic · (1 − y_ic)^γ · (−log y_ic),
 *           L = Σ_i w_{t_i} ℓ_i / Σ_i w_{t_i}   (class weights exactly as in cross-entropy)
 * Sigmoid:  ℓ_i = (1/C) Σ_c w_c · a(t_ic) · (1 − p_t)^γ · BCE(x_ic, t_ic),   L = mean_i ℓ_i
 *           with 1 − p_t = (1 − t)·y + t·(1 − y) and a(t) = α·t + (1 − α)·(1 − t).
 * The α-balance of Lin et al.: sigmoid — α on positives, 1 − α on negatives (fvcore, MONAI);
 * softmax — 1 − α for class 0 and α for every other class (MONAI, kornia); off when null.
 * `denominator: 'elements'` averages over the B·H·W·C entries of the per-class tensor instead of
 * the B·H·W pixels, as MONAI and kornia do: the softmax value divided by C (sigmoid: unchanged).
 *
 * Stability: 1 − y comes from `PreparedInput.complementProbs` (summed from the other classes
 * for the largest softmax class, σ(−x) for sigmoid), and BCE = (1 − t)·softplus(x) +
 * t·softplus(−x) (softplus(x) − x = softplus(−x): both terms ≥ 0, nothing cancels). The power
 * goes through powOrZero, so γ < 1 keeps a finite gradient where p_t = 1 exactly. γ = 0 skips
 * the factor: plain CE.
 */
import * as tf from '@tensorflow/tfjs-core';

import { powOrZero } from '../../core/stable-math.js';
import { fusedKernelsActive } from '../../kernels/fused-kernels.js';
import { fusedSoftmaxCrossEntropy } from '../../kernels/softmax-cross-entropy.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { classWeightTensor } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type FocalOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  gamma: number;
  alpha: number | null;
  classWeights: number[] | null;
  denominator: 'pixels' | 'elements';
  reduction: Reduction;
};

export const focal: LossDefinition<FocalOptions> = {
  name: 'focal',
  category: 'pixel',
  title: 'Focal loss',
  summary: 'Cross-entropy down-weighted by (1 − p_t)^γ on pixels that are already well classified.',
  formula:
    String.raw`\mathcal{L}_{F} = -\frac{1}{N}\sum_{i=1}^{N}\sum_{c=1}^{C} \alpha_c\,` +
    String.raw`(1 - y_{i,c})^{\gamma}\, t_{i,c}\log y_{i,c}`,
  symbols:
    'γ ≥ 0: focusing parameter; α_c: balance factor (1 − α for class 0, α otherwise; 1 when ' +
    'alpha is null). Sigmoid: per-channel binary form with p_t, averaged over channels.',
  sources: ['lin2017'],
  whenToUse:
    'Many easy pixels (large, confidently predicted background) drown the gradient of the few ' +
    'hard ones; a drop-in replacement of cross-entropy.',
  pros: ['Focuses training on hard pixels', 'γ = 0 recovers cross-entropy exactly'],
  cons: [
    'Values are small and depend on γ, so its weight against other losses needs tuning',
    'Not a region measure: class imbalance is only addressed through α or class weights',
  ],
  unreducedShape:
    '[B,H,W] (per-pixel terms, weighted when classWeights is set; 0 at ignored pixels)',
  minimum: '0 for a one-hot prediction equal to the target',
  emptyPolicy:
    'Absent classes contribute nothing (softmax) or only their negative terms (sigmoid). All ' +
    'pixels ignored: 0 with a zero gradient. The mean runs over non-ignored pixels (with ' +
    "denominator 'elements', over their B·H·W·C class entries).",
  options: {
    activation: { ...commonOptions.activation, values: ['softmax', 'sigmoid'] },
    ignoreIndex: commonOptions.ignoreIndex,
    gamma: { type: 'number', default: 2, min: 0, doc: 'Focusing exponent γ (0: cross-entropy).' },
    alpha: {
      type: 'number',
      default: null,
      nullable: true,
      min: 0,
      max: 1,
      doc:
        'Balance α: sigmoid — α on positives, 1 − α on negatives; softmax — 1 − α on class 0 ' +
        'and α on the others. null: no balance.',
    },
    classWeights: commonOptions.classWeights,
    denominator: {
      type: 'enum',
      default: 'pixels',
      values: ['pixels', 'elements'],
      doc:
        "'pixels': mean over pixels of the per-pixel loss (as cross-entropy); 'elements': mean " +
        'over all B·H·W·C class entries (MONAI, kornia): softmax values are divided by C.',
    },
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: 'MONAI FocalLoss(to_onehot_y=True, use_softmax=True, gamma=2)',
      options: { denominator: 'elements', ignoreIndex: null },
    },
    {
      reference: 'MONAI FocalLoss(gamma=2) on one sigmoid channel',
      options: { activation: 'sigmoid', ignoreIndex: null },
    },
    {
      reference: "fvcore sigmoid_focal_loss(alpha=0.25, gamma=2, reduction='mean')",
      options: { activation: 'sigmoid', alpha: 0.25 },
    },
    {
      reference: "smp FocalLoss('multiclass', ignore_index=255) (one-vs-rest sigmoid per class)",
      options: { activation: 'sigmoid' },
    },
  ],
  build(options) {
    const { gamma, alpha } = options;
    return (input) => {
      const channels = input.numClasses;
      const weights = classWeightTensor('focal', options.classWeights, channels, true);
      if (options.activation === 'sigmoid') {
        const valid = tf.squeeze(input.valid, [3]);
        const target = input.target;
        const x = input.yPred;
        const negative = tf.sub(1, target);
        let perClass = tf.add(
          tf.mul(target, tf.softplus(tf.neg(x))),
          tf.mul(negative, tf.softplus(x)),
        );
        if (gamma > 0) {
          const miss = tf.add(tf.mul(negative, input.probs), tf.mul(target, input.complementProbs));
          perClass = tf.mul(perClass, powOrZero(miss, gamma));
        }
        if (alpha !== null) {
          perClass = tf.mul(perClass, tf.add(tf.mul(target, alpha), tf.mul(negative, 1 - alpha)));
        }
        if (weights !== undefined) perClass = tf.mul(perClass, weights);
        return reduceTerms(tf.mean(perClass, 3), options.reduction, valid);
      }
      const labels = input.labels;
      if (labels !== null && fusedKernelsActive()) {
        // One fused pass (kernels/softmax-cross-entropy.ts with γ per class), equal to the
        // composed form below: α, the class weights and 1/C ('elements') weight the terms;
        // the mean counts the pixels, or sums the class weights when they are given.
        const elements = options.denominator === 'elements' ? 1 / channels : 1;
        const termWeights = Array.from(
          { length: channels },
          (_, c) =>
            (alpha === null ? 1 : c === 0 ? 1 - alpha : alpha) *
            (options.classWeights?.[c] ?? 1) *
            elements,
        );
        return fusedSoftmaxCrossEntropy(input.yPred, labels, {
          ignoreIndex: input.options.ignoreIndex,
          classWeights: termWeights,
          countWeights: options.classWeights ?? 'pixels',
          gammas: new Array<number>(channels).fill(gamma),
          reduction: options.reduction,
        });
      }
      const valid = tf.squeeze(input.valid, [3]);
      const target = input.target;
      let perClass = tf.mul(target, tf.neg(input.logProbs));
      if (gamma > 0) perClass = tf.mul(perClass, powOrZero(input.complementProbs, gamma));
      if (alpha !== null) {
        const factors = Array.from({ length: channels }, (_, c) => (c === 0 ? 1 - alpha : alpha));
        perClass = tf.mul(perClass, tf.tensor1d(factors));
      }
      const summed = tf.sum(perClass, 3);
      const terms = options.denominator === 'elements' ? tf.div(summed, channels) : summed;
      if (weights === undefined) return reduceTerms(terms, options.reduction, valid);
      // Weight of each pixel = weight of its target class, as in cross-entropy.
      const pixelWeights = tf.mul(tf.sum(tf.mul(target, weights), 3), valid);
      return reduceTerms(terms, options.reduction, pixelWeights);
    };
  },
};
