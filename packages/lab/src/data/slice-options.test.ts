import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSliceOptions, resolveSliceOptions } from './slice-options.js';
import type { SliceOptions } from './slice-options.js';

test('defaults fill undefined options', () => {
  assert.deepEqual(resolveSliceOptions({ axis: undefined, size: [64, 32] }, 'x'), {
    ...defaultSliceOptions,
    size: [64, 32],
  });
});

test('bad options name the caller and the option', () => {
  const cases: [SliceOptions, string][] = [
    [{ axis: 3 as 2 }, 'load: axis must be 0, 1 or 2, got 3'],
    [{ size: [96, 0] }, 'load: size must be [height, width] of positive integers, got 96,0'],
    [{ cropMargin: -2 }, 'load: cropMargin must be a non-negative integer, got -2'],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => resolveSliceOptions(options, 'load'), { message });
  }
});
