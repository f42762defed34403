/**
 * Robust T-loss (Gonzalez-Jimenez et al., 2023): the negative log-likelihood of the residual
 * image δ = y − t under a D-dimensional Student-t with diagonal precision exp(λ)·I and learnable
 * degrees of freedom, as the authors' code (Digital-Dermatology/t-loss, `TLoss`) computes it.
 * Per image and kept class, with ν̃ = exp(ν) + ε (ν is the learnable variable) and λ_i = 1:
 *
 *   L = −ln Γ((ν̃ + D)/2) + ln Γ(ν̃/2) − ½ Σ_i (λ_i + ε) + (D/2) ln π + (D/2)(ν + ε)
 *       + ((ν̃ + D)/2) · ln(1 + Σ_i e^{λ_i + ε} δ_i² / ν̃)
 *
 * (D/2)(ν + ε) stands for (D/2) ln ν̃ as in the reference. The last term is evaluated with
 * log1p. ln Γ comes from core/log-gamma.ts, whose gradient ψ carries ∂L/∂ν:
 *   ∂L/∂ν = e^ν [½ψ(ν̃/2) − ½ψ((ν̃+D)/2) + ½ ln(1 + f) − ((ν̃+D)/2)·f/((1 + f)ν̃)] + D/2,
 * f = Σ e^{λ+ε} δ² / ν̃ — left to autograd.
 *
 * Ignored pixels are marginalised out: the marginal of a Student-t over the observed
 * coordinates is a Student-t of the same ν̃ whose dimension is the number of valid pixels, so
 * D is counted per image over valid pixels (H·W without ignored pixels, as in the reference).
 */
import * as tf from '@tensorflow/tfjs-core';

import { logGamma } from '../../core/log-gamma.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { dropBackground, fusedOverlapStatistics } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type RobustTOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  nu: number;
  epsilon: number;
  reduction: Reduction;
};

/** The reference's fixed log-precision λ_i of every pixel. */
const logPrecision = 1;

export const robustT: LossDefinition<RobustTOptions> = {
  name: 'robust-t',
  category: 'region',
  title: 'Robust T-loss',
  summary:
    'Negative log-likelihood of the prediction error under a Student-t distribution with ' +
    'learnable degrees of freedom, robust to noisy labels.',
  formula:
    String.raw`\mathcal{L}_{T} = -\ln\Gamma\!\left(\tfrac{\tilde\nu + D}{2}\right) + ` +
    String.raw`\ln\Gamma\!\left(\tfrac{\tilde\nu}{2}\right) - \tfrac{1}{2}\sum_{i=1}^{D}\lambda_i` +
    String.raw` + \tfrac{D}{2}\ln(\pi\tilde\nu) + \tfrac{\tilde\nu + D}{2}\ln\!\left(1 + ` +
    String.raw`\frac{\sum_{i=1}^{D} e^{\lambda_i}(y_{i} - t_{i})^2}{\tilde\nu}\right)`,
  symbols:
    'ν̃ = exp(ν) + ε: degrees of freedom, ν the learnable variable; D: valid pixels of the ' +
    'image; λ_i = 1: fixed log-precisions; y_i, t_i: probability and target of one class.',
  sources: ['gonzalez2023'],
  surveyNote:
    'The survey presents ν as the degrees of freedom of the Student-t that controls the ' +
    'sensitivity to outliers and is learned with the network. In the authors’ code, followed ' +
    'here, the learned variable is ν with degrees of freedom ν̃ = exp(ν) + ε (kept positive), ' +
    'and ln ν̃ is written (D/2)(ν + ε); the option nu is therefore the initial log-degrees of ' +
    'freedom (1.0 → ν̃ ≈ 2.72), not ν̃ itself. The value keeps the log-gamma constants, so it ' +
    'is large and negative for a good prediction.',
  whenToUse:
    'Binary segmentation with noisy or inconsistent annotations (medical images); train ν ' +
    'with the network by passing loss.trainableVariables to the optimizer.',
  pros: [
    'Heavy tails down-weight pixels that disagree strongly with the prediction',
    'The robustness adapts during training through ν',
  ],
  cons: [
    'Value depends on the image size through D and is not 0 at the optimum',
    'Adds a learnable parameter that the optimizer must include',
  ],
  unreducedShape: '[B,K] per image and kept class',
  minimum:
    'At y = t: −ln Γ((ν̃+D)/2) + ln Γ(ν̃/2) − (D/2)(1 + ε) + (D/2) ln π + (D/2)(ν + ε), ' +
    'which depends on ν and D',
  emptyPolicy:
    'Ignored pixels are marginalised out (D counts the valid pixels of each image); an image ' +
    'without valid pixels gives exactly 0, every term vanishing with D = 0. Absent classes ' +
    'need no special case: the residual is the prediction itself.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: {
      ...commonOptions.includeBackground,
      default: false,
      doc:
        'Whether channel 0 (background) gets its own term. Off by default: with 2 softmax ' +
        'channels the loss is then the reference, on the foreground probability y[..., 1]. ' +
        'C = 1 (sigmoid) is the foreground itself; with C > 2 every kept class is a ' +
        'one-vs-rest T-loss sharing ν, averaged.',
    },
    nu: {
      type: 'number',
      default: 1,
      doc: 'Initial value of the learnable variable ν (degrees of freedom exp(ν) + ε).',
    },
    epsilon: {
      type: 'number',
      default: 1e-8,
      min: 0,
      doc: 'The reference’s ε, added to exp(ν), ν and λ (below float32 resolution at 1).',
    },
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: 'Digital-Dermatology TLoss(nu=1.0, epsilon=1e-8)(softmax(x)[:, 1], t)',
      options: {},
    },
  ],
  build(options, variables) {
    const nu = tf.variable(tf.scalar(options.nu), true);
    variables.push(nu);
    return (input) => {
      const keep = options.includeBackground;
      const eps = options.epsilon;
      // Σ_pixels (y − t)² per image and class, and the number of pixels D per image [B,1]: from
      // the fused statistics (FN2 + FP2, VM) when they apply, else composed.
      let squaredError: tf.Tensor;
      let dimension: tf.Tensor;
      const fused = fusedOverlapStatistics(input, { includeBackground: keep });
      if (fused !== null) {
        squaredError = tf.add(fused.fn2, fused.fp2);
        const batch = input.yPred.shape[0];
        dimension = tf.slice(tf.reshape(fused.validMass, [batch, -1]), [0, 0], [batch, 1]);
      } else {
        const valid = input.valid;
        const residual = tf.mul(
          tf.sub(dropBackground(input.probs, keep), dropBackground(input.target, keep)),
          valid,
        );
        squaredError = tf.sum(tf.square(residual), [1, 2]);
        dimension = tf.sum(valid, [1, 2]); // [B,1], broadcast over the kept classes
      }
      const dof = tf.add(tf.exp(nu), eps);
      const precision = Math.exp(logPrecision + eps);
      const fraction = tf.div(tf.mul(squaredError, precision), dof);
      const halfTotal = tf.div(tf.add(dof, dimension), 2);
      const halfDimension = tf.div(dimension, 2);
      // Every term but the last is [B,1] (per image); the last is [B,K].
      const constant = tf.addN([
        tf.neg(logGamma(halfTotal)),
        tf.add(logGamma(tf.div(dof, 2)), tf.zerosLike(halfTotal)),
        tf.mul(halfDimension, -(logPrecision + eps)),
        tf.mul(halfDimension, Math.log(Math.PI)),
        tf.mul(halfDimension, tf.add(nu, eps)),
      ]);
      const terms = tf.add(constant, tf.mul(halfTotal, tf.log1p(fraction)));
      return reduceTerms(terms, options.reduction);
    };
  },
};
