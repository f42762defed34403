/**
 * Which entries of a score array are among its `count` largest, as weights: 1 above the
 * count-th largest score, 0 below it, and the entries tied with it sharing what is left,
 * (count − #above) / #tied each — so the weights always sum to `count`, whatever the ties.
 *
 * The count-th largest is found by selection (Hoare's quickselect with a median-of-three
 * pivot, expected O(n)) on a copy, instead of sorting: the TopK loss needs only the threshold.
 * `topSelection` runs in WebAssembly (`top_selection` in native/loss-kernels.c) where it can,
 * else in JavaScript ({@link topSelectionInJavaScript}); both give the same weights.
 */
import { ownMemoryKernels } from '../kernels/native/loss-kernels.js';

/** The count-th largest of `scores` (1 ≤ count ≤ length); NaN scores are not supported. */
export function kthLargest(scores: ArrayLike<number>, count: number): number {
  const n = scores.length;
  if (!(Number.isInteger(count) && count >= 1 && count <= n)) {
    throw new RangeError(`kthLargest: count must be an integer in 1..${n}, got ${count}`);
  }
  const a = Float64Array.from(scores);
  // The (count − 1)-th position of a descending order = the (n − count)-th of an ascending one.
  const k = n - count;
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three moved to a[hi] as the pivot.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[mid] < a[hi]) swap(a, mid, hi);
    const pivot = a[hi];
    let i = lo - 1;
    let j = hi;
    for (;;) {
      do i++;
      while (a[i] < pivot);
      do j--;
      while (j > lo && a[j] > pivot);
      if (i >= j) break;
      swap(a, i, j);
    }
    swap(a, i, hi);
    if (i === k) return a[i];
    if (i < k) lo = i + 1;
    else hi = i - 1;
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Weights 1 / shared / 0 selecting the `count` largest of float32 `scores` (see the module
 * comment).
 */
export function topSelection(scores: Float32Array, count: number): Float32Array {
  const native = ownMemoryKernels();
  const n = scores.length;
  if (native === null || !(Number.isInteger(count) && count >= 1 && count <= n)) {
    return topSelectionInJavaScript(scores, count);
  }
  const { exports, arena } = native;
  const at = {
    scores: arena.reserve(n * 4),
    work: arena.reserve(n * 4),
    out: arena.reserve(n * 4),
  };
  arena.commit();
  new Float32Array(arena.buffer, at.scores, n).set(scores);
  exports.top_selection(at.scores, n, count, at.work, at.out);
  return new Float32Array(arena.buffer, at.out, n).slice();
}

/** {@link topSelection} in JavaScript: the fallback, and the reference of the tests. */
export function topSelectionInJavaScript(scores: ArrayLike<number>, count: number): Float32Array {
  const kth = kthLargest(scores, count);
  let above = 0;
  let tied = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] > kth) above++;
    else if (scores[i] === kth) tied++;
  }
  const share = (count - above) / tied;
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    out[i] = scores[i] > kth ? 1 : scores[i] === kth ? share : 0;
  }
  return out;
}
