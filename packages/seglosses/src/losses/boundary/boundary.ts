/**
 * Boundary loss (Kervadec et al. 2019): the predicted probabilities integrated against the signed
 * distance map of each target class,
 *
 *   L = (1 / (N·C')) Σ_{c∈K} Σ_i φ_c(i) · y_{i,c},
 *   φ_c(i) = d(i, G_c)                 for i ∉ G_c   (distance to the nearest pixel of class c)
 *   φ_c(i) = −(d(i, Ḡ_c) − o)          for i ∈ G_c   (distance to the nearest pixel outside it)
 *
 * with K the kept classes (background excluded by default, as in the reference's idc = [1..C−1]),
 * C' = |K|, N the non-ignored pixels and o = `insideOffset` (1 in the official code: the inner
 * boundary pixels of the class get 0). Distances are Euclidean between pixel centres, in units of
 * `spacing`. Minimising L moves probability mass from outside the class (φ > 0) to its inside
 * (φ ≤ 0); the minimum, y = one-hot target, is negative.
 *
 * Distance rounding (`distances`). LIVIAETS' dataloader builds φ from the int32 one-hot, so
 * `one_hot2dist` writes it into an int32 array and every value is truncated toward zero: outside
 * distances √2, √5, … become 1, 2, …, and inside values −(d − 1) ∈ (−1, 0] become 0, so the whole
 * ring of pixels at distance < 2 from the background carries no weight. `'truncated'` (default)
 * reproduces that; `'exact'` keeps the Euclidean distances of the paper's formula. The difference
 * is a few percent of the value on typical masks (oracle: 0.4038 vs 0.4172).
 *
 * Empty and full classes: a class absent from an image has φ = 0 there (the reference's choice:
 * nothing to pull toward); a class filling the image has no boundary, and φ = 0 too (SciPy would
 * measure from a virtual pixel outside the image corner). Ignored pixels belong to no class when φ
 * is built, contribute 0 and are left out of N; all pixels ignored gives 0 with a zero gradient.
 *
 * φ depends on the target only: it is a cacheable target map (`loss.targetMaps`), passed back as
 * `extras[name]` `[B,H,W,C]`; without it the loss computes φ on the CPU (one sync read per call).
 *
 * @example
 *   const loss = createLoss('boundary'); // truncated maps, background excluded
 *   const value = loss(labels, logits); // labels int32 [B,H,W], logits float32 [B,H,W,C]
 */
import * as tf from '@tensorflow/tfjs-core';

import { distanceTransform } from '../../geometry/distance-transform.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { dropBackground } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';
import { boundaryOptions, checkSpacing, roundDistance } from './boundary-options.js';
import type { DistanceRounding, Spacing2 } from './boundary-options.js';
import type { MaskMap } from './target-maps.js';
import { classMaps, classTargetMap, labelsOfTarget, targetMapTensor } from './target-maps.js';

type BoundaryOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  distances: DistanceRounding;
  insideOffset: number;
  spacing: number[] | null;
  reduction: Reduction;
};

/** φ of one class mask (see the module comment); 0 everywhere for an empty or full mask. */
export function kervadecSignedDistance(distances: DistanceRounding, insideOffset: number): MaskMap {
  return (mask, height, width, spacing) => {
    const area = height * width;
    const phi = new Float64Array(area);
    let members = 0;
    for (let i = 0; i < area; i++) members += mask[i];
    if (members === 0 || members === area) return phi;
    const outside = new Uint8Array(area);
    for (let i = 0; i < area; i++) outside[i] = 1 - mask[i];
    // distanceTransform gives each non-zero pixel its distance to the nearest zero pixel.
    const toClass = distanceTransform(outside, [height, width], { spacing });
    const toOutside = distanceTransform(mask, [height, width], { spacing });
    for (let i = 0; i < area; i++) {
      const value = mask[i] === 1 ? -(toOutside[i] - insideOffset) : toClass[i];
      phi[i] = roundDistance(value, distances);
    }
    return phi;
  };
}

/** The name of the cached map: it differs whenever the map's options do. */
function mapName(options: BoundaryOptions): string {
  return `signedDistance(${options.distances}, insideOffset ${options.insideOffset})`;
}

export const boundary: LossDefinition<BoundaryOptions> = {
  name: 'boundary',
  category: 'boundary',
  title: 'Boundary loss',
  summary:
    'Probabilities weighted by the signed distance to each target region: mass outside a ' +
    'region costs its distance, mass inside earns it.',
  formula:
    String.raw`\mathcal{L}_{B} = \frac{1}{N\,|K|}\sum_{c\in K}\sum_{i=1}^{N}` +
    String.raw`\phi_{G_c}(i)\,y_{i,c}`,
  symbols:
    'K: the kept classes (background excluded by default); φ_{G_c}(i): the distance from pixel ' +
    'i to the region G_c of class c outside it, minus the distance to the outside of G_c ' +
    '(offset by insideOffset) inside it; truncated to integers by default, as the official code.',
  sources: ['kervadec2019'],
  surveyNote:
    'The survey, like the paper, writes the loss as an integral ∫_Ω φ_G(q) s_θ(q) dq with φ_G ' +
    '= ±D_G the signed distance to the boundary. The official code (implemented here) ' +
    'subtracts 1 inside, so the inner boundary pixels get 0, and stores the maps in int32, ' +
    "truncating them; 'exact' and insideOffset 0 give the paper's map instead.",
  whenToUse:
    'Highly unbalanced segmentation (small lesions), in combination with a regional loss ' +
    '(Dice or CE), whose weight is lowered as the boundary term is ramped up.',
  pros: [
    'Integrates over the region, not the contour: one cheap weighted sum per step',
    'Gradients far from the object, where Dice and CE give almost none for a missed region',
  ],
  cons: [
    'Unbounded below and not 0 at a perfect prediction; unusable alone (an empty prediction ' +
      'of a class is a local optimum)',
    'Needs a distance transform of every target (CPU), unless the maps are cached',
  ],
  unreducedShape: '[B,H,W,K] (φ·y per pixel and kept class, 0 at ignored pixels)',
  minimum:
    'For y equal to the one-hot target: (1/(N·|K|)) Σ_c Σ_{i∈G_c} φ_c(i) ≤ 0, the mean of the ' +
    'inside values of the maps (−0.056 on the oracle case mc_perfect); not 0',
  emptyPolicy:
    'A class absent from an image, or filling it, has φ = 0 there (no boundary to move ' +
    'toward). Ignored pixels belong to no class when φ is built, contribute 0 and are left out ' +
    'of the mean; all pixels ignored gives 0 with a zero gradient.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: { ...commonOptions.includeBackground, default: false },
    distances: boundaryOptions.distances,
    insideOffset: {
      type: 'number',
      default: 1,
      min: 0,
      doc:
        'Subtracted from the inside distance: φ = −(d − insideOffset) inside. 1 (official ' +
        'code) gives the inner boundary pixels 0; 0 gives the symmetric map −d / +d.',
    },
    spacing: boundaryOptions.spacing,
    reduction: commonOptions.reduction,
  },
  targetMaps(options) {
    const map = kervadecSignedDistance(options.distances, options.insideOffset);
    const spacing = checkSpacing('boundary', options.spacing);
    return [classTargetMap(mapName(options), options.ignoreIndex, spacing, map)];
  },
  parity: [
    {
      reference: 'LIVIAETS SurfaceLoss(idc=[1..C−1]) with int32 one_hot2dist maps (dataloader)',
      options: {},
    },
    {
      reference: 'LIVIAETS SurfaceLoss(idc=[1..C−1]) with float64 one_hot2dist maps',
      options: { distances: 'exact' },
    },
  ],
  build(options) {
    const spacing: Spacing2 = checkSpacing('boundary', options.spacing) ?? [1, 1];
    const phiOf = kervadecSignedDistance(options.distances, options.insideOffset);
    const name = mapName(options);
    return (input, extras) => {
      const channels = input.numClasses;
      const phi = targetMapTensor('boundary', name, extras, input, channels, () =>
        classMaps(labelsOfTarget(input), input.yPred.shape, channels, phiOf, spacing),
      );
      const keep = options.includeBackground;
      const terms = tf.mul(dropBackground(input.probs, keep), dropBackground(phi, keep));
      // Weighted by the validity mask: ignored pixels give 0 and leave the mean.
      return reduceTerms(terms, options.reduction, input.valid);
    };
  },
};
