/**
 * Distance-map-penalised cross-entropy: cross-entropy weighted per pixel by 1 + Φ, where Φ is
 * largest on the boundaries of the target's regions and falls to 0 at their deepest pixel.
 *
 *   L = (1/N) Σ_i (1 + Φ_i) · ℓ_i,   ℓ_i = −Σ_c t_ic log y_ic,
 *   Φ_i = (M_bc − d_bc(i)) / (M_bc − m_bc)   for pixel i of image b with target class c,
 * where d_bc is the exact Euclidean distance transform of class c's mask in image b (distance
 * from a pixel of c to the nearest pixel outside c) and M_bc, m_bc its largest and smallest
 * value over the pixels of c (m = 1 for unit spacing). For two classes this is SegLossOdyssey's
 * compute_edts_forPenalizedLoss: (max(edt) − edt)/max(max(edt) − edt) on foreground and
 * background alike; with more classes every class is treated as the foreground once.
 *
 * Φ is computed on the CPU from the target (one sync read) unless `extras.distanceMap` holds it
 * (float32 [B,H,W]; `distancePenaltyMap` computes it, so a data pipeline can cache it).
 */
import * as tf from '@tensorflow/tfjs-core';

import { describe, fail } from '../../core/errors.js';
import { distanceTransform } from '../../geometry/distance-transform.js';
import { fusedSoftmaxCrossEntropy } from '../../kernels/softmax-cross-entropy.js';
import { exclusiveClassView, fusedLabels } from '../class-view.js';
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { PreparedInput } from '../prepare.js';
import { reduceTerms } from '../reduce.js';
import type { LossDefinition } from '../types.js';

type DistanceMapCeOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  spacing: number[] | null;
  reduction: Reduction;
};

/**
 * Φ for a one-hot target `[B,H,W,K]` (rows of ignored pixels all zero): flat `[B,H,W]`.
 * A class that fills its image has no boundary (Φ = 0); a class whose pixels all lie at the
 * same distance from the outside (M = m, e.g. a one-pixel line) gets Φ = 1 everywhere.
 */
function penaltyFromOneHot(
  oneHot: ArrayLike<number>,
  [batch, height, width, classes]: readonly number[],
  spacing: readonly number[] | null,
): Float32Array {
  const area = height * width;
  const phi = new Float32Array(batch * area);
  const mask = new Uint8Array(area);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < classes; c++) {
      let members = 0;
      for (let i = 0; i < area; i++) {
        mask[i] = oneHot[(b * area + i) * classes + c] > 0.5 ? 1 : 0;
        members += mask[i];
      }
      if (members === 0 || members === area) continue;
      const d = distanceTransform(mask, [height, width], { spacing: spacing ?? 1 });
      let far = -Infinity;
      let near = Infinity;
      for (let i = 0; i < area; i++) {
        if (mask[i] === 0) continue;
        far = Math.max(far, d[i]);
        near = Math.min(near, d[i]);
      }
      for (let i = 0; i < area; i++) {
        if (mask[i] === 1) phi[b * area + i] = far === near ? 1 : (far - d[i]) / (far - near);
      }
    }
  }
  return phi;
}

/** Φ of a one-hot target tensor, as float32 `[B,H,W]`. */
function penaltyTensor(oneHot: tf.Tensor4D, spacing: readonly number[] | null): tf.Tensor3D {
  const [b, h, w] = oneHot.shape;
  return tf.tensor3d(penaltyFromOneHot(oneHot.dataSync(), oneHot.shape, spacing), [b, h, w]);
}

/**
 * Φ for `yTrue` (int32 [B,H,W] labels or float32 [B,H,W,C] one-hot) and a model with
 * `numClasses` output channels (1: sigmoid binary), as float32 [B,H,W]: pass it as
 * `extras.distanceMap` to skip the distance transforms in the loss.
 */
export function distancePenaltyMap(
  yTrue: tf.Tensor,
  numClasses: number,
  options: { ignoreIndex?: number | null; spacing?: readonly number[] | null } = {},
): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, h, w] = yTrue.shape;
    const activation = numClasses === 1 ? 'sigmoid' : 'softmax';
    const ignoreIndex = options.ignoreIndex === undefined ? 255 : options.ignoreIndex;
    const yPred = tf.zeros([b, h, w, numClasses]) as tf.Tensor4D;
    const input = new PreparedInput(yTrue, yPred, { activation, ignoreIndex });
    const view = exclusiveClassView('distancePenaltyMap', input);
    return penaltyTensor(view.target, options.spacing ?? null);
  });
}

export const distanceMapCe: LossDefinition<DistanceMapCeOptions> = {
  name: 'distance-map-ce',
  category: 'pixel',
  title: 'Distance-map-penalised cross-entropy',
  summary: 'Cross-entropy weighted by 1 + Φ, Φ rising towards the boundaries of the target.',
  formula:
    String.raw`\mathcal{L}_{DMCE} = -\frac{1}{N}\sum_{i=1}^{N} (1 + \Phi_i)\sum_{c=1}^{C} ` +
    String.raw`t_{i,c}\log y_{i,c}`,
  symbols:
    'Φ_i = (M − d_i)/(M − m): d_i the distance from pixel i to the nearest pixel outside its ' +
    'target class region, M and m the largest and smallest such distance in that region.',
  sources: ['caliva2019'],
  whenToUse:
    'Thin or touching structures whose boundaries matter more than their interiors, e.g. ' +
    'cartilage or vessel walls.',
  pros: ['Emphasises boundary pixels without a separate boundary loss', 'Same cost as CE per step'],
  cons: [
    'Needs a distance transform of every target (CPU), unless the maps are cached',
    'Interior pixels of large regions get little extra weight; Φ is per-image normalised',
  ],
  unreducedShape: '[B,H,W] ((1 + Φ)-weighted per-pixel CE, 0 at ignored pixels)',
  minimum: '0 for a one-hot prediction equal to the target',
  emptyPolicy:
    'The reference gives NaN when an image lacks foreground or background; here a class that ' +
    'fills the image has Φ = 0 (plain CE) and a class whose pixels are all equally close to its ' +
    'outside has Φ = 1. Ignored pixels lie outside every class when Φ is built and have CE 0; ' +
    'the mean runs over non-ignored pixels. All pixels ignored: 0 with a zero gradient.',
  options: {
    activation: { ...commonOptions.activation, values: ['softmax', 'sigmoid'] },
    ignoreIndex: commonOptions.ignoreIndex,
    spacing: {
      type: 'numbers',
      default: null,
      min: 0,
      doc: 'Pixel size [dy, dx] for the distance transform (null: 1 × 1).',
    },
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference:
        'SegLossOdyssey compute_edts_forPenalizedLoss + CE, mean(CE·(1 + Φ)) (DisPenalizedCE ' +
        'as intended; the published class returns the unweighted CE)',
      options: {},
    },
  ],
  build(options) {
    return (input, extras) => {
      const view = exclusiveClassView('distance-map-ce', input);
      const valid = tf.squeeze(view.valid, [3]);
      const given = extras.distanceMap;
      let phi: tf.Tensor;
      if (given === undefined) {
        phi = penaltyTensor(view.target, options.spacing);
      } else {
        const [b, h, w] = input.yPred.shape;
        const ok =
          given instanceof tf.Tensor &&
          given.dtype === 'float32' &&
          given.rank === 3 &&
          given.shape.every((d, i) => d === [b, h, w][i]);
        if (!ok) {
          const got =
            given instanceof tf.Tensor
              ? `${given.dtype} [${given.shape.join(',')}]`
              : describe(given);
          fail('distance-map-ce', 'extras.distanceMap', `float32 [${b},${h},${w}]`, got);
        }
        phi = given as tf.Tensor3D;
      }
      const labels = fusedLabels(input);
      const ce =
        labels !== null
          ? fusedSoftmaxCrossEntropy(input.yPred, labels, {
              ignoreIndex: input.options.ignoreIndex,
              classWeights: null,
              reduction: 'none',
            })
          : tf.neg(tf.sum(tf.mul(view.target, view.logProbs), 3));
      return reduceTerms(tf.mul(ce, tf.add(phi, 1)), options.reduction, valid);
    };
  },
};
