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
 * (axis 0) only sees f ∈ {0, ∞}, where the envelope reduces to two sweeps that track the nearest
 * zero on either side.
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
 * axis and one row of axis 0, reused for every line (no allocation per element or per line).
 *
 * Two implementations give the same bits: a WebAssembly module (`native-distance-transform.ts`,
 * the same passes in C with SIMD, 2–2.5× as fast) wherever it loads, and the JavaScript below,
 * which runs where WebAssembly does not (or when {@link useNativeDistanceTransform} turns the
 * module off). The module's memory stays as large as the largest field so far (9 bytes per
 * element: the field and the mask).
 *
 * @example
 *   distanceTransform([0, 1, 1, 1], [4]);                       // [0, 1, 2, 3]
 *   distanceTransform([0, 1, 1, 1], [2, 2], { spacing: [2, 1] }); // [0, 1, 2, √5]
 */
import type { Grid, Spacing } from './grid.js';
import { makeGrid } from './grid.js';
import {
  nativeDistanceTransformAvailable,
  nativeSquaredDistance,
} from './native-distance-transform.js';
import { checkOptionNames } from './validate.js';

/** Options of {@link distanceTransform}. */
export interface DistanceTransformOptions {
  /** Physical size of an element per axis (e.g. mm), or one number for all axes. Default 1. */
  readonly spacing?: Spacing;
}

let native = true;

/**
 * Internal (tests and benchmarks; not exported by the package): whether the WebAssembly module
 * runs where it loads (`true`, the default) or the JavaScript form always does. Returns the
 * previous setting, so that a test can restore it.
 */
export function useNativeDistanceTransform(enabled: boolean): boolean {
  const previous = native;
  native = enabled;
  return previous;
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
  if (native && nativeDistanceTransformAvailable()) {
    const result = nativeSquaredDistance(grid, mask, null, true);
    if (result !== null) return result;
  }
  const values = new Float64Array(grid.size);
  nearestSiteAlongFirstAxis(values, mask, grid);
  envelopePasses(values, grid, true);
  return values;
}

/**
 * In place: `values` holds 0 at the sites and `Infinity` elsewhere (nothing else is allowed) and
 * receives the squared Euclidean distance of every element to the nearest site, with the grid's
 * spacing; `Infinity` everywhere when there is no site. The building block of every distance in
 * `geometry/` and `metrics/`.
 *
 * Axis order: the two sweeps run along the first (outermost) axis, a whole row of the
 * remaining axes at a time, so they read memory contiguously; the envelope passes then run
 * along axes 1 … rank − 1, the last of which is contiguous and needs no gathering. (The result
 * is separable in any order; only the rounding of the last bits can differ.)
 */
export function squaredDistanceToSites(values: Float64Array, grid: Grid): void {
  if (native && nativeDistanceTransformAvailable()) {
    if (nativeSquaredDistance(grid, null, values, false) !== null) return;
  }
  nearestSiteAlongFirstAxis(values, null, grid);
  envelopePasses(values, grid, false);
}

/**
 * The envelope passes along axes 1 … rank − 1 of squared distances that are exact along axis 0.
 * With `root`, the result is the distance itself: the last pass takes the square root as it
 * writes (or a final loop does, when no pass runs).
 */
function envelopePasses(values: Float64Array, grid: Grid, root: boolean): void {
  const rank = grid.shape.length;
  const longest = Math.max(...grid.shape);
  const scratch: EnvelopeScratch = {
    lines: new Float64Array(rank > 2 ? linesPerBlock * longest : 0),
    v: new Int32Array(longest),
    h: new Float64Array(longest),
    fv: new Float64Array(longest),
    z: new Float64Array(longest + 1),
  };
  let last = rank - 1;
  while (last > 0 && grid.shape[last] === 1) last--;
  for (let axis = 1; axis <= last; axis++) {
    const n = grid.shape[axis];
    if (n === 1) continue;
    const stride = grid.strides[axis];
    const s2 = grid.spacing[axis] * grid.spacing[axis];
    const rootHere = root && axis === last;
    if (stride === 1) {
      for (let start = 0; start < grid.size; start += n) {
        lowerEnvelopeLine(values, start, n, s2, scratch, rootHere);
      }
      continue;
    }
    for (let outer = 0; outer < grid.size; outer += n * stride) {
      for (let inner = 0; inner < stride; inner += linesPerBlock) {
        const count = Math.min(linesPerBlock, stride - inner);
        envelopeBlock(values, outer + inner, count, stride, n, s2, scratch, rootHere);
      }
    }
  }
  if (root && last === 0) {
    for (let i = 0; i < grid.size; i++) values[i] = Math.sqrt(values[i]);
  }
}

/**
 * Lines along a non-contiguous axis are processed in blocks of neighbouring lines: their elements
 * at one position along the axis are adjacent in memory, so gathering a block reads whole cache
 * lines instead of one element per cache line (3× faster on the middle axis of 96×256×256).
 */
const linesPerBlock = 16;

/**
 * First pass, along axis 0, where f ∈ {0, ∞} (the sites are the zeros of `sites`, or of `values`
 * itself when `sites` is null): the distance to the nearest site on the same line, from two
 * sweeps that each move one row of `stride` elements at a time. The forward sweep counts the
 * steps since the last site above (∞ if none; sites get 0 and every other element ≥ 1); the
 * backward sweep keeps, in `below`, the steps to the nearest site further down, takes the nearer
 * of the two and squares it in physical units.
 */
function nearestSiteAlongFirstAxis(
  values: Float64Array,
  sites: ArrayLike<number> | null,
  grid: Grid,
): void {
  const n = grid.shape[0];
  const stride = grid.strides[0];
  // Two copies of the forward sweep, so that each reads one array type only: V8 compiles a
  // loop that has seen both a Uint8Array mask and a Float64Array a few per cent slower.
  if (sites === null) forwardSweepInPlace(values, n, stride);
  else forwardSweep(values, sites, n, stride);
  const s2 = grid.spacing[0] * grid.spacing[0];
  const below = new Float64Array(stride).fill(Infinity);
  for (let row = (n - 1) * stride; row >= 0; row -= stride) {
    for (let x = 0; x < stride; x++) {
      const j = row + x;
      let steps = values[j];
      const fromBelow = below[x] + 1;
      if (fromBelow < steps) steps = fromBelow;
      below[x] = steps;
      values[j] = s2 * steps * steps;
    }
  }
}

/** The forward sweep with the sites given as the zeros of `sites`. */
function forwardSweep(values: Float64Array, sites: ArrayLike<number>, n: number, stride: number) {
  for (let j = 0; j < stride; j++) values[j] = sites[j] === 0 ? 0 : Infinity;
  for (let row = stride; row < n * stride; row += stride) {
    for (let j = row; j < row + stride; j++) {
      values[j] = sites[j] === 0 ? 0 : values[j - stride] + 1;
    }
  }
}

/** The forward sweep with `values` holding 0 at the sites and ∞ elsewhere. */
function forwardSweepInPlace(values: Float64Array, n: number, stride: number) {
  for (let j = stride; j < n * stride; j++) {
    if (values[j] !== 0) values[j] = values[j - stride] + 1;
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
  root: boolean,
): void {
  const lines = scratch.lines;
  for (let q = 0; q < n; q++) {
    const row = base + q * stride;
    for (let b = 0; b < count; b++) lines[b * n + q] = values[row + b];
  }
  for (let b = 0; b < count; b++) lowerEnvelopeLine(lines, b * n, n, s2, scratch, root);
  for (let q = 0; q < n; q++) {
    const row = base + q * stride;
    for (let b = 0; b < count; b++) values[row + b] = lines[b * n + q];
  }
}

/**
 * 1-D squared distance transform of `f[offset, offset + n)`, in place (F&H 2012, Algorithm 1),
 * or with `root` its square root. A line without any finite value is left as it is (all ∞).
 */
function lowerEnvelopeLine(
  f: Float64Array,
  offset: number,
  n: number,
  s2: number,
  scratch: EnvelopeScratch,
  root: boolean,
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
  }
  if (k < 0) return;
  // Parabola j is the lowest for z[j] ≤ p ≤ z[j + 1], the last one up to the end of the line.
  let p = 0;
  for (let j = 0; j <= k; j++) {
    const end = j === k ? n - 1 : Math.min(n - 1, Math.floor(z[j + 1]));
    const vj = v[j];
    const fj = fv[j];
    if (root) {
      for (; p <= end; p++) f[offset + p] = Math.sqrt(s2 * (p - vj) * (p - vj) + fj);
    } else {
      for (; p <= end; p++) f[offset + p] = s2 * (p - vj) * (p - vj) + fj;
    }
  }
}
