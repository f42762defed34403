/**
 * Train/test split of the slices of one volume by contiguous slabs, so that no test slice has a
 * training slice as its neighbour (adjacent slices of a 1 mm scan are nearly identical, and a
 * random split would test on near-copies of training data).
 *
 * Slice indices `0..depth-1` (counted over the whole volume, before any crop) are grouped into
 * slabs of `slabSize`: slab `k` holds slices `k·slabSize … (k+1)·slabSize − 1`. Every
 * `testEvery`-th slab — slabs `testEvery − 1`, `2·testEvery − 1`, … — is held out for testing.
 * Any other slice within `gap` slices of a test slice is dropped from both sets. The rest train.
 *
 * Example (defaults `slabSize` 6, `testEvery` 4, `gap` 1, depth 30): test = 18..23,
 * dropped = 17 and 24, train = 0..16 and 25..29.
 */
import { dataError } from './errors.js';

/** Options of the slab split. */
export interface SlabSplitOptions {
  /** Slices per slab. Default 6. */
  slabSize?: number;
  /** Hold out every `testEvery`-th slab. Default 4 (a quarter of the slices, minus the gaps). */
  testEvery?: number;
  /** Slices dropped on each side of a test slab. Default 1. */
  gap?: number;
}

/** Which slice indices train, test, or are dropped as gaps; each list ascending. */
export interface SlabSplit {
  train: number[];
  test: number[];
  dropped: number[];
}

/** The defaults of `SlabSplitOptions`. */
export const defaultSlabSplit: Required<SlabSplitOptions> = { slabSize: 6, testEvery: 4, gap: 1 };

/** Splits slice indices `0..depth-1` (see the module comment). */
export function slabSplit(depth: number, options: SlabSplitOptions = {}): SlabSplit {
  const slabSize = options.slabSize ?? defaultSlabSplit.slabSize;
  const testEvery = options.testEvery ?? defaultSlabSplit.testEvery;
  const gap = options.gap ?? defaultSlabSplit.gap;
  const check = (name: string, value: number, min: number): void => {
    if (!Number.isInteger(value) || value < min) {
      dataError('slabSplit', `${name} must be an integer >= ${min}, got ${value}`);
    }
  };
  check('depth', depth, 0);
  check('slabSize', slabSize, 1);
  check('testEvery', testEvery, 2);
  check('gap', gap, 0);

  const isTest = (i: number): boolean =>
    i >= 0 && i < depth && (Math.floor(i / slabSize) + 1) % testEvery === 0;
  const split: SlabSplit = { train: [], test: [], dropped: [] };
  for (let i = 0; i < depth; i++) {
    if (isTest(i)) {
      split.test.push(i);
      continue;
    }
    let nearTest = false;
    for (let d = 1; d <= gap && !nearTest; d++) nearTest = isTest(i - d) || isTest(i + d);
    (nearTest ? split.dropped : split.train).push(i);
  }
  return split;
}
