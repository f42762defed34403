/**
 * The CPU half of the active boundary loss (`active-boundary.ts`): the target boundary and its
 * distance map, the predicted boundary found from the divergence between neighbouring pixels,
 * and for each predicted boundary pixel the direction of the neighbour closest to the target
 * boundary and its weight — all as wangchi95/active-boundary-loss (`abl.py`) computes them.
 *
 * Images are `[H,W]` row-major; a batch is B images back to back. Labels are normalised (−1: no
 * class, e.g. ignored; see `target-maps.ts`).
 */
import { distanceTransform } from '../../geometry/distance-transform.js';
import type { DistanceRounding, Spacing2 } from './boundary-options.js';
import { roundDistance } from './boundary-options.js';

/**
 * The 8 directions (row step, column step) in the reference's order; the reference's index 8 is
 * the pixel itself. The loss is a classification over these 8 classes.
 */
export const directions: readonly (readonly [number, number])[] = [
  [1, 0],
  [-1, 0],
  [0, -1],
  [0, 1],
  [-1, 1],
  [1, 1],
  [-1, -1],
  [1, -1],
];

/**
 * Target boundary of one image: pixels whose label differs from the label below or to the right
 * (a label change marks the upper/left pixel of the pair), plus every pixel without a class.
 */
export function targetBoundary(labels: Int32Array, height: number, width: number): Uint8Array {
  const edge = new Uint8Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const below = r + 1 < height && labels[i + width] !== labels[i];
      const right = c + 1 < width && labels[i + 1] !== labels[i];
      edge[i] = below || right || labels[i] === -1 ? 1 : 0;
    }
  }
  return edge;
}

/**
 * Distance map of one image for the loss: 0 on the target boundary, d − 1 elsewhere with d the
 * distance to the nearest boundary pixel (the reference's −(d − 1), negated and clipped at 0),
 * rounded as `distances` says. Without any boundary pixel the map is +∞ (no boundary to move
 * toward; those pixels take no part in the loss); without any other pixel, 0.
 */
export function boundaryDistanceMap(
  labels: Int32Array,
  height: number,
  width: number,
  spacing: Spacing2,
  distances: DistanceRounding,
): Float32Array {
  const area = height * width;
  const edge = targetBoundary(labels, height, width);
  let count = 0;
  for (let i = 0; i < area; i++) count += edge[i];
  const out = new Float32Array(area);
  if (count === 0) return out.fill(Infinity);
  if (count === area) return out;
  const notEdge = new Uint8Array(area);
  for (let i = 0; i < area; i++) notEdge[i] = 1 - edge[i];
  const d = distanceTransform(notEdge, [height, width], { spacing });
  for (let i = 0; i < area; i++) {
    out[i] = edge[i] === 1 ? 0 : Math.max(0, roundDistance(d[i] - 1, distances));
  }
  return out;
}

/**
 * Predicted boundary of a batch from its log-probabilities `[B,H,W,K]` (flat): with
 * KL(i ‖ j) = Σ_k p_{i,k}(log p_{i,k} − log p_{j,k}), each pixel's score is KL(i ‖ below) +
 * KL(i ‖ right) (0 for a missing neighbour); the threshold starts at 1e-5 and grows by 1.2×
 * until at most `maxBoundaryRatio`·H·W pixels of the whole batch exceed it (the reference's
 * max_N_ratio, relative to one image); those pixels, dilated by the 3×3 square, are the
 * predicted boundary. The scores are compared in float32, as the reference's tensors.
 */
export function predictedBoundary(
  logProbs: ArrayLike<number>,
  [batch, height, width, classes]: readonly number[],
  maxBoundaryRatio: number,
): Uint8Array {
  const area = height * width;
  const score = new Float64Array(batch * area);
  const divergence = (i: number, j: number): number => {
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const log = logProbs[i * classes + k];
      sum += Math.exp(log) * (log - logProbs[j * classes + k]);
    }
    return sum;
  };
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const i = b * area + r * width + c;
        let s = 0;
        if (r + 1 < height) s += divergence(i, i + width);
        if (c + 1 < width) s += divergence(i, i + 1);
        score[i] = Math.fround(s);
      }
    }
  }
  const limit = area * maxBoundaryRatio;
  let eps = 1e-5;
  for (;;) {
    const threshold = Math.fround(eps);
    let count = 0;
    for (let i = 0; i < score.length; i++) if (score[i] > threshold) count++;
    if (count <= limit) break;
    eps *= 1.2;
  }
  const threshold = Math.fround(eps);
  const boundary = new Uint8Array(batch * area);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        if (!(score[b * area + r * width + c] > threshold)) continue;
        for (let dr = -1; dr <= 1; dr++) {
          for (let dc = -1; dc <= 1; dc++) {
            const rr = r + dr;
            const cc = c + dc;
            if (rr >= 0 && rr < height && cc >= 0 && cc < width) {
              boundary[b * area + rr * width + cc] = 1;
            }
          }
        }
      }
    }
  }
  return boundary;
}

/** What the loss needs per pixel, `[B,H,W]` and `[B,H,W,8]`, 0 where a pixel takes no part. */
export interface DirectionTargets {
  /** 1 at the pixels that take part (predicted boundary, with a neighbour nearer the target). */
  readonly selected: Float32Array;
  /** Per selected pixel, the smoothed one-hot target over the 8 directions times its weight. */
  readonly weightedTargets: Float32Array;
}

/**
 * For every predicted boundary pixel: the distances of its 8 neighbours (outside the image: ∞)
 * and of itself; the first smallest in the reference's order is the target direction, and the
 * pixel is dropped when that is itself (it is strictly nearer than every neighbour) or when its
 * image has no target boundary. Its target is 1 − ε for that direction and ε/8 for each other
 * one (CoinCheung's LabelSmoothSoftmaxCEV1; the entries sum to 1 − ε/8, not 1), all times the
 * weight min(distance, maxClip)/maxClip.
 */
export function directionTargets(
  boundary: Uint8Array,
  distance: ArrayLike<number>,
  [batch, height, width]: readonly number[],
  labelSmoothing: number,
  maxClipDistance: number,
): DirectionTargets {
  const area = height * width;
  const count = directions.length;
  const selected = new Float32Array(batch * area);
  const weightedTargets = new Float32Array(batch * area * count);
  const off = labelSmoothing / count;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const i = b * area + r * width + c;
        const own = distance[i];
        if (boundary[i] === 0 || own === Infinity) continue;
        let best = -1;
        let nearest = Infinity;
        directions.forEach(([dr, dc], k) => {
          const rr = r + dr;
          const cc = c + dc;
          if (rr < 0 || rr >= height || cc < 0 || cc >= width) return;
          const d = distance[b * area + rr * width + cc];
          if (d < nearest) {
            nearest = d;
            best = k;
          }
        });
        if (best < 0 || !(nearest <= own)) continue;
        const weight = Math.min(own, maxClipDistance) / maxClipDistance;
        selected[i] = 1;
        for (let k = 0; k < count; k++) {
          const target = k === best ? 1 - labelSmoothing : off;
          weightedTargets[i * count + k] = target * weight;
        }
      }
    }
  }
  return { selected, weightedTargets };
}
