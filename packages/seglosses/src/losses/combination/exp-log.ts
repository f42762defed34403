/**
 * Exponential logarithmic loss: Dice and cross-entropy each passed through (−ln ·)^γ, which with
 * γ < 1 raises the loss of classes and pixels that are still poorly segmented.
 *
 * form 'paper' (Wong et al. 2018):
 *   L = w_D · (1/(B·K)) Σ_{b,k} (−ln D_bk)^γ  +  w_CE · (1/N) Σ_i Σ_k w_k t_ik (−ln y_ik)^γ
 * form 'segloss-odyssey' (the SegLossOdyssey ExpLog_loss):
 *   L = w_D · (−ln max(D̄, 10⁻⁶))^γ  +  w_CE · CE,   D̄ = (1/(B·K)) Σ_{b,k} D_bk,
 *   CE the plain (class-weighted) cross-entropy, as the `cross-entropy` loss.
 * D_bk = (2 Σ_i y t + s)/(Σ_i y + Σ_i t + s) per image b and class k (s = 1: Wong's pseudo-count).
 *
 * Accuracy: −ln D = −log1p(−u) with u = 1 − D = (FP + FN)/(2·TP + FP + FN + s) (FN summed from
 * 1 − y, class-view.ts) and an accurate log1p (core/stable-math.ts): for a near-perfect
 * prediction u ≈ 1e-10 and γ = 0.3 makes the loss ≈ u^0.3 ≈ 1e-3, which float32 evaluation of
 * ln(D) would turn into 0. Powers go through powOrZero (finite gradient at u = 0).
 */
import * as tf from '@tensorflow/tfjs-core';

import { accurateLog1p, powOrZero } from '../../core/stable-math.js';
import { fusedSoftmaxCrossEntropy } from '../../kernels/softmax-cross-entropy.js';
import { exclusiveClassView, exclusiveStatistics, fusedLabels } from '../class-view.js';
import { commonOptions } from '../options.js';
import type { Activation } from '../options.js';
import { classWeightTensor, dropBackground } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type ExpLogOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  form: 'paper' | 'segloss-odyssey';
  includeBackground: boolean;
  gamma: number;
  diceWeight: number;
  ceWeight: number;
  smooth: number;
  classWeights: number[] | null;
};

export const expLog: LossDefinition<ExpLogOptions> = {
  name: 'exp-log',
  category: 'combination',
  title: 'Exponential logarithmic loss',
  summary: 'Weighted sum of (−ln Dice)^γ and (−ln y_t)^γ, emphasising poorly segmented classes.',
  formula:
    String.raw`\mathcal{L}_{ExpLog} = w_{D}\,\mathbb{E}_c\big[(-\ln D_c)^{\gamma}\big] + ` +
    String.raw`w_{CE}\,\mathbb{E}_i\big[w_{t_i}(-\ln y_{i,t_i})^{\gamma}\big],\quad ` +
    String.raw`D_c = \frac{2\sum_i t_{i,c}y_{i,c} + s}{\sum_i t_{i,c} + \sum_i y_{i,c} + s}`,
  symbols:
    'γ: exponent (0.3); w_D, w_CE: term weights (0.8, 0.2); w_c: class weights; s: pseudo-count ' +
    '(1). E_c runs over images and kept classes, E_i over pixels.',
  sources: ['wong2018'],
  surveyNote:
    'Implemented with the exponent on the negative logarithm, (−ln D_c)^γ and (−ln y)^γ, each ' +
    'averaged after the power, as Wong et al. define it; an exponent read as applying inside ' +
    'the logarithm (ln D^γ = γ·ln D) would only rescale the log and lose the focusing. ' +
    "SegLossOdyssey raises the MEAN Dice's log to the power and keeps a plain CE: available as " +
    "form: 'segloss-odyssey'.",
  whenToUse:
    'Many labels of very different sizes (the paper: 20 brain structures); small or hard ' +
    'classes should not be drowned by the large, easy ones.',
  pros: ['Focuses on classes with low Dice and on pixels with low probability', 'Smooth'],
  cons: [
    'Gradient of (−ln D)^γ grows without bound as D → 1 (γ < 1), so late training is noisy',
    'Four hyper-parameters (γ, w_D, w_CE, class weights)',
  ],
  unreducedShape: 'scalar (no reduction option: a pixel mean and a region mean are mixed)',
  minimum:
    '0 for a one-hot prediction equal to the target; approached slowly, as (1 − D)^γ: logit ' +
    'margins of 20 still leave about 3e-3',
  emptyPolicy:
    'A class absent from an image keeps its Dice term, D = s/(Σ y + s): near 1 (loss near 0) ' +
    'only when it is also predicted absent (s = 1 keeps it finite). Ignored pixels are removed ' +
    'from both terms; the pixel mean runs over non-ignored pixels. All pixels ignored: 0 with a ' +
    'zero gradient.',
  options: {
    activation: {
      ...commonOptions.activation,
      values: ['softmax', 'sigmoid'],
      doc: "softmax over C ≥ 2 classes, or 'sigmoid' on one channel (binary).",
    },
    ignoreIndex: commonOptions.ignoreIndex,
    form: {
      type: 'enum',
      default: 'paper',
      values: ['paper', 'segloss-odyssey'],
      doc:
        "'paper': powers per class and per pixel (Wong et al.); 'segloss-odyssey': power of " +
        "the mean Dice's log and a plain CE.",
    },
    includeBackground: commonOptions.includeBackground,
    gamma: { type: 'number', default: 0.3, min: 0, exclusiveMin: true, doc: 'Exponent γ.' },
    diceWeight: { type: 'number', default: 0.8, min: 0, doc: 'Weight w_D of the Dice term.' },
    ceWeight: { type: 'number', default: 0.2, min: 0, doc: 'Weight w_CE of the CE term.' },
    smooth: {
      ...commonOptions.smooth,
      default: 1,
      exclusiveMin: true,
      doc: 'Dice pseudo-count s.',
    },
    classWeights: {
      ...commonOptions.classWeights,
      doc:
        'Class weights w_c of the CE term (Wong et al.: (Σ_k f_k / f_c)^0.5 from the label ' +
        'frequencies f).',
    },
  },
  parity: [
    {
      reference:
        "SegLossOdyssey ExpLog_loss({'batch_dice': False, 'do_bg': True, 'smooth': 1}, " +
        "{'weight': None}, gamma=0.3)",
      options: { form: 'segloss-odyssey', ignoreIndex: null },
    },
  ],
  build(options) {
    const { gamma } = options;
    return (input) => {
      const view = exclusiveClassView('exp-log', input);
      const weights = classWeightTensor('exp-log', options.classWeights, view.numClasses, true);
      const labels = fusedLabels(input);
      const { tp, fp, fn } = exclusiveStatistics(input, view);
      const errors = tf.add(fp, fn);
      const kept = dropBackground(
        tf.div(errors, tf.add(tf.add(tf.mul(tp, 2), errors), options.smooth)),
        options.includeBackground,
      );
      // −ln D = −log1p(−u) with u = 1 − D.
      const negLog = (u: tf.Tensor) => tf.neg(accurateLog1p(tf.neg(u)));
      let diceTerm: tf.Tensor;
      let ceTerm: tf.Tensor;
      if (options.form === 'paper') {
        diceTerm = tf.mean(powOrZero(negLog(kept), gamma));
      } else {
        // max(D̄, 1e-6) ⇔ min(1 − D̄, 1 − 1e-6).
        diceTerm = powOrZero(negLog(tf.minimum(tf.mean(kept), 1 - 1e-6)), gamma);
      }
      if (labels !== null && (options.form !== 'paper' || gamma > 0)) {
        // Fused (kernels/softmax-cross-entropy.ts): (−log p_t)^γ per pixel in the paper's form
        // (a mean over the pixels), weighted cross-entropy otherwise.
        const paper = options.form === 'paper';
        ceTerm = fusedSoftmaxCrossEntropy(input.yPred, labels, {
          ignoreIndex: input.options.ignoreIndex,
          classWeights: options.classWeights,
          countWeights: paper ? 'pixels' : null,
          power: paper ? gamma : 1,
          reduction: 'mean',
        });
      } else if (options.form === 'paper') {
        const valid = tf.squeeze(view.valid, [3]);
        let perClass = tf.mul(view.target, powOrZero(tf.neg(view.logProbs), gamma));
        if (weights !== undefined) perClass = tf.mul(perClass, weights);
        ceTerm = reduceTerms(tf.sum(perClass, 3), 'mean', valid);
      } else {
        const valid = tf.squeeze(view.valid, [3]);
        const ce = tf.neg(tf.sum(tf.mul(view.target, view.logProbs), 3));
        const pixelWeights =
          weights === undefined ? valid : tf.mul(tf.sum(tf.mul(view.target, weights), 3), valid);
        ceTerm = reduceTerms(ce, 'mean', pixelWeights);
      }
      return tf.add(tf.mul(diceTerm, options.diceWeight), tf.mul(ceTerm, options.ceWeight));
    };
  },
};
