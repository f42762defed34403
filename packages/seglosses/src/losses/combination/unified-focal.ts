/**
 * Unified focal loss: a modified focal loss and a modified focal Tversky loss sharing δ (the
 * weight of the foreground / of false negatives) and γ (the focusing exponent), mixed by λ.
 *
 *   L = λ · L_F + (1 − λ) · L_FT,   channel 0 the background, channels k ≥ 1 the foreground.
 *   L_F  = (1/N) Σ_i [ (1 − δ)(1 − y_i0)^γ (−t_i0 ln y_i0) + δ Σ_{k≥1} m_ik (−t_ik ln y_ik) ]
 *   L_FT = (1/(B·K)) Σ_b [ g(1 − TI_b0) + Σ_{k≥1} (1 − TI_bk)^{1−γ} ]
 *   TI_bk = (TP + ε) / (TP + δ·FN + (1 − δ)·FP + ε)   per image b and class k
 * asymmetric (the default): m = 1 and g(x) = x — the rare classes are not suppressed;
 * symmetric: m_ik = (1 − y_ik)^γ and g(x) = x^{1−γ} — every class is treated alike.
 * Probabilities are clipped to [ε, 1 − ε] everywhere (the references' K.epsilon() = 1e-7).
 *
 * Multi-class inputs generalise the binary definition as MONAI's port does: the background keeps
 * its own terms and every other channel is a foreground class. 1 − y and 1 − TI are computed
 * without cancellation (class-view.ts); powers of 1 − TI go through powOrZero.
 */
import * as tf from '@tensorflow/tfjs-core';

import { powOrZero } from '../../core/stable-math.js';
import { fusedSoftmaxCrossEntropy } from '../../kernels/softmax-cross-entropy.js';
import { exclusiveClassView, exclusiveStatistics, fusedLabels } from '../class-view.js';
import { commonOptions } from '../options.js';
import type { Activation } from '../options.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type UnifiedFocalOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  form: 'asymmetric' | 'symmetric';
  weight: number;
  delta: number;
  gamma: number;
  epsilon: number;
};

/** Splits `[..., K]` into channel 0 and channels 1..K−1. */
function splitBackground(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const k = x.shape[x.rank - 1];
  return tf.split(x, [1, k - 1], x.rank - 1) as [tf.Tensor, tf.Tensor];
}

export const unifiedFocal: LossDefinition<UnifiedFocalOptions> = {
  name: 'unified-focal',
  category: 'combination',
  title: 'Unified focal loss',
  summary: 'λ-mix of a modified focal loss and a modified focal Tversky loss sharing δ and γ.',
  formula:
    String.raw`\mathcal{L}_{UF} = \lambda\,\mathcal{L}_{mF} + (1-\lambda)\,\mathcal{L}_{mFT},` +
    String.raw`\quad \mathcal{L}_{mFT} = \frac{1}{C}\Big[(1-TI_0) + \sum_{c \geq 1}` +
    String.raw`(1-TI_c)^{1-\gamma}\Big],\quad TI_c = \frac{\sum_i t_{i,c}y_{i,c}}` +
    String.raw`{\sum_i t_{i,c}y_{i,c} + \delta\sum_i t_{i,c}(1-y_{i,c}) + ` +
    String.raw`(1-\delta)\sum_i (1-t_{i,c})y_{i,c}}`,
  symbols:
    'L_mF = (1/N) Σ_i [(1 − δ)(1 − y_i0)^γ(−t_i0 ln y_i0) + δ Σ_{c≥1} (−t_ic ln y_ic)] ' +
    '(asymmetric form; the symmetric form also scales the foreground by (1 − y)^γ and raises ' +
    'the background Tversky term to 1 − γ). λ: weight of L_mF; δ: foreground / false-negative ' +
    'weight; γ: focusing exponent; TI: Tversky index per image and class (ε-smoothed).',
  sources: ['yeung2022'],
  surveyNote:
    "λ multiplies the focal (distribution) part as in Yeung et al. and MONAI; the authors' " +
    'code (mlyg) puts `weight` on the focal Tversky part instead: mlyg weight = 1 − ours (the ' +
    'same at the default 0.5). Defined for binary inputs; multi-class inputs treat channel 0 as ' +
    'the background and every other channel as foreground, like MONAI.',
  whenToUse:
    'Strong foreground/background imbalance (small lesions); one loss that covers the Dice- ' +
    'and CE-based families, tuned through δ and γ.',
  pros: ['Combines the stability of CE with the imbalance handling of Tversky', 'Few parameters'],
  cons: [
    'Needs a background channel at index 0; asymmetric treatment assumes rare foreground',
    'The ε clipping leaves a floor of about (1 − λ)·(ε·n)^{1−γ} for a perfect prediction',
  ],
  unreducedShape: 'scalar (no reduction option: a pixel mean and a region mean are mixed)',
  minimum:
    '≈ 0 for a perfect prediction; with the clipping ε = 1e-7 the Tversky part leaves about ' +
    '(1 − λ)·(ε·FP/TP-ratio)^{1−γ}, a few 1e-4 (as in the reference)',
  emptyPolicy:
    'A class absent from an image keeps its Tversky term: FP ≥ n·ε from the clipping while ' +
    'TP = FN = 0, so TI = ε/(ε + (1 − δ)·FP) ≈ 0 and the term is ≈ 1 even for an empty ' +
    'prediction (the reference behaves the same). Ignored pixels are removed from every sum; ' +
    'the focal mean runs over non-ignored pixels. All pixels ignored: 0 with a zero gradient.',
  options: {
    activation: {
      ...commonOptions.activation,
      values: ['softmax', 'sigmoid'],
      doc: "softmax over C ≥ 2 classes (0 = background), or 'sigmoid' on one channel (binary).",
    },
    ignoreIndex: commonOptions.ignoreIndex,
    form: {
      type: 'enum',
      default: 'asymmetric',
      values: ['asymmetric', 'symmetric'],
      doc: 'asymmetric: only the background is focal-suppressed; symmetric: every class alike.',
    },
    weight: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      doc: 'λ, the weight of the focal part.',
    },
    delta: {
      type: 'number',
      default: 0.6,
      min: 0,
      max: 1,
      doc: 'δ: weight of the foreground in the focal part and of FN in the Tversky index.',
    },
    gamma: { type: 'number', default: 0.5, min: 0, max: 1, doc: 'Focusing exponent γ.' },
    epsilon: {
      type: 'number',
      default: 1e-7,
      min: 0,
      exclusiveMin: true,
      max: 0.5,
      doc: 'Probabilities are clipped to [ε, 1 − ε]; also the Tversky smoothing.',
    },
  },
  parity: [
    { reference: 'mlyg asym_unified_focal_loss(weight=0.5, delta=0.6, gamma=0.5)', options: {} },
    {
      reference: 'mlyg sym_unified_focal_loss(weight=0.5, delta=0.6, gamma=0.5)',
      options: { form: 'symmetric' },
    },
    {
      reference: 'MONAI AsymmetricUnifiedFocalLoss(weight=0.5, gamma=0.5, delta=0.6) (binary)',
      options: {},
    },
  ],
  build(options) {
    const { delta, gamma, epsilon, weight } = options;
    const symmetric = options.form === 'symmetric';
    return (input) => {
      const view = exclusiveClassView('unified-focal', input);
      const labels = fusedLabels(input);
      let focalPart: tf.Tensor;
      if (labels !== null) {
        // Fused (kernels/softmax-cross-entropy.ts): γ on the background (every class when
        // symmetric), weights 1 − δ / δ, p_t clamped to [ε, 1 − ε], a mean over the pixels.
        const classes = view.numClasses;
        focalPart = fusedSoftmaxCrossEntropy(input.yPred, labels, {
          ignoreIndex: input.options.ignoreIndex,
          classWeights: Array.from({ length: classes }, (_, c) => (c === 0 ? 1 - delta : delta)),
          countWeights: 'pixels',
          gammas: Array.from({ length: classes }, (_, c) => (c === 0 || symmetric ? gamma : 0)),
          epsilon,
          reduction: 'mean',
        });
      } else {
        const clip = (x: tf.Tensor4D) => tf.clipByValue(x, epsilon, 1 - epsilon) as tf.Tensor4D;
        const logProbs = tf.clipByValue(view.logProbs, Math.log(epsilon), Math.log1p(-epsilon));
        const ce = tf.neg(tf.mul(view.target, logProbs));

        // Focal part: the background always suppressed by (1 − y)^γ, the foreground only when
        // symmetric.
        const [ceBack, ceFore] = splitBackground(ce);
        const [missBack, missFore] = splitBackground(clip(view.complement));
        const back = tf.mul(tf.mul(tf.pow(missBack, gamma), ceBack), 1 - delta);
        const foreTerms = symmetric ? tf.mul(tf.pow(missFore, gamma), ceFore) : ceFore;
        const fore = tf.mul(tf.sum(foreTerms, 3, true), delta);
        const focalTerms = tf.squeeze(tf.add(back, fore), [3]);
        focalPart = reduceTerms(focalTerms, 'mean', tf.squeeze(view.valid, [3]));
      }

      // Focal Tversky part: 1 − TI = (δ·FN + (1 − δ)·FP) / (TP + δ·FN + (1 − δ)·FP + ε).
      const { tp, fp, fn } = exclusiveStatistics(input, view, epsilon);
      const errors = tf.add(tf.mul(fn, delta), tf.mul(fp, 1 - delta));
      const distance = tf.div(errors, tf.add(tf.add(tp, errors), epsilon));
      const [distBack, distFore] = splitBackground(distance);
      const tverskyBack = symmetric ? powOrZero(distBack, 1 - gamma) : distBack;
      const tverskyTerms = tf.concat([tverskyBack, powOrZero(distFore, 1 - gamma)], 1);
      const tverskyPart = tf.mean(tverskyTerms);

      return tf.add(tf.mul(focalPart, weight), tf.mul(tverskyPart, 1 - weight));
    };
  },
};
