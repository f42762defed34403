import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { slabSplit } from './slab-split.js';
import type { SlabSplitOptions } from './slab-split.js';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('slabSplit', () => {
  test('depth 30, defaults: test = slab 3 (18..23), gaps 17 and 24', () => {
    assert.deepEqual(slabSplit(30), {
      train: [...range(0, 16), ...range(25, 29)],
      test: range(18, 23),
      dropped: [17, 24],
    });
  });

  test('depth 181 (ch2bet axial), defaults: counts by hand', () => {
    // Slabs of 6: 0..29 are full, slab 30 holds slice 180 only. Test slabs 3, 7, …, 27
    // (7 slabs × 6 = 42 slices); each has a neighbour slice on both sides (14 dropped);
    // 181 − 42 − 14 = 125 train.
    const split = slabSplit(181);
    assert.equal(split.test.length, 42);
    assert.equal(split.dropped.length, 14);
    assert.equal(split.train.length, 125);
    assert.deepEqual(split.test.slice(0, 7), [18, 19, 20, 21, 22, 23, 42]);
    assert.deepEqual(split.dropped.slice(-2), [161, 168]);
  });

  test('depth 24: the last slab is a test slab with no slice after it', () => {
    // Test 18..23, only 17 dropped: 17 train + 6 test + 1 dropped = 24.
    const split = slabSplit(24);
    assert.deepEqual(split.test, range(18, 23));
    assert.deepEqual(split.dropped, [17]);
    assert.equal(split.train.length, 17);
  });

  test('slabSize 2, testEvery 2, gap 2: 10 slices', () => {
    // Slabs [0,1] [2,3] [4,5] [6,7] [8,9]; test slabs 1 and 3 → 2,3,6,7.
    // Within 2 of a test slice: 0,1,4,5,8,9 — everything else, so no training slice at all.
    assert.deepEqual(slabSplit(10, { slabSize: 2, testEvery: 2, gap: 2 }), {
      train: [],
      test: [2, 3, 6, 7],
      dropped: [0, 1, 4, 5, 8, 9],
    });
  });

  const grid: SlabSplitOptions[] = [
    {},
    { gap: 0 },
    { slabSize: 1, testEvery: 3, gap: 1 },
    { slabSize: 4, testEvery: 5, gap: 3 },
    { slabSize: 10, testEvery: 2, gap: 2 },
  ];
  for (const options of grid) {
    const name = `partition, no test slice within gap of a train slice: ${JSON.stringify(options)}`;
    test(name, () => {
      const depth = 97;
      const gap = options.gap ?? 1;
      const split = slabSplit(depth, options);
      const all = [...split.train, ...split.test, ...split.dropped].sort((a, b) => a - b);
      assert.deepEqual(all, range(0, depth - 1));
      const train = new Set(split.train);
      for (const t of split.test) {
        for (let d = 1; d <= gap; d++) {
          assert.ok(!train.has(t - d) && !train.has(t + d), `test ${t} is ${d} from training`);
        }
      }
    });
  }

  test('bad options name the option', () => {
    assert.throws(() => slabSplit(10, { testEvery: 1 }), {
      message: 'slabSplit: testEvery must be an integer >= 2, got 1',
    });
    assert.throws(() => slabSplit(10, { slabSize: 0 }), {
      message: 'slabSplit: slabSize must be an integer >= 1, got 0',
    });
    assert.throws(() => slabSplit(10, { gap: 0.5 }), {
      message: 'slabSplit: gap must be an integer >= 0, got 0.5',
    });
  });
});
