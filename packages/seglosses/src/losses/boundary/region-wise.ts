/**
 * Region-wise loss with rectified region-wise (RRW) maps (Valverde & Tohka 2023), as the
 * authors' `RWLoss` computes it:
 *
 *   L = (1 / (N·C)) Σ_c Σ_i y_{i,c} · z_{i,c},
 *   z_{i,c} = −d_c(i) / max_j d_c(j)   for i in class c,    z_{i,c} = 1   elsewhere,
 *
 * with d_c(i) the distance from pixel i of class c to the nearest pixel outside it (in units of
 * `spacing`; 1 for the pixels next to the outside), and every class included. Probability on a
 * wrong class costs 1 per pixel; probability on the right class earns up to 1, most at the pixels
 * deepest inside the region, least at its boundary. The minimum (y = one-hot target) is negative.
 *
 * Empty and full classes: a class absent from an image has z = 1 everywhere there (the reference:
 * its normalised map is 0, and zeros are set to 1); a class that fills the image has no outside
 * to measure from, and gets z = −1 everywhere (every pixel as deep as any other; SciPy would
 * measure from a virtual pixel outside the image corner). Ignored pixels belong to no class when
 * z is built, contribute 0 and are left out of N; all pixels ignored gives 0 with a zero gradient.
 *
 * z depends on the target only: a cacheable target map (`loss.targetMaps`); without it in
 * `extras` the loss computes it on the CPU (one sync read per call).
 *
 * @example
 *   const loss = createLoss('region-wise');
 *   const value = loss(labels, logits);
 */
import * as tf from '@tensorflow/tfjs-core';

import { distanceTransform } from '../../geometry/distance-transform.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { dropBackground } from '../overlap.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';
import { boundaryOptions, checkSpacing } from './boundary-options.js';
import type { Spacing2 } from './boundary-options.js';
import type { MaskMap } from './target-maps.js';
import { classMaps, classTargetMap, labelsOfTarget, targetMapTensor } from './target-maps.js';

type RegionWiseOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  spacing: number[] | null;
  reduction: Reduction;
};

/** The RRW map of one class mask (see the module comment). */
export const rectifiedRegionWiseMap: MaskMap = (mask, height, width, spacing) => {
  const area = height * width;
  const z = new Float64Array(area).fill(1);
  let members = 0;
  for (let i = 0; i < area; i++) members += mask[i];
  if (members === 0) return z;
  if (members === area) return z.fill(-1);
  const depth = distanceTransform(mask, [height, width], { spacing });
  let deepest = 0;
  for (let i = 0; i < area; i++) deepest = Math.max(deepest, depth[i]);
  for (let i = 0; i < area; i++) if (mask[i] === 1) z[i] = -depth[i] / deepest;
  return z;
};

const mapName = 'rectifiedRegionWise';

export const regionWise: LossDefinition<RegionWiseOptions> = {
  name: 'region-wise',
  category: 'boundary',
  title: 'Region-wise loss (rectified region-wise maps)',
  summary:
    'Probabilities weighted per pixel and class: 1 for a wrong class, a reward growing with ' +
    'the depth inside the region for the right one.',
  formula:
    String.raw`\mathcal{L}_{RW} = \frac{1}{N C}` +
    String.raw`\sum_{i=1}^{N}\sum_{c=1}^{C} y_{i,c}\,z_{i,c}`,
  symbols:
    'z_{i,c} = −d_c(i)/max_j d_c(j) for pixels i of class c, with d_c(i) the distance to the ' +
    'nearest pixel outside class c; z_{i,c} = 1 for the other pixels (rectified RRW maps).',
  sources: ['valverde2023'],
  surveyNote:
    'The survey lists the region-wise loss in its taxonomy without a formula; this follows the ' +
    "paper's RRW maps as the authors' RWLoss computes them.",
  whenToUse:
    'As a single loss where CE is hampered by class imbalance and Dice by its instability; ' +
    'the RRW maps also make the loss boundary-aware.',
  pros: [
    'Bounded per pixel (|z| ≤ 1): stable, like CE, but with a distance-based weighting',
    'One map per target, cacheable; a weighted sum per step',
  ],
  cons: [
    'Not 0 at a perfect prediction; its minimum depends on the shapes',
    'Needs a distance transform of every target (CPU), unless the maps are cached',
  ],
  unreducedShape: '[B,H,W,K] (y·z per pixel and kept class, 0 at ignored pixels)',
  minimum:
    'For y equal to the one-hot target: −(1/(N·C)) Σ_c Σ_{i∈c} d_c(i)/max d_c, negative ' +
    '(−0.114 on the oracle case mc_perfect)',
  emptyPolicy:
    'A class absent from an image has z = 1 there; a class filling the image has z = −1. ' +
    'Ignored pixels belong to no class when z is built, contribute 0 and are left out of the ' +
    'mean; all pixels ignored gives 0 with a zero gradient.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    spacing: boundaryOptions.spacing,
    reduction: commonOptions.reduction,
  },
  targetMaps(options) {
    const spacing = checkSpacing('region-wise', options.spacing);
    return [classTargetMap(mapName, options.ignoreIndex, spacing, rectifiedRegionWiseMap)];
  },
  parity: [{ reference: 'jmlipman RegionWiseLoss RWLoss() (RRW maps)', options: {} }],
  build(options) {
    const spacing: Spacing2 = checkSpacing('region-wise', options.spacing) ?? [1, 1];
    return (input, extras) => {
      const channels = input.numClasses;
      const z = targetMapTensor('region-wise', mapName, extras, input, channels, () =>
        classMaps(
          labelsOfTarget(input),
          input.yPred.shape,
          channels,
          rectifiedRegionWiseMap,
          spacing,
        ),
      );
      const keep = options.includeBackground;
      const terms = tf.mul(dropBackground(input.probs, keep), dropBackground(z, keep));
      return reduceTerms(terms, options.reduction, input.valid);
    };
  },
};
