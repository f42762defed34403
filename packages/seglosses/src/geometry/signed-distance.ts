/**
 * Signed distance map of a binary mask: negative inside, positive outside, in physical units.
 *
 * With F the non-zero elements of the mask, B the zero ones, and d(x, S) the Euclidean distance
 * (with spacing) from x to the nearest element of S:
 *
 *   zeroLevel: 'interface' (default)      φ(x) = d(x, F) for x ∈ B,   φ(x) = −d(x, B) for x ∈ F
 *   zeroLevel: 'innerBoundary'            φ(x) = d(x, ∂F) for x ∈ B,  φ(x) = −d(x, ∂F) for x ∈ F
 *
 * where ∂F is the inner boundary: elements of F with a face-neighbour (±1 along one axis) in B.
 *
 * Where the zero level lies:
 * - `'interface'`: no element is 0; the zero level runs between the elements. A foreground
 *   element and its background face-neighbour along axis k have opposite signs and |φ| ≤ s_k, so
 *   linear interpolation crosses zero between them (halfway when both are at ±s_k, as on a
 *   straight edge). φ is antisymmetric under complement: φ(1 − M) = −φ(M). In SciPy terms, for a
 *   mask holding both values: `edt(1 − M) − edt(M)`, `edt = distance_transform_edt` with
 *   `sampling=spacing`.
 * - `'innerBoundary'`: the elements of ∂F hold exactly 0, as in the map of the boundary loss of
 *   Kervadec et al. (`kervadec2019`); their interior values, −(d(x, B) − 1), agree with ours
 *   where the nearest background element lies straight along an axis, at unit spacing. Outside
 *   values are the same in both modes, because the nearest element of F to a background element
 *   is always in ∂F.
 *
 * The image edge is not a boundary in either mode: the map describes the object, not the field of
 * view, so an object touching the edge has no zero level there.
 *
 * Empty and full masks: with no foreground element, φ = +∞ everywhere (no distance to an object
 * exists); with no background element, φ = −∞ everywhere. Callers that need finite values
 * (e.g. a loss weight) must choose a replacement themselves.
 *
 * @example
 *   signedDistanceMap([0, 1, 1, 1, 0], [5]);                               // [1, -1, -2, -1, 1]
 *   signedDistanceMap([0, 1, 1, 1, 0], [5], { zeroLevel: 'innerBoundary' }); // [1, 0, -1, 0, 1]
 */
import { boundaryBand } from './boundary.js';
import { squaredDistanceToSites } from './distance-transform.js';
import type { Spacing } from './grid.js';
import { makeGrid } from './grid.js';
import { checkChoice, checkOptionNames } from './validate.js';

/** Where the signed distance map crosses zero; see {@link signedDistanceMap}. */
export type ZeroLevel = 'interface' | 'innerBoundary';

/** Options of {@link signedDistanceMap}. */
export interface SignedDistanceOptions {
  /** Physical size of an element per axis, or one number for all axes. Default 1. */
  readonly spacing?: Spacing;
  /** Default `'interface'`. */
  readonly zeroLevel?: ZeroLevel;
}

/** Signed Euclidean distance map of `mask` (non-zero = inside): < 0 inside, > 0 outside. */
export function signedDistanceMap(
  mask: ArrayLike<number>,
  shape: readonly number[],
  options: SignedDistanceOptions = {},
): Float64Array {
  const who = 'signedDistanceMap';
  checkOptionNames(who, options, ['spacing', 'zeroLevel']);
  const grid = makeGrid(who, mask.length, shape, options.spacing);
  const zeroLevel = checkChoice(
    who,
    'zeroLevel',
    options.zeroLevel,
    ['interface', 'innerBoundary'],
    'interface',
  );
  const size = grid.size;
  const inside = new Uint8Array(size);
  for (let i = 0; i < size; i++) inside[i] = mask[i] === 0 ? 0 : 1;
  const result = new Float64Array(size);
  if (zeroLevel === 'innerBoundary') {
    const edge = boundaryBand(inside, grid, 'inner', 'face', 1, 0, 'ignore');
    for (let i = 0; i < size; i++) result[i] = edge[i] === 1 ? 0 : Infinity;
    squaredDistanceToSites(result, grid);
    for (let i = 0; i < size; i++) {
      const d = Math.sqrt(result[i]);
      result[i] = inside[i] === 1 ? -d : d;
    }
    return result;
  }
  // Outside: distance to the nearest foreground element (sites = F).
  for (let i = 0; i < size; i++) result[i] = inside[i] === 1 ? 0 : Infinity;
  squaredDistanceToSites(result, grid);
  // Inside: distance to the nearest background element (sites = B), negated.
  const toBackground = new Float64Array(size);
  for (let i = 0; i < size; i++) toBackground[i] = inside[i] === 1 ? Infinity : 0;
  squaredDistanceToSites(toBackground, grid);
  for (let i = 0; i < size; i++) {
    result[i] = inside[i] === 1 ? -Math.sqrt(toBackground[i]) : Math.sqrt(result[i]);
  }
  return result;
}
