/**
 * InverseForm loss (Borse et al. 2021, `borse2021`): a frozen inverse-transformation network
 * regresses the affine transform between the predicted and the target boundary maps, and the loss
 * is the transform's distance from the identity.
 *
 *   b̂ = B(y),  b = B(t)                      (soft boundary maps, `inverse-form/boundary-map.ts`)
 *   M_k = f(b̂_k, b_k)                        (per 32×32 tile k; `inverse-form/network.ts`)
 *   L = (1/K) Σ_k ‖M_k‖_F,                   K tiles over the batch
 *
 * M_k is the logarithm of the transform mapping the target tile onto the predicted one, so
 * ‖M_k‖_F is 0 for the identity and, to first order, the paper's ‖θ̂ − I‖_F. The maps are cut
 * into the network's 32×32 tiles (zero-padded at the right and bottom), as the paper tiles its
 * 224×224 inputs; tiles without any boundary in either map contribute exactly 0 and still count
 * in the mean, as in the paper.
 *
 * The boundary input, deliberately: the paper feeds the network the output of a separate
 * boundary head, and its published code passes that one-channel edge logit through log_softmax
 * over the channel axis — identically 0 for one channel, so the InverseForm term has no gradient
 * there. Here the predicted boundary is the Sobel gradient magnitude of the segmentation
 * probabilities (softmax, or sigmoid for one channel) — about 1 on edges and 0 inside regions like
 * the target boundary, smooth, and the same operator on both sides, so a perfect prediction gives
 * equal maps and, by the network's antisymmetry, exactly 0. No extra head is needed.
 *
 * Stable form: ‖M‖ is computed as √(‖M‖² + ε²) − ε (ε = 1e-6) so that its gradient is 0, not
 * NaN, at M = 0; the difference from the norm is below ε.
 *
 * State: the network's frozen weights (`inverse-form/weights.ts`, trained by
 * scripts/train-inverse-form.ts) are decoded once per `createLoss` into host memory and uploaded
 * as constants in each call, so no backend memory outlives a call and the loss has nothing to
 * dispose; they are not trainable variables.
 *
 * @example
 *   const loss = createLoss('inverse-form'); // no extra head, no target map
 *   const value = loss(labels, logits); // mean distance over the 32×32 tiles of the batch
 */
import * as tf from '@tensorflow/tfjs-core';

import { InverseFormNetwork } from '../../inverse-form/network.js';
import { softBoundary } from '../../inverse-form/boundary-map.js';
import { shippedInverseFormWeights } from '../../inverse-form/weights.js';
import { exclusiveClassView } from '../class-view.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type InverseFormOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  reduction: Reduction;
};

const who = 'inverse-form';
const epsilon = 1e-6;

/** `[B,H,W,1]` → tiles `[B·ty·tx, s, s, 1]` (row-major over tiles), zero-padded to multiples. */
function toTiles(x: tf.Tensor4D, s: number): { tiles: tf.Tensor4D; ty: number; tx: number } {
  const [b, h, w] = x.shape;
  const ty = Math.ceil(h / s);
  const tx = Math.ceil(w / s);
  const padded = tf.pad(x, [
    [0, 0],
    [0, ty * s - h],
    [0, tx * s - w],
    [0, 0],
  ]);
  const grid = tf.transpose(tf.reshape(padded, [b, ty, s, tx, s]), [0, 1, 3, 2, 4]);
  return { tiles: tf.reshape(grid, [b * ty * tx, s, s, 1]), ty, tx };
}

export const inverseForm: LossDefinition<InverseFormOptions> = {
  name: who,
  category: 'boundary',
  title: 'InverseForm loss',
  summary:
    'Distance from the identity of the affine transform that a frozen network finds between ' +
    'the predicted and the target boundary maps.',
  formula:
    String.raw`\mathcal{L}_{IF} = \frac{1}{K}\sum_{k=1}^{K}\big\lVert f\big(B(y)_k,\,` +
    String.raw`B(t)_k\big)\big\rVert_F`,
  symbols:
    'B: boundary map (Sobel gradient magnitude of the class probabilities); k: 32×32 tiles; f: the ' +
    'frozen inverse-transformation network, returning the logarithm of the affine transform ' +
    '(0 for the identity).',
  sources: ['borse2021'],
  surveyNote:
    'The survey follows the paper: d = ‖θ̂ − I‖_F with θ̂ regressed from the two boundary maps ' +
    "by a pretrained network. The authors' network and weights (a 224×224 MLP) are replaced by " +
    'a scaled-down one trained by scripts/train-inverse-form.ts, the boundary comes from the ' +
    'segmentation instead of a separate edge head, and the regressed quantity is log θ, whose ' +
    'norm equals ‖θ − I‖_F to first order.',
  whenToUse:
    'As a plug-in term next to cross-entropy when boundary placement (shifts, small rotations, ' +
    'scale changes of whole contours) matters more than per-pixel agreement.',
  pros: [
    'Measures structured boundary displacement instead of pixel-wise edge agreement',
    'No extra model output; no effect on the model at inference',
  ],
  cons: [
    'Relies on a learned, frozen network: its accuracy bounds the loss (see inverse-form/README)',
    'Tiles without boundary carry no signal; a missing object is not a transform',
  ],
  unreducedShape: '[B,⌈H/32⌉,⌈W/32⌉] (distance per tile)',
  minimum: '0, exactly, when the predicted boundary map equals the target one',
  emptyPolicy:
    'Tiles with no boundary in either map give exactly 0. Pixels within one pixel of an ' +
    'ignored pixel are removed from both maps; all pixels ignored: 0 with a zero gradient.',
  options: {
    activation: { ...commonOptions.activation, values: ['softmax', 'sigmoid'] },
    ignoreIndex: commonOptions.ignoreIndex,
    reduction: commonOptions.reduction,
  },
  build(options) {
    const network = new InverseFormNetwork(shippedInverseFormWeights);
    const s = network.architecture.tile;
    return (input) => {
      const view = exclusiveClassView(who, input);
      // Pixels whose whole 3×3 window counts (erosion of the valid mask).
      const interior = tf.neg(tf.maxPool(tf.neg(view.valid), 3, 1, 'same'));
      const predicted = toTiles(tf.mul(softBoundary(view.probs), interior) as tf.Tensor4D, s);
      const target = toTiles(tf.mul(softBoundary(view.target), interior) as tf.Tensor4D, s);
      const m = network.regress(predicted.tiles, target.tiles);
      const e2 = tf.scalar(epsilon * epsilon);
      // √(‖M‖² + ε²) − ε, with ε taken from the same sqrt kernel so that M = 0 gives exactly 0.
      const distance = tf.sub(tf.sqrt(tf.add(tf.sum(tf.square(m), 1), e2)), tf.sqrt(e2));
      const [b] = input.yPred.shape;
      return reduceTerms(tf.reshape(distance, [b, predicted.ty, predicted.tx]), options.reduction);
    };
  },
};
