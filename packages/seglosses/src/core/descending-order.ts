/**
 * A descending argsort whose order among equal keys is the one PyTorch's CPU `torch.sort(x,
 * descending=True)` produces: PyTorch sorts (key, index) pairs with the C++ standard library's
 * unstable `std::sort`, which libstdc++ implements as an introsort. Losses that sort (Lovász)
 * need that tie order to give the reference's subgradient when many errors are equal (saturated
 * predictions), so this file reproduces the algorithm step for step:
 *
 * 1. quicksort down to ranges of 16 entries, pivot = median of (second, middle, last) moved to
 *    the front, Hoare-style partition that stops on keys equal to the pivot;
 * 2. a recursion depth limit of 2·⌊log2 n⌋, beyond which the range is heap-sorted;
 * 3. a final insertion sort over the whole array.
 *
 * Comparisons are `a > b` on the keys only (NaN keys are not supported). The result for distinct
 * keys is simply the descending order; only the order of ties depends on these details.
 */

const threshold = 16;

class PairArray {
  constructor(
    readonly keys: Float64Array,
    readonly index: Int32Array,
  ) {}

  swap(i: number, j: number): void {
    const k = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = k;
    const t = this.index[i];
    this.index[i] = this.index[j];
    this.index[j] = t;
  }

  /** Whether the entry at i sorts before the entry at j (strictly larger key). */
  before(i: number, j: number): boolean {
    return this.keys[i] > this.keys[j];
  }
}

/** Moves the median of a, b, c (by key) to position `to`. */
function medianToFront(p: PairArray, to: number, a: number, b: number, c: number): void {
  let median: number;
  if (p.before(a, b)) {
    if (p.before(b, c)) median = b;
    else if (p.before(a, c)) median = c;
    else median = a;
  } else if (p.before(a, c)) median = a;
  else if (p.before(b, c)) median = c;
  else median = b;
  p.swap(to, median);
}

/** Partitions [first, last) around the pivot at `pivot` (< first); returns the cut. */
function partition(p: PairArray, first: number, last: number, pivot: number): number {
  for (;;) {
    while (p.before(first, pivot)) first++;
    last--;
    while (p.before(pivot, last)) last--;
    if (first >= last) return first;
    p.swap(first, last);
    first++;
  }
}

/** Sifts the value (key, index) into the heap [first, first + len) from hole `hole`. */
function adjustHeap(
  p: PairArray,
  first: number,
  hole: number,
  len: number,
  key: number,
  index: number,
): void {
  const top = hole;
  let child = hole;
  while (child < Math.floor((len - 1) / 2)) {
    child = 2 * (child + 1);
    // The heap keeps the entry that sorts last on top: take the left child when the right
    // one sorts before it.
    if (p.keys[first + child] > p.keys[first + child - 1]) child--;
    p.keys[first + hole] = p.keys[first + child];
    p.index[first + hole] = p.index[first + child];
    hole = child;
  }
  if ((len & 1) === 0 && child === Math.floor((len - 2) / 2)) {
    child = 2 * (child + 1);
    p.keys[first + hole] = p.keys[first + child - 1];
    p.index[first + hole] = p.index[first + child - 1];
    hole = child - 1;
  }
  // Push the value back up towards `top` while its parent sorts before it.
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && key < p.keys[first + parent]) {
    p.keys[first + hole] = p.keys[first + parent];
    p.index[first + hole] = p.index[first + parent];
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  p.keys[first + hole] = key;
  p.index[first + hole] = index;
}

/** Heap sort of [first, last), as the standard library's partial_sort over the whole range. */
function heapSort(p: PairArray, first: number, last: number): void {
  const len = last - first;
  for (let parent = Math.floor((len - 2) / 2); parent >= 0; parent--) {
    adjustHeap(p, first, parent, len, p.keys[first + parent], p.index[first + parent]);
  }
  for (let end = last - 1; end - first > 0; end--) {
    const key = p.keys[end];
    const index = p.index[end];
    p.keys[end] = p.keys[first];
    p.index[end] = p.index[first];
    adjustHeap(p, first, 0, end - first, key, index);
  }
}

function introsortLoop(p: PairArray, first: number, last: number, depth: number): void {
  while (last - first > threshold) {
    if (depth === 0) {
      heapSort(p, first, last);
      return;
    }
    depth--;
    const middle = first + Math.floor((last - first) / 2);
    medianToFront(p, first, first + 1, middle, last - 1);
    const cut = partition(p, first + 1, last, first);
    introsortLoop(p, cut, last, depth);
    last = cut;
  }
}

/** Inserts the entry at i into the sorted run ending at i − 1 (a smaller entry stops it). */
function linearInsert(p: PairArray, i: number): void {
  const key = p.keys[i];
  const index = p.index[i];
  let j = i - 1;
  while (key > p.keys[j]) {
    p.keys[j + 1] = p.keys[j];
    p.index[j + 1] = p.index[j];
    j--;
  }
  p.keys[j + 1] = key;
  p.index[j + 1] = index;
}

function insertionSort(p: PairArray, first: number, last: number): void {
  for (let i = first + 1; i < last; i++) {
    if (p.keys[i] > p.keys[first]) {
      const key = p.keys[i];
      const index = p.index[i];
      p.keys.copyWithin(first + 1, first, i);
      p.index.copyWithin(first + 1, first, i);
      p.keys[first] = key;
      p.index[first] = index;
    } else {
      linearInsert(p, i);
    }
  }
}

/**
 * The permutation that sorts `keys` in descending order, ties ordered as PyTorch's CPU sort
 * orders them: `order[r]` is the position in `keys` of the entry of rank r. `depthLimit` is the
 * standard library's; tests lower it to exercise the heap-sort fallback.
 */
export function descendingOrder(
  keys: ArrayLike<number>,
  depthLimit = 2 * Math.floor(Math.log2(Math.max(keys.length, 1))),
): Int32Array {
  const n = keys.length;
  const pairs = new PairArray(
    Float64Array.from(keys),
    Int32Array.from({ length: n }, (_, i) => i),
  );
  if (n > 1) {
    introsortLoop(pairs, 0, n, depthLimit);
    if (n > threshold) {
      insertionSort(pairs, 0, threshold);
      for (let i = threshold; i < n; i++) linearInsert(pairs, i);
    } else {
      insertionSort(pairs, 0, n);
    }
  }
  return pairs.index;
}
