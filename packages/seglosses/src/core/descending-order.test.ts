import assert from 'node:assert/strict';
import { test } from 'node:test';

import { seededRandom } from '../test-support/loss-properties.js';
import { descendingOrder } from './descending-order.js';

test('descendingOrder: distinct keys come out largest first', () => {
  assert.deepEqual(Array.from(descendingOrder([0.2, 0.9, -1, 0.5])), [1, 3, 0, 2]);
  assert.deepEqual(Array.from(descendingOrder([])), []);
  assert.deepEqual(Array.from(descendingOrder([7])), [0]);
});

test('descendingOrder: up to 16 entries (insertion sort only) ties keep their input order', () => {
  // Insertion sort moves an entry only past strictly smaller keys.
  assert.deepEqual(Array.from(descendingOrder([1, 3, 1, 3, 2])), [1, 3, 4, 0, 2]);
});

// 22 keys of two values. Expected orders: g++ 12 (libstdc++) on (key, index) pairs compared by
// key_a > key_b, std::sort for the first and std::partial_sort(first, last, last) — the heap sort
// that std::sort falls back to — for the second (scratch program, output pasted here).
const tiedKeys = [2, 1, 2, 1, 1, 2, 1, 2, 2, 1, 1, 1, 2, 1, 2, 1, 2, 2, 1, 2, 1, 1];

test('descendingOrder: ties in the order of libstdc++ std::sort (PyTorch CPU sort)', () => {
  const expected = [2, 19, 5, 7, 8, 17, 16, 0, 12, 14, 11, 21, 20, 18, 15, 13, 10, 9, 6, 4, 3, 1];
  assert.deepEqual(Array.from(descendingOrder(tiedKeys)), expected);
});

test('descendingOrder: the heap-sort fallback orders ties as libstdc++ partial_sort', () => {
  const expected = [8, 17, 7, 2, 12, 19, 16, 5, 0, 14, 15, 3, 18, 20, 4, 10, 21, 9, 1, 11, 6, 13];
  assert.deepEqual(Array.from(descendingOrder(tiedKeys, 0)), expected);
});

test('descendingOrder: a permutation sorting random keys with many ties, either path', () => {
  const random = seededRandom(3);
  for (const n of [17, 100, 1000]) {
    const keys = Float32Array.from({ length: n }, () => Math.floor(random() * 5) / 4);
    for (const depth of [undefined, 0]) {
      const order = descendingOrder(keys, depth);
      assert.deepEqual(
        Array.from(order).sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
      for (let r = 1; r < n; r++) assert.ok(keys[order[r - 1]] >= keys[order[r]], `rank ${r}`);
    }
  }
});
