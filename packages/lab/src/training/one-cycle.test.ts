import assert from 'node:assert/strict';
import { test } from 'node:test';

import { oneCycleLr } from './one-cycle.js';

// PyTorch OneCycleLR (anneal 'cos', pct_start 0.3, div 25, final_div 1e4) with maxLr 1e-2 over
// 101 steps: warm-up ends at step 0.3·101 − 1 = 29.3; start 4e-4, peak 1e-2, end 4e-8.
const options = { maxLr: 1e-2, totalSteps: 101 };

test('one-cycle: starts at maxLr/25, peaks at maxLr, ends at maxLr/25/1e4', () => {
  assert.ok(Math.abs(oneCycleLr(0, options) - 4e-4) < 1e-12);
  assert.ok(Math.abs(oneCycleLr(100, options) - 4e-8) < 1e-14);
  const peak = Math.max(...Array.from({ length: 101 }, (_, s) => oneCycleLr(s, options)));
  assert.ok(peak <= 1e-2 && peak > 0.999e-2, `peak ${peak}`);
});

test('one-cycle: the cosine midpoint of the warm-up is the mean of start and peak', () => {
  // Half-way through warm-up (step 29.3/2) the cosine factor is 1/2.
  const mid = oneCycleLr(29.3 / 2, options);
  assert.ok(Math.abs(mid - (4e-4 + 1e-2) / 2) < 1e-12, `${mid}`);
});

test('one-cycle: rises during warm-up and falls after it', () => {
  for (let s = 1; s <= 29; s++) assert.ok(oneCycleLr(s, options) > oneCycleLr(s - 1, options));
  for (let s = 31; s <= 100; s++) assert.ok(oneCycleLr(s, options) < oneCycleLr(s - 1, options));
});
