/**
 * Boundary-aware loss (Hayder, He & Salzmann 2017, `hayder2017`): the network predicts, per pixel
 * and class, the truncated and quantised distance to the class region's boundary in K bins, and a
 * per-pixel K-way cross-entropy trains it against the binned distance transform of the target.
 *
 * Hayder et al. represent an object mask by these bins — bin 0 is "outside", bins 1…K−1 the depth
 * inside — and read the mask back from them. Here the segmentation itself supplies bin 0: for
 * class c the K-bin distribution of pixel i is
 *
 *   P_ic(0) = 1 − y_ic,   P_ic(k) = y_ic · q_ic(k)  (k = 1…K−1),   q_ic = softmax(z_ic),
 *
 * with y the segmentation probabilities and z_ic the K − 1 logits of the `distanceBins` head for
 * class c. Its cross-entropy against the target bin k_ic (0 unless t_ic = 1, see distance-bins.ts)
 * splits into a one-vs-rest cross-entropy of the segmentation and a bin cross-entropy inside the
 * region:
 *
 *   ℓ_ic = −(1 − t_ic) log(1 − y_ic) − t_ic [log y_ic + log q_ic(k_ic)],
 *   L = (1/N) Σ_i (1/|C'|) Σ_{c∈C'} ℓ_ic
 *
 * over the non-ignored pixels i and the kept classes C' (all, or all but the background). Any
 * K-way softmax factorises this way, so this is Hayder et al.'s K-bin cross-entropy with bin 0
 * tied to the segmentation: the two outputs cannot disagree about where a region is, and the loss
 * alone trains both (it can stand alone or sit next to Dice).
 *
 * Multi-class targets: every class is its own region (one-vs-rest), with its own distances and
 * its own K − 1 head channels; a sigmoid model with one channel has the classes background and
 * foreground. Defaults K = 6, R = 5 (this library's choice): bins of one pixel, k = min(⌈d⌉, 5).
 *
 * Stable forms: log y from log-softmax (or −softplus for a sigmoid), and for softmax
 * log(1 − y_c) = logsumexp_{j≠c} x_j − logsumexp_j x_j (the c-th logit masked out), finite for
 * logits of any size where log of the complement would round to log 0.
 *
 * @example
 *   const loss = createLoss('boundary-aware', { numBins: 6, truncation: 5 });
 *   loss.heads(C); // [{ name: 'distanceBins', channels: 5 * C, … }]: a 1×1 head of the model
 *   const value = loss(labels, logits, { distanceBins: headLogits });
 */
import * as tf from '@tensorflow/tfjs-core';

import { describe, fail } from '../../core/errors.js';
import { exclusiveClassView } from '../class-view.js';
import type { ClassView } from '../class-view.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition, LossExtras } from '../types.js';
import { boundaryOptions, checkSpacing } from './boundary-options.js';
import { batchDistanceBins, distanceBins } from './distance-bins.js';
import { labelsOfIndices, labelsOfTarget, targetMapTensor } from './target-maps.js';

type BoundaryAwareOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  numBins: number;
  truncation: number;
  spacing: number[] | null;
  reduction: Reduction;
};

const who = 'boundary-aware';

/** Number of classes with a distance-bin group: the class view's K, less the background. */
function keptClasses(numClasses: number, includeBackground: boolean): number {
  const exclusive = numClasses === 1 ? 2 : numClasses;
  return includeBackground ? exclusive : exclusive - 1;
}

/** log(1 − y) `[B,H,W,K]` of the class view, finite for saturated logits. */
function logComplement(view: ClassView, logits: tf.Tensor4D, activation: Activation): tf.Tensor {
  if (activation === 'sigmoid') return tf.reverse(view.logProbs, 3);
  const c = logits.shape[3];
  // x_j repeated per class c, with x_c pushed to −1e30 (exp underflows to exactly 0).
  const eye = tf.reshape(tf.mul(tf.eye(c), -1e30), [1, 1, 1, c, c]);
  const masked = tf.add(tf.expandDims(logits, 3), eye);
  return tf.sub(tf.logSumExp(masked, 4), tf.logSumExp(logits, 3, true));
}

/** `extras[name]` checked to be float32 `[B,H,W,channels]`. */
function extraMap(extras: LossExtras, name: string, shape: number[]): tf.Tensor4D {
  const given = extras[name];
  const ok =
    given instanceof tf.Tensor &&
    given.dtype === 'float32' &&
    given.rank === 4 &&
    given.shape.every((d, i) => d === shape[i]);
  if (!ok) {
    const got =
      given instanceof tf.Tensor ? `${given.dtype} [${given.shape.join(',')}]` : describe(given);
    fail(who, `extras.${name}`, `float32 [${shape.join(',')}]`, got);
  }
  return given as tf.Tensor4D;
}

export const boundaryAware: LossDefinition<BoundaryAwareOptions> = {
  name: who,
  category: 'boundary',
  title: 'Boundary-aware loss (binned distance transform)',
  summary:
    'Cross-entropy of a per-pixel, per-class prediction of the truncated distance to the ' +
    'region boundary in K bins, bin 0 (outside) tied to the segmentation.',
  formula:
    String.raw`\mathcal{L}_{BA} = -\frac{1}{N|C'|}\sum_{i=1}^{N}\sum_{c\in C'}\Big[(1-t_{i,c})` +
    String.raw`\log(1-y_{i,c}) + t_{i,c}\big(\log y_{i,c} + \log q_{i,c}(k_{i,c})\big)\Big]`,
  symbols:
    'q_{i,c} = softmax of the K−1 distanceBins logits of class c at pixel i; ' +
    'k_{i,c} = min(K−1, ⌈(K−1)·d_{i,c}/R⌉), d_{i,c} the Euclidean distance from i to the ' +
    "nearest pixel outside class c's region; R the truncation; C' the kept classes.",
  sources: ['hayder2017'],
  surveyNote:
    'The survey summarises Hayder et al.: an instance-mask branch predicts the truncated, ' +
    'quantised distance transform D(p) = min(⌈min_q d(p, q)⌉, R) as a K-way classification ' +
    'with bin 0 included, and the mask is decoded from the bins. For semantic segmentation ' +
    'this implementation takes bin 0 from the segmentation probabilities (1 − y) and predicts ' +
    'only the K − 1 inside bins with an extra head — the same K-way cross-entropy, factorised — ' +
    'and measures distances per class region instead of per object box.',
  whenToUse:
    'When boundaries and thin parts matter and the model can carry a small extra head; the ' +
    'distance bins make the network model how deep each pixel lies inside its region.',
  pros: [
    'Trains the segmentation and a shape-aware distance head with one term',
    'Truncation keeps the target local to the boundary; bins make it a classification',
  ],
  cons: [
    'Needs an extra head of (K−1)·C channels and a distance transform per target (CPU)',
    'Truncation R and bin count K are task-dependent',
  ],
  unreducedShape: '[B,H,W] (per-pixel terms averaged over the kept classes, 0 at ignored pixels)',
  minimum:
    '0 for a one-hot segmentation equal to the target and distance-bin logits that put all ' +
    'mass on the target bin',
  emptyPolicy:
    'A class absent from the target has bin 0 everywhere: its term is the cross-entropy of ' +
    '1 − y, pushing its probability down. A class filling the image lies in the last bin. ' +
    'Ignored pixels are left out of the mean and count as outside every region when the ' +
    'distances are computed; all pixels ignored: 0 with a zero gradient. Soft targets weight ' +
    'the terms; their bins come from the class above 0.5.',
  options: {
    activation: { ...commonOptions.activation, values: ['softmax', 'sigmoid'] },
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    numBins: {
      type: 'integer',
      default: 6,
      min: 2,
      doc: 'K, the number of distance bins including bin 0 (outside the region).',
    },
    truncation: {
      type: 'number',
      default: 5,
      min: 0,
      exclusiveMin: true,
      doc:
        'R, the distance (in units of spacing) beyond which pixels share the last bin; the ' +
        'K − 1 inside bins split (0, R] evenly.',
    },
    spacing: boundaryOptions.spacing,
    reduction: commonOptions.reduction,
  },
  needs: ['distanceBins'],
  heads(options, numClasses) {
    const kept = keptClasses(numClasses, options.includeBackground);
    return [
      {
        name: 'distanceBins',
        channels: kept * (options.numBins - 1),
        doc:
          `Logits of the ${options.numBins - 1} inside distance bins for each of the ${kept} ` +
          'kept classes, class-major: channel c·(K−1) + (k−1) is bin k of kept class c.',
      },
    ];
  },
  targetMaps(options) {
    const spacing = checkSpacing(who, options.spacing);
    const { numBins, truncation } = options;
    return [
      {
        name: 'distanceBinLabels',
        channels: 1,
        compute(labels, height, width, numClasses, given) {
          const classes = labelsOfIndices(labels, numClasses, options.ignoreIndex);
          const step = spacing ?? (given !== undefined ? [given[0], given[1]] : null);
          return distanceBins(classes, height, width, { numBins, truncation, spacing: step });
        },
      },
    ];
  },
  build(options) {
    const bins = options.numBins - 1;
    const spacing = checkSpacing(who, options.spacing);
    const binOptions = { numBins: options.numBins, truncation: options.truncation, spacing };
    return (input, extras) => {
      const view = exclusiveClassView(who, input);
      const [b, h, w] = input.yPred.shape;
      const first = options.includeBackground ? 0 : 1;
      const kept = view.numClasses - first;
      const head = extraMap(extras, 'distanceBins', [b, h, w, kept * bins]);
      const binLabels = targetMapTensor(who, 'distanceBinLabels', extras, input, 1, () =>
        batchDistanceBins(labelsOfTarget(input), [b, h, w], binOptions),
      );
      const keep = (x: tf.Tensor): tf.Tensor => tf.slice(x, [0, 0, 0, first], [b, h, w, kept]);
      const logY = keep(view.logProbs);
      const log1mY = keep(logComplement(view, input.yPred, options.activation));
      const inside = keep(view.target);
      // log q_c(k) of the target bin: bins 1…K−1 map to head channels 0…K−2; bin 0 (outside or
      // ignored) one-hot encodes to an all-zero row and is multiplied by t = 0 anyway.
      const logQ = tf.logSoftmax(tf.reshape(head, [b, h, w, kept, bins]));
      const binIndex = tf.cast(tf.sub(tf.squeeze(binLabels, [3]), 1), 'int32');
      const binOneHot = tf.expandDims(tf.cast(tf.oneHot(binIndex, bins), 'float32'), 3);
      const logQTarget = tf.sum(tf.mul(logQ, binOneHot), 4);
      const perClass = tf.neg(
        tf.add(tf.mul(tf.sub(1, inside), log1mY), tf.mul(inside, tf.add(logY, logQTarget))),
      );
      const terms = tf.mean(perClass, 3);
      return reduceTerms(terms, options.reduction, tf.squeeze(view.valid, [3]));
    };
  },
};
