/**
 * Region mutual information loss (Zhao et al., 2019), as the authors' code computes it
 * (ZJULearning/RMI, `RMILoss.forward_sigmoid`):
 *
 *   L = λ·BCE + (1 − λ)·Σ_c (1/B) Σ_b ½·log det(Σ_{Y|P} + αI) / d,
 *   Σ_{Y|P} = Σ_Y − Σ_{YP} (Σ_P + αI)⁻¹ Σ_{YP}ᵀ,   d = r², α = 5e-4,
 *
 * where BCE is the per-class sigmoid binary cross-entropy summed over valid pixels and classes
 * and divided by (valid pixels + 1), and Σ are the (unnormalised) covariances of the r×r
 * neighbourhood vectors of the target Y and of P = σ(x)·valid + 1e-6, each first max-pooled
 * k×k with stride k and padding ⌊k/2⌋. −½·log det Σ_{Y|P} is the lower bound of the mutual
 * information between the two d-dimensional regions (constants dropped), so L decreases as the
 * prediction explains the target's local structure.
 *
 * The d×d statistics, their log-determinant and its gradient ∂f/∂P = −Kᵀ·W·(Y − K·P) are
 * computed in float64 on the CPU, as the reference computes them in double (rmi-statistics.ts
 * has the derivation and the reason); autograd carries that gradient back through the max-pool
 * and the sigmoid.
 */
import * as tf from '@tensorflow/tfjs-core';

import { notSupported } from '../../core/errors.js';
import { fusedBinaryCrossEntropy } from '../../kernels/binary-cross-entropy.js';
import { fusedKernelsActive } from '../../kernels/fused-kernels.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';
import { maxPool, rmiLowerBound } from './rmi-statistics.js';

type RmiOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  lambda: number;
  radius: number;
  poolSize: number;
  reduction: Reduction;
};

/** Added to the probabilities (the reference's _CLIP_MIN). */
const probabilityFloor = 1e-6;

export const regionMutualInformation: LossDefinition<RmiOptions> = {
  name: 'region-mutual-information',
  category: 'region',
  title: 'Region mutual information (RMI) loss',
  summary:
    'Sigmoid BCE plus a lower bound of the mutual information between r×r regions of the ' +
    'target and of the prediction.',
  formula:
    String.raw`\mathcal{L}_{RMI} = \lambda\,\mathcal{L}_{BCE} + \frac{1-\lambda}{d}` +
    String.raw`\sum_{c=1}^{C}\frac{1}{B}\sum_{b=1}^{B}\tfrac{1}{2}\log\det\!\left(` +
    String.raw`\Sigma_{Y}-\Sigma_{YP}(\Sigma_{P}+\alpha I)^{-1}\Sigma_{YP}^{\top}+\alpha I\right)`,
  symbols:
    'Y, P: the d = r² dimensional neighbourhood vectors of the max-pooled target and of ' +
    'P = σ(y)·valid + 1e-6 for image b and class c; Σ: their centred (unnormalised) ' +
    'covariances; α = 5e-4; λ: weight of the BCE term, which is divided by (valid pixels + 1).',
  sources: ['zhao2019'],
  surveyNote:
    'The paper and survey state RMI with a softmax prediction and a mean over classes; the ' +
    "authors' default code, reproduced here, uses a per-class sigmoid, sums the classes, " +
    'divides by d = r², max-pools 3×3 before building the 3×3 neighbourhoods and drops the ' +
    'constant terms of the bound, so the value is negative. The reference adds 1e-8 to the ' +
    'Cholesky diagonal inside the log; that shift (< 1e-6 relative, the diagonal is at ' +
    'least √α) is left out so that the gradient is exactly that of the value.',
  whenToUse:
    'Natural-image or medical segmentation where the structure of neighbourhoods matters ' +
    '(thin parts, boundaries); a drop-in replacement for per-pixel BCE.',
  pros: ['Models dependencies between neighbouring pixels', 'Cheap at inference (training only)'],
  cons: [
    'Costly statistics (d×d covariances per image and class, computed on the CPU)',
    'Value is not bounded below by 0 and depends on image size',
  ],
  unreducedShape:
    '[B]: each image’s share (its BCE over the batch-wide normaliser times B, plus its RMI ' +
    'terms), whose mean is the batch loss',
  minimum:
    'Not 0: for P = Y each (image, class) term is ½[d·ln α + ln det(2G + αI) − ln det(G + αI)] ' +
    'with G = Σ_Y, the BCE part then being 0',
  emptyPolicy:
    'Ignored pixels have P = 1e-6 and Y = 0, as in the reference; an absent class still gives ' +
    'its RMI term (½·d·ln α when prediction and target are both empty). No valid pixel in ' +
    'the batch: 0 with a zero gradient (the reference would return the constant ' +
    '(1 − λ)·C·ln(α)/2).',
  options: {
    activation: {
      ...commonOptions.activation,
      default: 'sigmoid',
      values: ['sigmoid'],
      doc: 'Per-class sigmoid (one-vs-rest), as the reference; C = 1 is a binary task.',
    },
    ignoreIndex: commonOptions.ignoreIndex,
    lambda: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      doc: 'Weight λ of the BCE term; the RMI term gets 1 − λ.',
    },
    radius: {
      type: 'integer',
      default: 3,
      min: 1,
      max: 10,
      doc: 'Side r of the square neighbourhood (d = r² dimensions).',
    },
    poolSize: {
      type: 'integer',
      default: 3,
      min: 1,
      max: 16,
      doc: 'Max-pool size and stride before the statistics (1: none); padding ⌊size/2⌋.',
    },
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: 'ZJULearning RMILoss(num_classes=C) (rmi_radius=3, max-pool 3, lambda 0.5)',
      options: {},
    },
  ],
  build(options) {
    return (input) => {
      const [b, h, w] = input.yPred.shape;
      const k = options.poolSize;
      const pooled = Math.floor((Math.min(h, w) + 2 * Math.floor(k / 2) - k) / k) + 1;
      if (pooled < options.radius) {
        notSupported(
          'region-mutual-information',
          `a ${h}×${w} image with poolSize ${k} and radius ${options.radius}`,
          `the pooled map (${pooled} px) must be at least radius wide`,
        );
      }
      const valid = input.valid;
      const target = tf.mul(input.target, valid) as tf.Tensor4D;
      const logits = input.yPred;
      // Binary cross-entropy with logits, softplus(x) − x·t, written as
      // t·softplus(−x) + (1 − t)·softplus(x) (equal, as softplus(−x) = softplus(x) − x) so that
      // its gradient σ(x) − t = −t·σ(−x) + (1 − t)·σ(x) has no cancellation when σ(x) ≈ t.
      // With integer labels t ∈ {0, 1}, and then the two terms are one softplus((1 − 2t)·x).
      const binary = input.labels !== null;
      const perElement = binary
        ? fusedKernelsActive()
          ? fusedBinaryCrossEntropy(logits, target)
          : tf.softplus(tf.mul(logits, tf.sub(1, tf.mul(target, 2))))
        : tf.add(
            tf.mul(target, tf.softplus(tf.neg(logits))),
            tf.mul(tf.sub(1, target), tf.softplus(logits)),
          );
      const bce = tf.mul(perElement, valid);
      const validCount = tf.sum(valid);
      const bceShare = tf.div(tf.mul(tf.sum(bce, [1, 2, 3]), b), tf.add(validCount, 1));
      const probs = tf.add(tf.mul(input.probs, valid), probabilityFloor) as tf.Tensor4D;
      const rmi = rmiLowerBound(maxPool(probs, k), maxPool(target, k), options.radius);
      const d = options.radius * options.radius;
      const perImage = tf.add(
        tf.mul(bceShare, options.lambda),
        tf.mul(tf.sum(rmi, 1), (1 - options.lambda) / d),
      );
      const anyValid = tf.cast(tf.greater(validCount, 0), 'float32');
      return reduceTerms(tf.mul(perImage, anyValid), options.reduction);
    };
  },
};
