/**
 * Conditional boundary loss (Wu et al. 2023, `wu2023`): acts on the decoder's feature map around
 * the target's boundaries. Every boundary pixel (anchor) gets its own goal, conditioned on its
 * k×k neighbourhood: its feature is pulled toward the local centre of its correctly classified
 * same-class neighbours and made dissimilar to its different-class neighbours, and the local
 * centres must be classified as the anchor's class.
 *
 * For an anchor i (a counted pixel with a counted pixel of another class in its window W(i), the
 * k×k window minus i, clipped to the image), with features f, class logits z and one-hot target t:
 *
 *   s_ij = t_i·t_j (1 for a same-class neighbour),  r_j = 1 when argmax z_j is j's target class,
 *   S_i = {j ∈ W(i) : s_ij = 1},  S_i⁺ = {j ∈ S_i : r_j = 1},  c_i = mean_{j ∈ S_i⁺} f_j,
 *
 *   pull_i   = (1/F) ‖f_i − sg(c_i)‖²                  anchor to centre, 0 when S_i⁺ = ∅
 *   pair_i   = mean_{j ∈ W(i)} (cos(f_i, f_j) − s_ij)²   anchor to each neighbour
 *   centre_i = CE(z̄_i, t_i) + CE(z̄_i⁺, t_i)             z̄_i, z̄_i⁺: mean z over S_i, S_i⁺;
 *                                                       each term 0 when its set is empty
 *
 *   L = (1/|A|) Σ_{i∈A} (λ_pull pull_i + λ_pair pair_i + λ_centre centre_i),
 *
 * sg the stop-gradient (the centre is a target, as in the authors' code). These are the three
 * terms of the authors' published implementation (`CBLocr_head.py`: the MSE to the detached
 * centre of correct same-class neighbours, weight 2; the cosine-similarity regression against
 * the same-class indicator, weight 1; the classification of both neighbour centres, weight 0.2),
 * with its 5×5 neighbourhood as the default.
 *
 * Differences from that code, deliberate: the centres are classified by averaging the neighbours'
 * logits instead of applying the (detached) classifier to the averaged feature — equal when the
 * logits are a 1×1 convolution of these features, as in the lab's UNet, but the classifier then
 * receives a gradient too; the anchors are the pixels with another class in their own k×k
 * window (the code reads a boundary band about 0.5 % of the image diagonal wide from the label
 * map); neighbours outside the image are absent (the code drops anchors within k/2 of the edge
 * from the pairwise term); ignored neighbours are absent (the code treats them as a different
 * class); and each term is averaged over all anchors at once instead of per class and per image.
 *
 * @example
 *   const loss = createLoss('conditional-boundary', { neighbourhood: 5 });
 *   loss.heads(C); // [{ name: 'features', … }]: the model's last decoder feature map
 *   const value = loss(labels, logits, { features }); // features [B,H,W,F]
 */
import * as tf from '@tensorflow/tfjs-core';

import { describe, fail } from '../../core/errors.js';
import { unaryCustomGrad } from '../../core/stable-activations.js';
import { exclusiveClassView } from '../class-view.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition, LossExtras } from '../types.js';

type ConditionalBoundaryOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  neighbourhood: number;
  pullWeight: number;
  pairWeight: number;
  centreWeight: number;
  reduction: Reduction;
};

const who = 'conditional-boundary';

/** Identity whose gradient is zero: the value takes part, the tape does not see through it. */
const stopGradient = unaryCustomGrad((x) => ({
  value: tf.clone(x),
  gradFunc: (dy) => tf.zerosLike(dy),
}));

/** Unit-length features; the 1e-3 floor keeps the gradient bounded at an all-zero feature. */
function normalise(f: tf.Tensor4D): tf.Tensor4D {
  return tf.div(f, tf.sqrt(tf.add(tf.sum(tf.square(f), 3, true), 1e-6))) as tf.Tensor4D;
}

/** `extras.features` checked to be float32 `[B,H,W,F]` matching the prediction. */
function featureMap(extras: LossExtras, [b, h, w]: readonly number[]): tf.Tensor4D {
  const given = extras.features;
  const ok =
    given instanceof tf.Tensor &&
    given.dtype === 'float32' &&
    given.rank === 4 &&
    given.shape[0] === b &&
    given.shape[1] === h &&
    given.shape[2] === w &&
    (given.shape[3] as number) >= 1;
  if (!ok) {
    const got =
      given instanceof tf.Tensor ? `${given.dtype} [${given.shape.join(',')}]` : describe(given);
    fail(who, 'extras.features', `float32 [${b},${h},${w},F] with F ≥ 1`, got);
  }
  return given as tf.Tensor4D;
}

/** The neighbour at offset (dy, dx) of every pixel of `padded` (padded by r on both sides). */
function neighbour(padded: tf.Tensor4D, r: number, dy: number, dx: number, shape: number[]) {
  const [b, h, w] = shape;
  return tf.slice(padded, [0, r + dy, r + dx, 0], [b, h, w, padded.shape[3]]) as tf.Tensor4D;
}

const pad = (x: tf.Tensor4D, r: number) =>
  tf.pad(x, [
    [0, 0],
    [r, r],
    [r, r],
    [0, 0],
  ]) as tf.Tensor4D;

export const conditionalBoundary: LossDefinition<ConditionalBoundaryOptions> = {
  name: who,
  category: 'boundary',
  title: 'Conditional boundary loss',
  summary:
    'Pulls the decoder feature of each boundary pixel toward the centre of its correctly ' +
    'classified same-class neighbours and away from its other-class neighbours.',
  formula:
    String.raw`\mathcal{L}_{CBL} = \frac{1}{|A|}\sum_{i\in A}\Big[\lambda_{p}\tfrac{1}{F}` +
    String.raw`\lVert f_i - \mathrm{sg}(c_i)\rVert^2 + \lambda_{a}\,\mathrm{mean}_{j\in W(i)}` +
    String.raw`\big(\cos(f_i,f_j) - t_i^\top t_j\big)^2 + \lambda_{c}\big(\mathrm{CE}(\bar z_i, ` +
    String.raw`t_i) + \mathrm{CE}(\bar z_i^{+}, t_i)\big)\Big]`,
  symbols:
    'A: boundary pixels (a pixel of another class in the k×k window W(i)); f: decoder ' +
    'features (F channels); c_i: mean feature of the correctly classified same-class ' +
    'neighbours; z̄_i, z̄_i⁺: mean logits of all / of the correctly classified same-class ' +
    'neighbours; sg: stop-gradient; λ_p, λ_a, λ_c: pullWeight, pairWeight, centreWeight.',
  sources: ['wu2023'],
  surveyNote:
    'The survey summarises the paper: each boundary pixel is pulled to its local class centre ' +
    'and pushed from its different-class neighbours, and only correctly classified neighbours ' +
    'take part. The terms, weights (2, 1, 0.2) and 5×5 window implemented here are those of ' +
    "the authors' published code, with the differences listed in the module comment.",
  whenToUse:
    'Plug-in refinement of boundaries for a model whose last feature map is available; it ' +
    'complements a region loss (cross-entropy, Dice), which it does not replace.',
  pros: [
    'Targets only boundary pixels, with a goal specific to each one',
    'Uses only correctly classified neighbours, so wrong predictions do not set the goal',
  ],
  cons: [
    'Needs the feature map (an extra output) and k² − 1 shifted copies of it per step',
    'Three weights to tune; no effect far from boundaries',
  ],
  unreducedShape: '[B,H,W] (weighted per-pixel sum of the three terms, 0 off the boundary)',
  minimum:
    '0: same-class neighbours with parallel features, other-class neighbours orthogonal, and ' +
    'confident, correct logits (e.g. one-hot features and ±20 logits)',
  emptyPolicy:
    'No boundary pixel (a single class, or everything ignored): 0 with a zero gradient. ' +
    'Ignored pixels are neither anchors nor neighbours. An anchor without a (correctly ' +
    'classified) same-class neighbour drops the pull and the corresponding centre term.',
  options: {
    activation: { ...commonOptions.activation, values: ['softmax', 'sigmoid'] },
    ignoreIndex: commonOptions.ignoreIndex,
    neighbourhood: {
      type: 'integer',
      default: 5,
      min: 3,
      max: 9,
      doc: 'k, the odd side of the window around each boundary pixel (5 in the authors’ code).',
    },
    pullWeight: {
      type: 'number',
      default: 2,
      min: 0,
      doc: 'λ_pull, weight of the anchor-to-centre MSE.',
    },
    pairWeight: {
      type: 'number',
      default: 1,
      min: 0,
      doc: 'λ_pair, weight of the neighbour cosine-similarity term.',
    },
    centreWeight: {
      type: 'number',
      default: 0.2,
      min: 0,
      doc: 'λ_centre, weight of the classification of the neighbour centres.',
    },
    reduction: commonOptions.reduction,
  },
  needs: ['features'],
  heads() {
    return [
      {
        name: 'features',
        channels: 0,
        doc: "The model's last decoder feature map [B,H,W,F] as it is (F: its own width).",
      },
    ];
  },
  build(options) {
    const k = options.neighbourhood;
    if (k % 2 !== 1) fail(who, 'option neighbourhood', 'odd', String(k));
    const r = (k - 1) / 2;
    return (input, extras) => {
      const view = exclusiveClassView(who, input);
      const shape = input.yPred.shape;
      const features = featureMap(extras, shape);
      const target = view.target;
      const valid = view.valid;
      const classes = view.numClasses;
      // Class logits z whose softmax is the view's probabilities (sigmoid: [0, x]).
      const logits =
        options.activation === 'sigmoid'
          ? (tf.concat([tf.zerosLike(input.yPred), input.yPred], 3) as tf.Tensor4D)
          : input.yPred;
      const predicted = tf.cast(tf.oneHot(tf.argMax(logits, 3), classes), 'float32');
      const correct = tf.sum(tf.mul(predicted, target), 3, true) as tf.Tensor4D;
      const unit = normalise(features);
      const padded = {
        f: pad(features, r),
        unit: pad(unit, r),
        t: pad(target, r),
        v: pad(valid, r),
        z: pad(logits, r),
        correct: pad(correct, r),
      };
      let counted: tf.Tensor = tf.zerosLike(valid);
      let others: tf.Tensor = tf.zerosLike(valid);
      let same: tf.Tensor = tf.zerosLike(valid);
      let sameCorrect: tf.Tensor = tf.zerosLike(valid);
      let centre: tf.Tensor = tf.zerosLike(features);
      let zSame: tf.Tensor = tf.zerosLike(logits);
      let zCorrect: tf.Tensor = tf.zerosLike(logits);
      let pairSum: tf.Tensor = tf.zerosLike(valid);
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          if (dy === 0 && dx === 0) continue;
          const at = (x: tf.Tensor4D) => neighbour(x, r, dy, dx, shape);
          const vj = tf.mul(at(padded.v), valid);
          const sij = tf.mul(tf.sum(tf.mul(target, at(padded.t)), 3, true), vj);
          const good = tf.mul(sij, at(padded.correct));
          const cos = tf.sum(tf.mul(unit, at(padded.unit)), 3, true);
          counted = tf.add(counted, vj);
          others = tf.add(others, tf.sub(vj, sij));
          same = tf.add(same, sij);
          sameCorrect = tf.add(sameCorrect, good);
          centre = tf.add(centre, tf.mul(good, at(padded.f)));
          zSame = tf.add(zSame, tf.mul(sij, at(padded.z)));
          zCorrect = tf.add(zCorrect, tf.mul(good, at(padded.z)));
          pairSum = tf.add(pairSum, tf.mul(vj, tf.square(tf.sub(cos, sij))));
        }
      }
      const anchors = tf.mul(valid, tf.cast(tf.greater(others, 0.5), 'float32'));
      // 1 where a count is positive; tf.step, unlike tf.greater, has a (zero) gradient, and the
      // correct-neighbour counts lie on the tape through argMax.
      const has = (n: tf.Tensor) => tf.step(n);
      const perPixel = (n: tf.Tensor) => tf.maximum(n, 1e-12);
      const c = stopGradient(tf.div(centre, perPixel(sameCorrect)));
      const pull = tf.mul(tf.mean(tf.square(tf.sub(features, c)), 3, true), has(sameCorrect));
      const pair = tf.div(pairSum, perPixel(counted));
      const ce = (sum: tf.Tensor, n: tf.Tensor) =>
        tf.mul(
          tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(tf.div(sum, perPixel(n)))), 3, true)),
          has(n),
        );
      const centreTerm = tf.add(ce(zSame, same), ce(zCorrect, sameCorrect));
      const terms = tf.addN([
        tf.mul(pull, options.pullWeight),
        tf.mul(pair, options.pairWeight),
        tf.mul(centreTerm, options.centreWeight),
      ]);
      return reduceTerms(tf.squeeze(terms, [3]), options.reduction, tf.squeeze(anchors, [3]));
    };
  },
};
