import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nanMean, percentileOfSorted } from './statistics.js';

test('nanMean skips NaN, is NaN when nothing is left, and lets Infinity through', () => {
  assert.equal(nanMean([1, NaN, 3]), 2);
  assert.ok(Number.isNaN(nanMean([NaN, NaN])));
  assert.ok(Number.isNaN(nanMean([])));
  assert.equal(nanMean([1, Infinity]), Infinity);
});

test('percentileOfSorted interpolates linearly like numpy.percentile (method="linear")', () => {
  // numpy.percentile([1, 2, 3, 4], q): h = 3q/100.
  const cases: [number, number][] = [
    [0, 1],
    [25, 1.75], // h = 0.75 → 1 + 0.75·1
    [50, 2.5], // h = 1.5
    [95, 3.85], // h = 2.85 → 3 + 0.85·1
    [100, 4],
  ];
  for (const [p, expected] of cases) {
    assert.ok(Math.abs(percentileOfSorted([1, 2, 3, 4], p) - expected) < 1e-12, `p = ${p}`);
  }
  assert.equal(percentileOfSorted([7], 95), 7);
  assert.ok(Number.isNaN(percentileOfSorted([], 95)));
});
