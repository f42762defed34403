/**
 * Lovász-Softmax loss and the binary Lovász hinge (Berman et al., 2018): the Lovász extension of
 * the Jaccard loss, a tight convex surrogate of 1 − IoU, evaluated at the vector of pixel errors.
 *
 * For one class c of one group of pixels (an image with `perImage`, else the whole batch), with
 * errors m_i = |t_ic − y_ic| (hinge: m_i = 1 − x_i(2t_i − 1), used as max(0, m_i)) sorted in
 * decreasing order π (m_π1 ≥ m_π2 ≥ …) and the running counts
 *   I_k = Σ_i t_ic − Σ_{j≤k} t_πj,   U_k = Σ_i t_ic + Σ_{j≤k} (1 − t_πj),   J_k = 1 − I_k/U_k,
 * the loss is the dot product of the sorted errors with the increments of J:
 *   ΔJ(m) = Σ_k m_πk g_k,   g_1 = J_1,  g_k = J_k − J_{k−1}.
 * The permutation π and so g are piecewise constant in the errors, so ∂ΔJ/∂m_πk = g_k almost
 * everywhere: the loss is computed as Σ_i m_i G_i with G = g scattered back to pixel order (a
 * constant tensor), and autograd flows through the errors m only. π is computed on the CPU from
 * the error values with the tie order of PyTorch's sort (see core/descending-order.ts), so that
 * saturated predictions, whose errors tie, get the reference's subgradient. |·| has the
 * derivative sign(d) with sign(0) = 0, as in PyTorch (`referenceAbs`).
 */
import * as tf from '@tensorflow/tfjs-core';

import { notSupported } from '../../core/errors.js';
import { unaryCustomGrad } from '../../core/stable-activations.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { dropBackground } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import { lovaszWeights } from './lovasz-weights.js';
import type { LossDefinition } from '../types.js';

type LovaszOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  classes: 'present' | 'all';
  perImage: boolean;
  errors: 'probability' | 'hinge';
  reduction: Reduction;
};

/**
 * |x| whose derivative is sign(x), 0 at x = 0 (PyTorch's choice, which the reference gradients
 * of saturated inputs rely on). The sign is built from comparisons because the wasm backend's
 * Sign kernel returns 0 for |x| ≤ 1e-7 (tfjs 4.22), where saturated errors (~1e-11) live.
 */
const referenceAbs = unaryCustomGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.abs(x),
    gradFunc: (dy: tf.Tensor, [input]: tf.Tensor[]) => {
      const sign = tf.sub(
        tf.cast(tf.greater(input, 0), 'float32'),
        tf.cast(tf.less(input, 0), 'float32'),
      );
      return tf.mul(dy, sign);
    },
  };
});

export const lovaszSoftmax: LossDefinition<LovaszOptions> = {
  name: 'lovasz-softmax',
  category: 'region',
  title: 'Lovász-Softmax loss (and binary Lovász hinge)',
  summary: 'The Lovász extension of the Jaccard loss: a convex surrogate of 1 − IoU per class.',
  formula:
    String.raw`\mathcal{L}_{Lov} = \frac{1}{|K|}\sum_{c \in K} \sum_{k=1}^{N} m_{\pi_k}(c)\,` +
    String.raw`g_k(c),\quad m_i(c) = |t_{i,c} - y_{i,c}|,\quad g_k = J_k - J_{k-1},\quad ` +
    String.raw`J_k = 1 - \frac{\sum_i t_{i,c} - \sum_{j \le k} t_{\pi_j,c}}` +
    String.raw`{\sum_i t_{i,c} + \sum_{j \le k} (1 - t_{\pi_j,c})}`,
  symbols:
    'π: the pixels sorted by decreasing error m; K: the averaged classes (present or all); ' +
    'hinge: m_i = max(0, 1 − x_i(2t_i − 1)) on the logit x of a binary task.',
  sources: ['berman2018'],
  surveyNote:
    'The survey gives the class mean of the Lovász extension ΔJ_c of the error vector m(c), ' +
    'leaving the extension itself (sort the errors, weight them by the increments of the ' +
    'Jaccard loss) to the paper, and does not say which classes are averaged. The formula here ' +
    "writes the extension out; the class set defaults to the authors' code, 'present'.",
  whenToUse:
    'Fine-tuning for mean IoU once a model is trained with cross-entropy; binary hinge for ' +
    'single-logit foreground/background models.',
  pros: ['Directly optimises a tight convex surrogate of IoU', 'Handles class imbalance per class'],
  cons: [
    'Needs a sort per class (computed on the CPU: a GPU read-back)',
    'Piecewise-linear: sparse, noisy gradients from scratch',
  ],
  unreducedShape: '[B,K] with perImage, else [K] (K kept classes; 0 for classes not counted)',
  minimum: '0 for a perfect prediction (every error 0; hinge: every margin at least 1)',
  emptyPolicy:
    "Ignored pixels are removed before sorting. classes 'present' averages only classes with " +
    "target mass in the group; 'all' keeps absent classes, whose loss is then the largest " +
    'predicted probability of the class; the hinge always counts its one term (an empty ' +
    'target gives the largest margin violation). A group without valid pixels (or without ' +
    'counted classes) contributes 0 and still counts in the mean over images; all pixels ' +
    'ignored: 0 with a zero gradient.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    classes: {
      type: 'enum',
      default: 'present',
      values: ['present', 'all'],
      doc:
        "Average over the classes present in the group's target, or over all classes " +
        "(errors 'hinge': its one term always counts).",
    },
    perImage: {
      type: 'boolean',
      default: false,
      doc: 'One Lovász term per image (then the mean over images) instead of one per batch.',
    },
    errors: {
      type: 'enum',
      default: 'probability',
      values: ['probability', 'hinge'],
      doc:
        "'probability': m = |t − y| on probabilities (Lovász-Softmax); 'hinge': " +
        'm = max(0, 1 − x(2t − 1)) on the raw logit x of a binary task (C = 1 with activation ' +
        "'sigmoid', which the hinge does not apply).",
    },
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: "Berman lovasz_softmax(softmax(x), t, classes='present', ignore=255)",
      options: {},
    },
    {
      reference: "Berman lovasz_softmax(..., classes='all', per_image=True)",
      options: { classes: 'all', perImage: true },
    },
    {
      reference: 'Berman lovasz_hinge(x, t, per_image=True, ignore=255)',
      options: { errors: 'hinge', activation: 'sigmoid', perImage: true },
    },
    { reference: "smp LovaszLoss('multiclass', ignore_index=255)", options: {} },
    { reference: 'Azad et al. companion LovaszSoftmaxLoss()', options: { classes: 'all' } },
  ],
  build(options) {
    return (input) => {
      const hinge = options.errors === 'hinge';
      if (hinge && input.numClasses !== 1) {
        notSupported(
          'lovasz-softmax',
          `errors 'hinge' with ${input.numClasses} channels`,
          'the hinge needs one logit per pixel, C = 1',
        );
      }
      const target = dropBackground(input.target, options.includeBackground);
      let errors: tf.Tensor4D;
      if (hinge) {
        errors = tf.sub(1, tf.mul(input.yPred, tf.sub(tf.mul(target, 2), 1)));
      } else {
        const probs = dropBackground(input.probs, options.includeBackground);
        errors = referenceAbs(tf.sub(target, probs)) as tf.Tensor4D;
      }
      const [b, h, w, k] = errors.shape;
      const groups = options.perImage ? b : 1;
      const { weights, counted } = lovaszWeights(
        errors.dataSync() as Float32Array,
        target.dataSync() as Float32Array,
        input.valid.dataSync() as Float32Array,
        [groups, (b * h * w) / groups, k],
        // The hinge has one term per group, always counted (the reference has no class set).
        options.classes === 'present' && !hinge,
      );
      const contribution = hinge ? tf.relu(errors) : errors;
      const grouped = tf.reshape(tf.mul(contribution, tf.tensor4d(weights, [b, h, w, k])), [
        groups,
        (b * h * w) / groups,
        k,
      ]);
      const shape = options.perImage ? [b, k] : [k];
      const terms = tf.reshape(tf.sum(grouped, 1), shape);
      const countedTensor = tf.tensor(counted, shape);
      if (options.reduction !== 'mean') {
        return reduceTerms(terms, options.reduction, countedTensor);
      }
      // Mean over the counted classes of each group, then over the groups.
      const perGroup = tf.div(
        tf.sum(tf.mul(terms, countedTensor), -1),
        tf.maximum(tf.sum(countedTensor, -1), 1),
      );
      return reduceTerms(perGroup, 'mean');
    };
  },
};
