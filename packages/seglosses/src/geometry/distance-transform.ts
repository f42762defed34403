/**
 * Exact Euclidean distance transform (EDT) on typed arrays of any rank, with anisotropic spacing,
 * in time linear in the number of elements.
 *
 * For a mask M on a grid with spacing s = (s_1, …, s_n), every element x gets
 *   D(x) = min_{y : M(y) = 0} √( Σ_k s_k² (x_k − y_k)² ),
 * so zeros get 0 and every non-zero element its distance to the nearest zero element — the
 * semantics of SciPy's `scipy.ndimage.distance_transform_edt(mask, sampling=spacing)`.
 *
 * Algorithm (Felzenszwalb & Huttenlocher 2012, `felzenszwalb2012`): the squared distance is
 * separable, D²(x) = min_{y_1} [ s_1²(x_1 − y_1)² + min_{y_2} [ s_2²(x_2 − y_2)² + … ] ], so one
 * 1-D transform per axis gives the exact result. Along an axis with spacing s, the 1-D transform
 * of a sampled function f is the lower envelope of the parabolas p ↦ s²(p − q)² + f(q); the
 * parabolas of q and v (v < q) cross at
 *   x = ((f(q) + s²q²) − (f(v) + s²v²)) / (2s²(q − v)),
 * which is where the spacing is folded in. Sites with f(q) = ∞ carry no parabola and are skipped,
 * so lines without any zero stay at ∞ instead of producing ∞ − ∞ = NaN. The first axis processed
 * (the last, contiguous one) only sees f ∈ {0, ∞}, where the envelope reduces to two sweeps that
 * track the nearest zero on either side.
 *
 * Output and precision: a `Float64Array`, computed in float64 throughout. Float32 would not do:
 * between 256 and 512 (mm distances in CT volumes get there) its values are 2⁻¹⁵ ≈ 3e-5 apart,
 * so rounding alone would break the 1e-5 agreement with SciPy that we check.
 *
 * A mask without any zero element has no distance to give: every element gets `Infinity`.
 * (SciPy instead measures from a virtual zero just outside the first corner, e.g. [1, 2, 3] for
 * `[1, 1, 1]`; that is a distance to nothing in the image, so it is not reproduced.)
 *
 * Cost: O(size · rank) time; one output array plus scratch buffers of 16 lines of the longest
 * axis, reused for every line (no allocation per element or per line).
 *
 * @example
 *   distanceTransform([0, 1, 1, 1], [4]);                       // [0, 1, 2, 3]
 *   distanceTransform([0, 1, 1, 1], [2, 2], { spacing: [2, 1] }); // [0, 1, 2, √5]
 */
import type { Grid, Spacing } from './grid.js';
import { makeGrid } from './grid.js';
import { checkOptionNames } from './validate.js';

/** Options of {@link distanceTransform}. */
export interface DistanceTransformOptions {
  /** Physical size of an element per axis (e.g. mm), or one number for all axes. Default 1. */
  readonly spacing?: Spacing;
}

/**
 * Euclidean distance from every non-zero element of `mask` to the nearest zero element; zeros get
 * 0. Row-major `mask` of `shape`; any rank ≥ 1. A mask with no zero gives `Infinity` everywhere.
 */
export function distanceTransform(
  mask: ArrayLike<number>,
  shape: readonly number[],
  options: DistanceTransformOptions = {},
): Float64Array {
  checkOptionNames('distanceTransform', options, ['spacing']);
  const grid = makeGrid('distanceTransform', mask.length, shape, options.spacing);
  const values = new Float64Array(grid.size);
  for (let i = 0; i < grid.size; i++) values[i] = mask[i] === 0 ? 0 : Infinity;
  squaredDistanceToSites(values, grid);
  for (let i = 0; i < grid.size; i++) values[i] = Math.sqrt(values[i]);
  return values;
}

/**
 * In place: `values` holds 0 at the sites and `Infinity` elsewhere (nothing else is allowed) and
 * receives the squared Euclidean distance of every element to the nearest site, with the grid's
 * spacing; `Infinity` everywhere when there is no site. The building block of every distance in
 * `geometry/` and `metrics/`.
 */
export function squaredDistanceToSites(values: Float64Array, grid: Grid): void {
  const rank = grid.shape.length;
  nearestSiteAlongRows(values, grid.shape[rank - 1], grid.spacing[rank - 1]);
  const longest = Math.max(...grid.shape);
  const scratch: EnvelopeScratch = {
    lines: new Float64Array(linesPerBlock * longest),
    v: new Int32Array(longest),
    h: new Float64Array(longest),
    fv: new Float64Array(longest),
    z: new Float64Array(longest + 1),
  };
  for (let axis = rank - 2; axis >= 0; axis--) {
    const n = grid.shape[axis];
    if (n === 1) continue;
    const stride = grid.strides[axis];
    const s2 = grid.spacing[axis] * grid.spacing[axis];
    for (let outer = 0; outer < grid.size; outer += n * stride) {
      for (let inner = 0; inner < stride; inner += linesPerBlock) {
        const count = Math.min(linesPerBlock, stride - inner);
        envelopeBlock(values, outer + inner, count, stride, n, s2, scratch);
      }
    }
  }
}

/**
 * Lines along a non-contiguous axis are processed in blocks of neighbouring lines: their elements
 * at one position along the axis are adjacent in memory, so gathering a block reads whole cache
 * lines instead of one element per cache line (3× faster on the first axis of 96×256×256).
 */
const linesPerBlock = 16;

/** First pass along the contiguous axis, where f ∈ {0, ∞}: two sweeps for the nearest zero. */
function nearestSiteAlongRows(values: Float64Array, n: number, spacing: number): void {
  for (let start = 0; start < values.length; start += n) {
    // Forward sweep: distance (in elements) to the nearest site on the left, ∞ if none. Sites
    // stay 0 and every other entry becomes ≥ 1, so `=== 0` still finds the sites afterwards.
    let last = -Infinity;
    for (let i = 0; i < n; i++) {
      if (values[start + i] === 0) last = i;
      else values[start + i] = i - last;
    }
    // Backward sweep: take the nearer of left and right, then square it in physical units.
    let next = Infinity;
    for (let i = n - 1; i >= 0; i--) {
      const j = start + i;
      if (values[j] === 0) {
        next = i;
      } else {
        const steps = Math.min(values[j], next - i);
        values[j] = steps === Infinity ? Infinity : steps * steps * spacing * spacing;
      }
    }
  }
}

interface EnvelopeScratch {
  /** A block of lines, gathered: line b occupies [b·n, (b + 1)·n). */
  readonly lines: Float64Array;
  /** Sites of the parabolas in the lower envelope. */
  readonly v: Int32Array;
  /** f(v) + s²v² for each parabola of the envelope: the numerator terms of the crossing. */
  readonly h: Float64Array;
  /** f(v) for each parabola, kept because the line is overwritten while the envelope is read. */
  readonly fv: Float64Array;
  /** z[k]..z[k+1]: the range where parabola k is the lowest. */
  readonly z: Float64Array;
}

/** Gathers `count` adjacent lines starting at `base`, transforms each, scatters them back. */
function envelopeBlock(
  values: Float64Array,
  base: number,
  count: number,
  stride: number,
  n: number,
  s2: number,
  scratch: EnvelopeScratch,
): void {
  const lines = scratch.lines;
  for (let q = 0; q < n; q++) {
    const row = base + q * stride;
    for (let b = 0; b < count; b++) lines[b * n + q] = values[row + b];
  }
  for (let b = 0; b < count; b++) lowerEnvelopeLine(lines, b * n, n, s2, scratch);
  for (let q = 0; q < n; q++) {
    const row = base + q * stride;
    for (let b = 0; b < count; b++) values[row + b] = lines[b * n + q];
  }
}

/**
 * 1-D squared distance transform of `f[offset, offset + n)`, in place (F&H 2012, Algorithm 1).
 * A line without any finite value is left as it is (all ∞).
 */
function lowerEnvelopeLine(
  f: Float64Array,
  offset: number,
  n: number,
  s2: number,
  scratch: EnvelopeScratch,
): void {
  const { v, h, fv, z } = scratch;
  const twoS2 = 2 * s2;
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[offset + q];
    if (fq === Infinity) continue;
    const hq = fq + s2 * q * q;
    if (k < 0) {
      k = 0;
      v[0] = q;
      h[0] = hq;
      fv[0] = fq;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    // z[0] = −∞ and the crossing is finite, so the loop stops at k ≥ 0.
    let x = (hq - h[k]) / (twoS2 * (q - v[k]));
    while (x <= z[k]) {
      k--;
      x = (hq - h[k]) / (twoS2 * (q - v[k]));
    }
    k++;
    v[k] = q;
    h[k] = hq;
    fv[k] = fq;
    z[k] = x;
    z[k + 1] = Infinity;
  }
  if (k < 0) return;
  let j = 0;
  for (let p = 0; p < n; p++) {
    while (z[j + 1] < p) j++;
    const d = p - v[j];
    f[offset + p] = s2 * d * d + fv[j];
  }
}
