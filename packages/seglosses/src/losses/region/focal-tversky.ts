/**
 * Focal Tversky loss (Abraham & Khan 2019).
 *
 * With the Tversky index TI_k of each pool k (see tversky.ts; α on false positives, β on false
 * negatives):
 *   focalOn 'term':  L = mean_k (1 − TI_k)^γ           (Abraham & Khan, mlyg)
 *   focalOn 'mean':  L = (mean_k (1 − TI_k))^γ         (smp, SegLossOdyssey)
 * With pooling 'all' the classes are flattened into one index (Abraham & Khan's code).
 *
 * x^γ has an infinite slope at x = 0 when γ < 1, and x = 1 − TI is exactly 0 for a pool with no
 * error at all (every pixel ignored, or one-hot probabilities equal to the target). Its gradient
 * there is taken as 0 — x ≥ 0 is at its minimum — instead of ∞·0 = NaN. Elsewhere it is
 * γ x^(γ−1); x comes from `tverskyError`, accurate when tiny, so the slope stays correct near a
 * perfect prediction.
 *
 * @example
 *   const loss = createLoss('focal-tversky', { gamma: 0.75 });
 *   const value = loss(labels, logits); // labels int32 [B,H,W], logits float32 [B,H,W,C]
 */
import * as tf from '@tensorflow/tfjs-core';

import { notSupported } from '../../core/errors.js';
import { unaryCustomGrad } from '../../core/stable-activations.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { overlapStatistics, pooledShapeText, reduceRegionTerms, tverskyError } from '../overlap.js';
import type { AbsentClasses, Pooling } from '../overlap.js';
import type { LossDefinition } from '../types.js';
import { regionOptions } from './region-options.js';
import { tverskyWeightOptions } from './tversky.js';

type FocalTverskyOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  classWeights: number[] | null;
  alpha: number;
  beta: number;
  gamma: number;
  focalOn: 'term' | 'mean';
  clip: number;
  smooth: number;
  pooling: Pooling;
  absentClasses: AbsentClasses;
  reduction: Reduction;
};

/** x^γ for x ≥ 0, with the gradient γ x^(γ−1) taken as 0 at x = 0 when γ < 1. */
function focalPower(gamma: number): (x: tf.Tensor) => tf.Tensor {
  return unaryCustomGrad((x, save) => {
    save([x]);
    return {
      value: tf.pow(x, gamma),
      gradFunc: (dy, [base]) => {
        const positive = tf.greater(base, 0);
        const safeBase = tf.where(positive, base, tf.onesLike(base));
        const slope = tf.mul(tf.pow(safeBase, gamma - 1), gamma);
        // At x = 0 the slope is γ·0^(γ−1): 1 for γ = 1, 0 for γ > 1, and taken as 0 for γ < 1.
        const atZero = gamma === 1 ? 1 : 0;
        return tf.mul(dy, tf.where(positive, slope, tf.fill(base.shape, atZero)));
      },
    };
  });
}

export const focalTversky: LossDefinition<FocalTverskyOptions> = {
  name: 'focal-tversky',
  category: 'region',
  title: 'Focal Tversky loss',
  summary:
    'The Tversky loss raised to a power γ (0.75), which reshapes how easy and hard pools ' +
    'contribute to the gradient.',
  formula:
    String.raw`\mathcal{L}_{FT} = \frac{1}{C}\sum_{c=1}^{C}\left(1 - ` +
    String.raw`\frac{\sum_{i} t_{i,c} y_{i,c} + s}{\sum_{i} t_{i,c} y_{i,c} + ` +
    String.raw`\alpha \sum_{i} (1 - t_{i,c})\, y_{i,c} + ` +
    String.raw`\beta \sum_{i} t_{i,c} (1 - y_{i,c}) + s}` +
    String.raw`\right)^{\gamma}`,
  symbols:
    'α: weight of false positives; β: weight of false negatives; γ: focal exponent (the ' +
    "paper's 1/γ); s: smoothing constant. The mean runs over the pools (images × kept classes).",
  sources: ['abraham2019', 'salehi2017'],
  surveyNote:
    'Abraham & Khan write the exponent as 1/γ with γ = 4/3; their code, mlyg and smp use the ' +
    'exponent itself (0.75): `gamma` here is that exponent. As for the Tversky loss, α weights ' +
    'the false positives and β the false negatives (the survey prints them swapped).',
  whenToUse:
    'Small lesions with Tversky-style recall weighting, when training with plain Tversky ' +
    'plateaus on the hard cases.',
  pros: [
    'With γ < 1 the training signal stays strong as 1 − TI shrinks, late in training',
    'Keeps the precision/recall trade-off of Tversky',
  ],
  cons: [
    'With γ < 1 the slope grows without bound as 1 − TI → 0 (can oscillate near the end)',
    'Three hyper-parameters; references disagree on where γ is applied',
  ],
  unreducedShape:
    `focalOn 'term' (default): ${pooledShapeText()}. focalOn 'mean' has no unreduced form ` +
    "(reduction 'none' is not supported)",
  minimum: '0 (up to the smoothing constant) for a perfect prediction',
  emptyPolicy:
    "As the Tversky loss: absentClasses 'keep' (default) keeps an absent class's term, 'zero' " +
    "zeroes it but counts it, 'drop' leaves it out. A pool with no error gives 0 with a zero " +
    'gradient (all pixels ignored: 0).',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    classWeights: commonOptions.classWeights,
    alpha: tverskyWeightOptions.alpha,
    beta: tverskyWeightOptions.beta,
    gamma: {
      type: 'number',
      default: 0.75,
      min: 0,
      exclusiveMin: true,
      doc: 'Exponent applied to 1 − TI (Abraham & Khan: 0.75 = 1/(4/3)).',
    },
    focalOn: {
      type: 'enum',
      default: 'term',
      values: ['term', 'mean'],
      doc:
        "'term': mean of (1 − TI)^γ over the pools (Abraham & Khan, mlyg); 'mean': " +
        '(mean of 1 − TI)^γ (smp, SegLossOdyssey).',
    },
    clip: {
      type: 'number',
      default: 0,
      min: 0,
      max: 0.5,
      doc:
        'Clip y and 1 − y to [clip, 1 − clip] before the sums, as Keras code does with its ' +
        'epsilon 1e-7 (mlyg); clipped entries get no gradient. 0: no clipping.',
    },
    smooth: commonOptions.smooth,
    pooling: regionOptions.pooling,
    absentClasses: regionOptions.absentClasses,
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: 'Abraham & Khan focal_tversky (binary, sigmoid, flattened batch, smooth=1)',
      options: { activation: 'sigmoid', pooling: 'all', smooth: 1 },
    },
    {
      reference: 'mlyg focal_tversky_loss(delta=0.7, gamma=0.75) (Keras clip 1e-7, smooth=1e-6)',
      options: { smooth: 1e-6, clip: 1e-7 },
    },
    {
      reference: "SegLossOdyssey FocalTversky_loss({'apply_nonlin': softmax_helper}, gamma=0.75)",
      options: { smooth: 1, focalOn: 'mean' },
    },
    {
      reference: "smp TverskyLoss('multiclass', alpha=0.3, beta=0.7, gamma=0.75)",
      options: { pooling: 'class', absentClasses: 'zero', smooth: 0, focalOn: 'mean' },
    },
  ],
  build(options) {
    if (options.focalOn === 'mean' && options.reduction === 'none') {
      notSupported(
        'focal-tversky',
        "reduction 'none' with focalOn 'mean'",
        'γ applies to the reduced value',
      );
    }
    const power = focalPower(options.gamma);
    return (input) => {
      const stats = overlapStatistics(input, {
        pooling: options.pooling,
        includeBackground: options.includeBackground,
        clip: options.clip,
      });
      const error = tverskyError(stats, options.alpha, options.beta, options.smooth);
      if (options.focalOn === 'mean') {
        return power(
          reduceRegionTerms('focal-tversky', error, stats.targetMass, input.numClasses, options),
        );
      }
      const terms = power(error);
      return reduceRegionTerms('focal-tversky', terms, stats.targetMass, input.numClasses, options);
    };
  },
};
