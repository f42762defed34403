/**
 * TopK loss: the mean cross-entropy of the k % hardest pixels, so that pixels already learnt
 * stop contributing ("online bootstrapping").
 *
 *   L = (1/K) Σ_{i ∈ S} ℓ_i,   ℓ_i = −Σ_c t_ic log y_ic,   S = the K pixels of largest ℓ_i,
 *   K = max(1, ⌊k · M / 100⌋)
 *
 * M counts every pixel of the batch (`countIgnored: true`, nnU-Net's TopKLoss: ignored pixels
 * have ℓ = 0, count in M and may be selected) or only the non-ignored ones (`countIgnored:
 * false`: ignored pixels are never selected). Pixels tied with the K-th largest value share the
 * remaining places equally: the value is that of any tie-break, and the gradient is the average
 * over all tie-breaks (a valid subgradient; PyTorch's topk picks one order arbitrarily).
 * Sigmoid: ℓ_i is the binary cross-entropy averaged over channels, as in `cross-entropy`.
 *
 * The selection is made on detached values (core/stable-math.ts), so its comparisons stay out
 * of the backward pass; the gradient flows through the selected ℓ_i only. The ranking uses ℓ_i
 * computed to float32 relative precision (`rankingCrossEntropy`): the forward log-softmax rounds
 * the CE of saturated pixels (≈ 1e-10) to 0, which would turn their order into ties.
 */
import * as tf from '@tensorflow/tfjs-core';

import { accurateLog1p, detached } from '../../core/stable-math.js';
import { topSelection } from '../../core/top-selection.js';
import { fusedKernelsActive } from '../../kernels/fused-kernels.js';
import { fusedSoftmaxCrossEntropy } from '../../kernels/softmax-cross-entropy.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type TopKOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  k: number;
  countIgnored: boolean;
  reduction: Reduction;
};

/**
 * Σ_c t_c · (−log y_c) for softmax, accurate where y_c ≈ 1: with m = max_j x_j and
 * S = Σ_{j ≠ argmax} exp(x_j − m) ≤ C − 1, −log y_c = (m − x_c) + log1p(S) — every term ≥ 0
 * and log1p(S) accurate for tiny S (core/stable-math.ts). Used for ranking only.
 */
function rankingCrossEntropy(logits: tf.Tensor4D, target: tf.Tensor4D): tf.Tensor {
  const top = tf.max(logits, 3, true);
  const isMax = tf.oneHot(tf.argMax(logits, 3), logits.shape[3]);
  const others = tf.sum(tf.mul(tf.exp(tf.sub(logits, top)), tf.sub(1, isMax)), 3, true);
  const negLog = tf.add(tf.sub(top, logits), accurateLog1p(others));
  return tf.sum(tf.mul(target, negLog), 3);
}

/** 1 on the `count` largest entries of `scores` (ties at the boundary share), 0 elsewhere. */
function topSelectionTensor(scores: tf.Tensor, count: number): tf.Tensor {
  const flat = tf.reshape(scores, [-1]);
  const kth = tf.slice(tf.topk(flat, count, true).values, [count - 1], [1]);
  const above = tf.cast(tf.greater(flat, kth), 'float32');
  const tied = tf.cast(tf.equal(flat, kth), 'float32');
  const share = tf.div(tf.sub(count, tf.sum(above)), tf.sum(tied));
  return tf.reshape(tf.add(above, tf.mul(tied, share)), scores.shape);
}

export const topk: LossDefinition<TopKOptions> = {
  name: 'topk',
  category: 'pixel',
  title: 'TopK loss',
  summary: 'Cross-entropy averaged over the k % of pixels where it is largest.',
  formula:
    String.raw`\mathcal{L}_{TopK} = -\frac{1}{K}\sum_{i \in \mathcal{S}_K}\sum_{c=1}^{C} ` +
    String.raw`t_{i,c}\log y_{i,c}`,
  symbols:
    'S_K: the K pixels with the largest cross-entropy; K = max(1, ⌊k·M/100⌋), M the number ' +
    'of pixels counted (all, or the non-ignored ones).',
  sources: ['wu2016'],
  surveyNote:
    'Wu et al. keep the pixels whose true-class probability is below a threshold, and at least ' +
    'the K hardest; the survey, like nnU-Net, keeps exactly the k % hardest. That fixed-fraction ' +
    'form is implemented; the probability threshold is not offered.',
  whenToUse:
    'Large, easy regions dominate plain cross-entropy; a robust default in nnU-Net ' +
    'configurations (k = 10).',
  pros: ['Ignores pixels already classified well', 'As cheap as cross-entropy plus one top-k'],
  cons: [
    'Discards most of the gradient, which can slow early training',
    'k is one more hyper-parameter; sensitive to label noise (hard pixels may be mislabelled)',
  ],
  unreducedShape: '[B,H,W] (cross-entropy on the selected pixels, 0 elsewhere)',
  minimum: '0 for a one-hot prediction equal to the target',
  emptyPolicy:
    'Absent classes play no role. Ignored pixels have CE 0: with countIgnored they count in M ' +
    '(nnU-Net), otherwise K is taken from the non-ignored pixels only. All pixels ignored: 0 ' +
    'with a zero gradient. K is at least 1 (nnU-Net gives NaN when k % of the pixels is < 1).',
  options: {
    activation: { ...commonOptions.activation, values: ['softmax', 'sigmoid'] },
    ignoreIndex: commonOptions.ignoreIndex,
    k: {
      type: 'number',
      default: 10,
      min: 0,
      exclusiveMin: true,
      max: 100,
      doc: 'Percentage of pixels kept (100: plain cross-entropy).',
    },
    countIgnored: {
      type: 'boolean',
      default: true,
      doc:
        'Take k % of all pixels, ignored ones included with CE 0 (nnU-Net), instead of k % ' +
        'of the non-ignored pixels.',
    },
    reduction: commonOptions.reduction,
  },
  parity: [
    { reference: 'nnU-Net v2 TopKLoss(ignore_index=255, k=10)', options: {} },
    { reference: 'SegLossOdyssey TopKLoss(k=10) (nnU-Net v1 code)', options: {} },
  ],
  build(options) {
    return (input) => {
      const labels = input.labels;
      if (options.activation === 'softmax' && labels !== null && fusedKernelsActive()) {
        // Per-pixel CE from the fused kernel (accurate down to tiny values, so it ranks the
        // pixels itself) and the selection by quickselect off the tape.
        const terms = fusedSoftmaxCrossEntropy(input.yPred, labels, {
          ignoreIndex: input.options.ignoreIndex,
          classWeights: null,
          reduction: 'none',
        });
        // Read only (topSelection copies): the cpu backend hands out its own array here.
        let scores = terms.dataSync() as Float32Array;
        let pool = terms.size;
        if (!options.countIgnored) {
          scores = scores.slice();
          // Ignored pixels get −1 < every CE, so that they are never selected.
          const keep = input.valid.dataSync();
          pool = 0;
          for (let i = 0; i < scores.length; i++) {
            if (keep[i] === 0) scores[i] = -1;
            else pool++;
          }
          if (pool === 0) return reduceTerms(terms, options.reduction, tf.zerosLike(terms));
        }
        const count = Math.min(terms.size, Math.max(1, Math.floor((pool * options.k) / 100)));
        const selection = tf.tensor(topSelection(scores, count), terms.shape);
        if (options.reduction !== 'mean') return reduceTerms(terms, options.reduction, selection);
        // The selection weights sum to `count` by construction: the mean needs no second sum.
        return tf.div(tf.sum(tf.mul(terms, selection)), count);
      }
      const valid = tf.squeeze(input.valid, [3]);
      const target = input.target;
      let terms: tf.Tensor;
      let ranking: () => tf.Tensor;
      if (options.activation === 'sigmoid') {
        // BCE = (1 − t)·softplus(x) + t·softplus(−x), both terms ≥ 0.
        const x = input.yPred;
        const bce = tf.add(
          tf.mul(tf.sub(1, target), tf.softplus(x)),
          tf.mul(target, tf.softplus(tf.neg(x))),
        );
        terms = tf.mul(tf.mean(bce, 3), valid);
        ranking = () => terms;
      } else {
        terms = tf.neg(tf.sum(tf.mul(target, input.logProbs), 3));
        ranking = () => rankingCrossEntropy(input.yPred, target);
      }
      const pool = options.countIgnored ? terms.size : tf.sum(valid).dataSync()[0];
      if (pool === 0) return reduceTerms(terms, options.reduction, tf.zerosLike(valid));
      const count = Math.min(terms.size, Math.max(1, Math.floor((pool * options.k) / 100)));
      const selection = detached(terms, () => {
        // Ignored pixels get −1 < every CE when they must not be selected.
        const scores = options.countIgnored ? ranking() : tf.sub(ranking(), tf.sub(1, valid));
        return topSelectionTensor(scores, count);
      });
      return reduceTerms(terms, options.reduction, selection);
    };
  },
};
