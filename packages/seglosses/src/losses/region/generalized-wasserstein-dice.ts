/**
 * Generalised Wasserstein Dice loss (Fidon et al. 2017).
 *
 * M is a C × C ground distance between classes (M_{l,l} = 0; class 0 is the background). At
 * pixel i with target class l = t_i, the Wasserstein distance between the one-hot target and
 * the predicted distribution is  W_i = Σ_c M_{l,c} y_{i,c}.  Per image:
 *   'default' (Fidon et al.):  α_l = M_{l,0},  TP = Σ_i α_{t_i} (α_{t_i} − W_i),
 *                              L = 1 − 2TP/(2TP + Σ_i W_i) = Σ_i W_i / (2TP + Σ_i W_i)
 *   'GDL' (Tilborghs et al.):  α_l = 1/(V_l + 1) (V_l: pixels of class l in the image),
 *                              TP = Σ_i α_{t_i} (1 − W_i),
 *                              L = 1 − 2TP/Σ_i α_{t_i}(2 − W_i)
 *                                = Σ_i α_{t_i} W_i / (2TP + Σ_i α_{t_i} W_i)
 * with s (Fidon: np.spacing(1) = 2^-52) added to numerator and denominator. The error form on
 * the right is the same value without the cancellation of 1 − (…), and is what is computed.
 * Soft targets t enter linearly (W_i = Σ_{l,c} t_{i,l} M_{l,c} y_{i,c}); that is the Wasserstein
 * distance only for one-hot rows.
 *
 * @example
 *   const M = [[0, 1, 1], [1, 0, 0.5], [1, 0.5, 0]];
 *   const loss = createLoss('generalized-wasserstein-dice', { distanceMatrix: M });
 *   const value = loss(labels, logits); // labels int32 [B,H,W], logits float32 [B,H,W,3]
 */
import * as tf from '@tensorflow/tfjs-core';

import { describe, fail } from '../../core/errors.js';
import { fusedSoftmaxOverlap } from '../../kernels/softmax-overlap.js';
import { fusedLabels } from '../class-view.js';
import { commonOptions } from '../options.js';
import type { Reduction } from '../options.js';
import { errorFraction } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type GwdlOptions = {
  activation: 'softmax' | 'none';
  ignoreIndex: number | null;
  distanceMatrix: number[][] | null;
  weighting: 'default' | 'GDL';
  smooth: number;
  reduction: Reduction;
};

const who = 'generalized-wasserstein-dice';

/** Checks a user's distance matrix and scales it to a maximum of 1, as Fidon's code does. */
function normalisedMatrix(matrix: readonly (readonly number[])[]): number[][] {
  const entries = matrix.flat();
  if (entries.some((v) => v < 0))
    fail(who, 'option distanceMatrix', 'non-negative', 'a negative entry');
  if (matrix.some((row, i) => row[i] !== 0)) {
    fail(
      who,
      'option distanceMatrix',
      'zero on the diagonal',
      describe(matrix.map((r, i) => r[i])),
    );
  }
  const largest = Math.max(...entries);
  if (!(largest > 0)) fail(who, 'option distanceMatrix', 'non-zero', 'all zeros');
  return matrix.map((row) => row.map((v) => v / largest));
}

export const generalizedWassersteinDice: LossDefinition<GwdlOptions> = {
  name: 'generalized-wasserstein-dice',
  category: 'region',
  title: 'Generalised Wasserstein Dice loss',
  summary:
    'A multi-class Dice in which a confusion costs the ground distance between the two ' +
    'classes, so that semantically close mistakes are penalised less.',
  formula:
    String.raw`\mathcal{L}_{GWD} = 1 - \frac{2\sum_{l}\alpha_l\sum_{i} t_{i,l}\,` +
    String.raw`(\alpha_l - W^M_i)}{2\sum_{l}\alpha_l\sum_{i} t_{i,l}\,(\alpha_l - W^M_i) + ` +
    String.raw`\sum_{i} W^M_i},\quad W^M_i = \sum_{l,c} t_{i,l}\,M_{l,c}\,y_{i,c}`,
  symbols:
    'M: ground distance between classes (C × C, zero diagonal, scaled to a maximum of 1); ' +
    'W^M_i: Wasserstein distance at pixel i; α_l = M_{l,0} (distance to the background). Per ' +
    "image, then averaged. weighting 'GDL' uses α_l = 1/(V_l + 1) and (1 − W) instead.",
  sources: ['fidon2017', 'tilborghs2020'],
  surveyNote:
    'The survey prints only the diagonal case (M = 1 − I), where the loss reduces to a ' +
    'weighted soft Dice. The point of the paper is the full matrix M: this library takes M ' +
    "(option distanceMatrix, default 1 − I). MONAI's GeneralizedWassersteinDiceLoss mixes " +
    'the images of a batch when B > 1; this library follows the reference code of Fidon ' +
    'et al. (one term per image).',
  whenToUse:
    'Multi-class problems with a known hierarchy of classes (tumour sub-regions, nested ' +
    'organs), where confusing two sub-classes is less wrong than missing the structure.',
  pros: [
    'Encodes class relationships: a near-miss costs less than an absurd label',
    'Handles imbalance like the generalised Dice',
  ],
  cons: [
    'Needs a meaningful distance matrix',
    "With 'default' weighting, an image without foreground scores ≈ 1 whatever the prediction",
  ],
  unreducedShape: '[B] (one term per image)',
  minimum: '0 (up to the smoothing constant) for a perfect prediction',
  emptyPolicy:
    "With 'default' weighting the background has α_0 = 0, so an image whose valid pixels are " +
    'all background has TP = 0 and a loss of Σ W/(Σ W + s) ≈ 1 with a vanishing gradient (as ' +
    "in Fidon's code). With 'GDL' every present class counts. Ignored pixels contribute " +
    'nothing (their one-hot row is 0); an image with every pixel ignored gives 0.',
  options: {
    activation: { ...commonOptions.activation, values: ['softmax', 'none'] },
    ignoreIndex: commonOptions.ignoreIndex,
    distanceMatrix: {
      type: 'matrix',
      default: null,
      doc:
        'Ground distance M between classes, C × C, non-negative with a zero diagonal, row and ' +
        'column 0 the background (null: 1 − I). Scaled so that its largest entry is 1.',
    },
    weighting: {
      type: 'enum',
      default: 'default',
      values: ['default', 'GDL'],
      doc:
        "'default': α_l = M_{l,0}, i.e. 0 for the background and 1 for the other classes when " +
        "row 0 of M is 1 (Fidon et al.); 'GDL': α_l = 1/(V_l + 1) per image (Tilborghs et al.).",
    },
    smooth: {
      ...commonOptions.smooth,
      default: Number.EPSILON,
      exclusiveMin: true,
      doc: 'Added to numerator and denominator (Fidon: np.spacing(1) = 2^-52).',
    },
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: "Fidon GeneralizedWassersteinDiceLoss(dist_matrix=M, weighting_mode='default')",
      options: { distanceMatrix: 'M' },
      relation: 'the same α when row 0 of M is 1 (the code sets α_l = 1; the paper α_l = M_{l,0})',
    },
    {
      reference: "Fidon GeneralizedWassersteinDiceLoss(dist_matrix=M, weighting_mode='GDL')",
      options: { distanceMatrix: 'M', weighting: 'GDL' },
    },
  ],
  build(options) {
    const given = options.distanceMatrix === null ? null : normalisedMatrix(options.distanceMatrix);
    return (input) => {
      const channels = input.numClasses;
      if (channels < 2) {
        fail(who, 'yPred', 'at least 2 channels (class 0 is the background)', `${channels}`);
      }
      if (given !== null && given.length !== channels) {
        const expected = `${channels} × ${channels} for yPred with ${channels} classes`;
        fail(who, 'option distanceMatrix', expected, `${given.length} × ${given.length}`);
      }
      const matrix =
        given ??
        Array.from({ length: channels }, (_, l) =>
          Array.from({ length: channels }, (_, c) => (l === c ? 0 : 1)),
        );
      const m = tf.tensor2d(matrix);
      const s = options.smooth;
      const labels = fusedLabels(input);
      if (labels !== null) {
        // From the fused soft confusion matrix S[b,t,c] = Σ_{i: t_i = t} p_ic (one pass each
        // way): Σ_i W_i = Σ_t Σ_c M[t,c] S[b,t,c], and the α-weighted sums likewise per label.
        const stats = fusedSoftmaxOverlap(input.yPred, labels, {
          ignoreIndex: input.options.ignoreIndex,
          squared: false,
          confusion: true,
        });
        const batch = input.yPred.shape[0];
        const confusion = tf.transpose(
          tf.slice(stats, [8, 0, 0], [channels, batch, channels]),
          [1, 0, 2],
        );
        const counted = tf.slice(stats, [2, 0, 0], [1, batch, channels]);
        const volumes = tf.tensor2d(counted.dataSync(), [batch, channels]); // Σ t, off the tape
        const perLabel = tf.sum(tf.mul(confusion, m), 2); // [B,C]: Σ_i W_i over label t
        const gdl = options.weighting === 'GDL';
        const alpha = gdl
          ? tf.div(1, tf.add(volumes, 1))
          : tf.tensor1d(matrix.map((row) => row[0]));
        const weightedError = tf.sum(tf.mul(perLabel, alpha), 1);
        const base = tf.sum(tf.mul(volumes, gdl ? alpha : tf.square(alpha)), 1);
        const tp = tf.sub(base, weightedError);
        const error = gdl ? weightedError : tf.sum(perLabel, 1);
        return reduceTerms(errorFraction(error, tf.add(tf.mul(tp, 2), s), 0), options.reduction);
      }
      const target = input.target; // zero rows at ignored pixels
      const [b, h, w] = target.shape;
      // Row t_i·M of every pixel: the cost of predicting each class there.
      const flat = tf.matMul(tf.reshape(target, [-1, channels]), m);
      const costs = tf.reshape(flat, [b, h, w, channels]);
      const wass = tf.sum(tf.mul(costs, input.probs), 3); // W_i, [B,H,W]
      let alpha: tf.Tensor; // [C] or [B,1,1,C]
      let base: tf.Tensor; // what W is subtracted from, per pixel
      if (options.weighting === 'GDL') {
        const volumes = tf.sum(target, [1, 2], true);
        alpha = tf.div(1, tf.add(volumes, 1));
        base = tf.sum(tf.mul(target, alpha), 3);
      } else {
        alpha = tf.tensor1d(matrix.map((row) => row[0]));
        base = tf.sum(tf.mul(target, tf.square(alpha)), 3);
      }
      const pixelAlpha = tf.sum(tf.mul(target, alpha), 3); // α_{t_i}, 0 at ignored pixels
      const weightedError = tf.mul(pixelAlpha, wass);
      const tp = tf.sum(tf.sub(base, weightedError), [1, 2]);
      const error = tf.sum(options.weighting === 'GDL' ? weightedError : wass, [1, 2]);
      // smooth > 0 keeps the denominator positive: no floor, which would change tiny errors.
      const terms = errorFraction(error, tf.add(tf.mul(tp, 2), s), 0);
      return reduceTerms(terms, options.reduction);
    };
  },
};
