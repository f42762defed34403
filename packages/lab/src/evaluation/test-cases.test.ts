import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Slice2D, SliceDataset } from '../data/index.js';
import { evaluationCases } from './test-cases.js';

function slice(volume: string, index: number): Slice2D {
  return { volume, index, image: new Float32Array(4), label: new Uint8Array(4), spacing: [2, 3] };
}

test('evaluation cases: runs of consecutive held-out slices per volume, with spacing', () => {
  const dataset = {
    classes: ['background', 'a'],
    size: [2, 2],
    axis: 2,
    splitBy: 'slab',
    train: [],
    test: [
      slice('b', 7),
      slice('a', 3),
      slice('a', 4),
      slice('a', 9),
      slice('a', 10),
      slice('b', 8),
    ],
    volumes: [
      { name: 'a', spacing: [1, 1, 2.5] },
      { name: 'b', spacing: [1, 1, 4] },
    ],
  } as unknown as SliceDataset;
  const cases = evaluationCases(dataset);
  assert.deepEqual(
    cases.map((c) => [c.volume, c.indices, c.spacing]),
    [
      ['b', [7, 8], [4, 2, 3]],
      ['a', [3, 4], [2.5, 2, 3]],
      ['a', [9, 10], [2.5, 2, 3]],
    ],
  );
});
