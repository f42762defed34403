/**
 * Combo loss: a cross-entropy whose β trades false negatives against false positives, plus the
 * Dice loss, mixed by α.
 *
 *   L = α · (1/N) Σ_i Σ_k β_k · (−t_ik log y_ik)  +  (1 − α) · (1 − (1/(B·K)) Σ_{b,k} D_bk)
 *   β_k = 1 − β for the background (k = 0) and β for every foreground class,
 *   D_bk = (2 Σ_i y_ik t_ik + s) / (Σ_i y_ik + Σ_i t_ik + s)   per image b and class k.
 * For two classes the first term is the paper's −[β t log y + (1 − β)(1 − t) log(1 − y)]:
 * β > 0.5 penalises missed foreground (false negatives) more. y is clipped to [ε, 1 − ε] inside
 * the logarithm, as the Keras references do (K.epsilon() = 1e-7); ε = 0 uses the exact log y.
 *
 * 1 − D is computed as (FP + FN)/(2·TP + FP + FN + s) with FN summed from 1 − y (class-view.ts),
 * which stays accurate for a near-perfect prediction.
 */
import * as tf from '@tensorflow/tfjs-core';

import { fusedSoftmaxCrossEntropy } from '../../kernels/softmax-cross-entropy.js';
import { exclusiveClassView, exclusiveStatistics, fusedLabels } from '../class-view.js';
import { commonOptions } from '../options.js';
import type { Activation } from '../options.js';
import { dropBackground } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type ComboOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  alpha: number;
  beta: number;
  smooth: number;
  epsilon: number;
};

export const combo: LossDefinition<ComboOptions> = {
  name: 'combo',
  category: 'combination',
  title: 'Combo loss',
  summary: 'α-weighted mix of a β-weighted cross-entropy and the Dice loss.',
  formula:
    String.raw`\mathcal{L}_{Combo} = -\frac{\alpha}{N}\sum_{i=1}^{N}\sum_{c=1}^{C}\beta_c\,` +
    String.raw`t_{i,c}\log y_{i,c} + (1-\alpha)\Big(1 - \frac{1}{C}\sum_{c=1}^{C}` +
    String.raw`\frac{2\sum_i t_{i,c}y_{i,c} + s}{\sum_i t_{i,c} + \sum_i y_{i,c} + s}\Big)`,
  symbols:
    'α: weight of the cross-entropy; β_c = 1 − β for the background and β for the other ' +
    'classes; s: Dice smoothing. The Dice mean runs over images and kept classes.',
  sources: ['taghanaki2019'],
  surveyNote:
    'Taghanaki et al. subtract α-weighted Dice scores (−(1 − α)·Σ Dice), so their loss reaches ' +
    '−(1 − α) at best; here the Dice term is 1 − mean Dice, which only adds the constant ' +
    '(1 − α) and makes 0 the minimum (gradients are identical). The mlyg reference puts β on ' +
    'channel 0 (background): mlyg β = 1 − ours.',
  whenToUse:
    'Imbalanced binary or multi-organ segmentation where false negatives and false positives ' +
    'have different costs.',
  pros: ['Dice handles class imbalance, CE keeps gradients smooth', 'β sets the FN/FP trade-off'],
  cons: ['Two weights to tune', 'β is only meaningful with a background class at channel 0'],
  unreducedShape: 'scalar (no reduction option: a pixel mean and a region mean are mixed)',
  minimum: '0 for a one-hot prediction equal to the target (≈ α·ε from the clipping)',
  emptyPolicy:
    'A class absent from an image keeps its Dice term, 1 − s/(Σ y + s): near 0 only when it ' +
    'is also predicted absent. Ignored pixels are removed from both terms; the CE mean runs ' +
    'over non-ignored pixels. All pixels ignored: 0 with a zero gradient.',
  options: {
    activation: {
      ...commonOptions.activation,
      values: ['softmax', 'sigmoid'],
      doc: "softmax over C ≥ 2 classes, or 'sigmoid' on one channel (binary).",
    },
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: {
      ...commonOptions.includeBackground,
      doc: 'Whether the background (channel 0) takes part in the Dice mean.',
    },
    alpha: { type: 'number', default: 0.5, min: 0, max: 1, doc: 'Weight α of the CE term.' },
    beta: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      doc: 'CE weight of the foreground classes (1 − β on the background); > 0.5 penalises FN.',
    },
    smooth: {
      ...commonOptions.smooth,
      default: 2e-6,
      doc: "Dice smoothing s (2e-6 is mlyg's 1e-6 in its (TP + s)/(TP + ½FP + ½FN + s) form).",
    },
    epsilon: {
      type: 'number',
      default: 1e-7,
      min: 0,
      max: 0.5,
      doc: 'y is clipped to [ε, 1 − ε] in the CE (Keras K.epsilon()); 0: no clipping.',
    },
  },
  parity: [
    {
      reference: 'mlyg combo_loss(alpha=0.5, beta=0.5) (2-channel softmax)',
      options: {},
      relation: 'mlyg = ours − (1 − α); mlyg beta = 1 − ours beta',
    },
  ],
  build(options) {
    const { alpha, beta, epsilon } = options;
    return (input) => {
      const view = exclusiveClassView('combo', input);
      const classBeta = Array.from({ length: view.numClasses }, (_, k) =>
        k === 0 ? 1 - beta : beta,
      );
      const labels = fusedLabels(input);
      let ceMean: tf.Tensor;
      if (labels !== null) {
        // Fused (kernels/softmax-cross-entropy.ts): β weights the terms, the mean counts pixels.
        ceMean = fusedSoftmaxCrossEntropy(input.yPred, labels, {
          ignoreIndex: input.options.ignoreIndex,
          classWeights: classBeta,
          countWeights: 'pixels',
          epsilon,
          reduction: 'mean',
        });
      } else {
        const logProbs =
          epsilon > 0
            ? tf.clipByValue(view.logProbs, Math.log(epsilon), Math.log1p(-epsilon))
            : view.logProbs;
        const weighted = tf.mul(tf.mul(view.target, logProbs), tf.tensor1d(classBeta));
        ceMean = reduceTerms(tf.neg(tf.sum(weighted, 3)), 'mean', tf.squeeze(view.valid, [3]));
      }

      const { tp, fp, fn } = exclusiveStatistics(input, view);
      const errors = tf.add(fp, fn);
      const diceLoss = tf.div(errors, tf.add(tf.add(tf.mul(tp, 2), errors), options.smooth));
      const diceMean = tf.mean(dropBackground(diceLoss, options.includeBackground));
      return tf.add(tf.mul(ceMean, alpha), tf.mul(diceMean, 1 - alpha));
    };
  },
};
