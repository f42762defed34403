import assert from 'node:assert/strict';
import { test } from 'node:test';

import { seededRandom } from './seeded-random.js';
import { kthLargest, topSelection, topSelectionInJavaScript } from './top-selection.js';

test('kthLargest equals the count-th entry of a descending sort, ties and all', () => {
  const random = seededRandom(7);
  for (const n of [1, 2, 3, 10, 257, 5000]) {
    for (const levels of [0, 3]) {
      // levels > 0: few distinct values, so most entries are tied.
      const scores = Float32Array.from({ length: n }, () =>
        levels > 0 ? Math.floor(random() * levels) : random() * 10 - 5,
      );
      const sorted = Array.from(scores).sort((a, b) => b - a);
      for (const count of new Set([1, Math.ceil(n / 10), Math.ceil(n / 2), n])) {
        assert.equal(kthLargest(scores, count), sorted[count - 1], `n ${n}, count ${count}`);
      }
    }
  }
});

test('kthLargest handles sorted, reversed and constant inputs', () => {
  const up = Float64Array.from({ length: 1000 }, (_, i) => i);
  const down = Float64Array.from({ length: 1000 }, (_, i) => -i);
  assert.equal(kthLargest(up, 1), 999);
  assert.equal(kthLargest(up, 1000), 0);
  assert.equal(kthLargest(down, 10), -9);
  assert.equal(kthLargest(new Float64Array(100).fill(2), 37), 2);
});

test('kthLargest rejects a count outside 1..n, naming it', () => {
  assert.throws(() => kthLargest([1, 2, 3], 0), /count must be an integer in 1\.\.3, got 0/);
  assert.throws(() => kthLargest([1, 2, 3], 4), /got 4/);
  assert.throws(() => kthLargest([1, 2, 3], 1.5), /got 1\.5/);
});

test('topSelection keeps the largest entries and shares the weight among ties', () => {
  assert.deepEqual(
    Array.from(topSelection(Float32Array.from([0.1, 0.9, 0.5, 0.7]), 2)),
    [0, 1, 0, 1],
  );
  // Two places left for three entries tied at 0.5: 2/3 each; the weights sum to the count.
  const tied = topSelection(Float32Array.from([0.9, 0.5, 0.5, 0.1, 0.5]), 3);
  assert.deepEqual(Array.from(tied), [1, 2 / 3, 2 / 3, 0, 2 / 3].map(Math.fround));
  assert.ok(Math.abs(tied.reduce((a, b) => a + b, 0) - 3) < 1e-6);
  assert.deepEqual(Array.from(topSelection(Float32Array.from([3, 3, 3]), 3)), [1, 1, 1]);
});

test('topSelection in WebAssembly equals the JavaScript form, ties included', () => {
  const random = seededRandom(11);
  for (const n of [1, 5, 17, 1000, 40000]) {
    for (const levels of [0, 2, 7]) {
      const scores = Float32Array.from({ length: n }, () =>
        levels > 0 ? Math.floor(random() * levels) : random() * 4 - 1,
      );
      for (const count of new Set([1, Math.max(1, Math.floor(n / 10)), n])) {
        assert.deepEqual(
          topSelection(scores, count),
          topSelectionInJavaScript(scores, count),
          `n ${n}, levels ${levels}, count ${count}`,
        );
      }
    }
  }
});

test('topSelection rejects a count outside 1..n, naming it', () => {
  assert.throws(() => topSelection(Float32Array.from([1, 2]), 3), /count must be an integer/);
});
