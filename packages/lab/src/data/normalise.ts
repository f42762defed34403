/**
 * Intensity normalisation of one whole volume, before it is sliced, so that every slice of a
 * volume shares one scale.
 *
 * Statistics are taken over the **non-zero** voxels only: in skull-stripped MRI such as
 * `ch2bet` the value 0 marks "outside the brain", and including it would let the amount of air
 * around the head set the scale.
 *
 * - `percentile` (the default, `low` 0.5, `high` 99.5): `p_lo`, `p_hi` are those percentiles of
 *   the non-zero values; every voxel becomes `clamp((v − p_lo) / (p_hi − p_lo), 0, 1)`. Zero
 *   voxels map to 0 whenever `p_lo ≥ 0` (always the case for magnitude MRI). Percentiles
 *   interpolate linearly between order statistics: with the `n` values sorted ascending, the
 *   `p`-th percentile is at fractional rank `p / 100 · (n − 1)` (NumPy's default). If
 *   `p_hi = p_lo` the result is 1 above `p_lo` and 0 elsewhere.
 * - `zscore`: `μ`, `σ` are the mean and population standard deviation of the non-zero values;
 *   non-zero voxels become `(v − μ) / σ` and zero voxels stay 0 (the "mask kept" convention:
 *   background stays one constant value). If `σ = 0` every voxel becomes 0.
 * - `window`: `clamp((v − min) / (max − min), 0, 1)` over all voxels, with a fixed window such as
 *   the CT soft-tissue window `[-125, 275]` HU; no statistics.
 * - `none`: a copy of the input.
 *
 * A volume with no non-zero voxel comes back as all zeros under `percentile` and `zscore`.
 */
import { dataError } from './errors.js';

/** How to normalise intensities; see the module comment for the formulas. */
export type Normalisation =
  | { kind: 'percentile'; low?: number; high?: number }
  | { kind: 'zscore' }
  | { kind: 'window'; min: number; max: number }
  | { kind: 'none' };

/** The default normalisation: percentile clip to [0, 1] with percentiles 0.5 and 99.5. */
export const defaultNormalisation: Normalisation = { kind: 'percentile', low: 0.5, high: 99.5 };

const who = 'normalise';

/** Returns a normalised copy of `data` according to `spec`. */
export function normaliseIntensities(data: Float32Array, spec: Normalisation): Float32Array {
  switch (spec.kind) {
    case 'percentile':
      return percentileClip(data, spec.low ?? 0.5, spec.high ?? 99.5);
    case 'zscore':
      return zScoreNonZero(data);
    case 'window':
      if (!(Number.isFinite(spec.min) && Number.isFinite(spec.max) && spec.max > spec.min)) {
        dataError(who, `window must have finite min < max, got [${spec.min}, ${spec.max}]`);
      }
      return linearClip(data, spec.min, spec.max);
    case 'none':
      return data.slice();
    default:
      return dataError(
        who,
        `kind must be "percentile", "zscore", "window" or "none", got ${JSON.stringify(
          (spec as { kind: unknown }).kind,
        )}`,
      );
  }
}

/** Percentile clip to [0, 1] over the non-zero voxels (see the module comment). */
export function percentileClip(data: Float32Array, low: number, high: number): Float32Array {
  if (!(low >= 0 && high <= 100 && low < high)) {
    dataError(who, `percentiles must satisfy 0 <= low < high <= 100, got low ${low}, high ${high}`);
  }
  const values = nonZeroValues(data).sort();
  if (values.length === 0) return new Float32Array(data.length);
  return linearClip(data, percentile(values, low), percentile(values, high));
}

/** Z-score over the non-zero voxels; zero voxels stay 0 (see the module comment). */
export function zScoreNonZero(data: Float32Array): Float32Array {
  let count = 0;
  let sum = 0;
  for (const v of data) {
    if (v !== 0) {
      count++;
      sum += v;
    }
  }
  const out = new Float32Array(data.length);
  if (count === 0) return out;
  const mean = sum / count;
  let squares = 0;
  for (const v of data) if (v !== 0) squares += (v - mean) * (v - mean);
  const std = Math.sqrt(squares / count);
  if (std === 0) return out;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) out[i] = (data[i] - mean) / std;
  return out;
}

/** The `p`-th percentile (0..100) of ascending `sorted` values, interpolating linearly. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) dataError(who, 'percentile of an empty set of values is undefined');
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
}

function nonZeroValues(data: Float32Array): Float32Array {
  let count = 0;
  for (const v of data) if (v !== 0) count++;
  const out = new Float32Array(count);
  let k = 0;
  for (const v of data) if (v !== 0) out[k++] = v;
  return out;
}

/** `clamp((v − lo) / (hi − lo), 0, 1)`; a step at `lo` when `hi = lo`. */
function linearClip(data: Float32Array, lo: number, hi: number): Float32Array {
  const out = new Float32Array(data.length);
  const range = hi - lo;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    out[i] = range > 0 ? Math.min(Math.max((v - lo) / range, 0), 1) : v > lo ? 1 : 0;
  }
  return out;
}
