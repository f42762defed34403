/**
 * The two reductions the metrics need: a mean that skips NaN (NaN marks an excluded value, see
 * `empty-policy.ts`) and a percentile with NumPy's default linear interpolation.
 */

/** Mean of the non-NaN entries; NaN when there is none. Infinity propagates. */
export function nanMean(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) of `sorted` (ascending, no NaN), interpolated linearly
 * between the two nearest ranks — NumPy's `percentile(a, p)` default (`method='linear'`,
 * Hyndman & Fan type 7): with n values, h = (n − 1)·p/100 and
 *   P = a[⌊h⌋] + (h − ⌊h⌋)·(a[⌊h⌋ + 1] − a[⌊h⌋]).
 * NaN for an empty array.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = ((n - 1) * p) / 100;
  const below = Math.floor(h);
  if (below >= n - 1) return sorted[n - 1];
  const fraction = h - below;
  const low = sorted[below];
  return fraction === 0 ? low : low + fraction * (sorted[below + 1] - low);
}
