import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractPlane, planeAxes } from './slice.js';
import type { PlaneRect, Shape3D, SliceAxis } from './slice.js';

// A 2×3×4 volume whose voxel (x, y, z) holds x + 10·y + 100·z, stored x fastest.
const shape: Shape3D = [2, 3, 4];
const volume = new Float32Array(24);
for (let z = 0; z < 4; z++) {
  for (let y = 0; y < 3; y++)
    for (let x = 0; x < 2; x++) volume[x + 2 * (y + 3 * z)] = x + 10 * y + 100 * z;
}

interface Case {
  name: string;
  axis: SliceAxis;
  index: number;
  rect: PlaneRect;
  expected: number[];
}

const cases: Case[] = [
  {
    // rows = y (3), cols = x (2) at z = 1.
    name: 'axis 2: y rows × x columns',
    axis: 2,
    index: 1,
    rect: { row0: 0, col0: 0, height: 3, width: 2 },
    expected: [100, 101, 110, 111, 120, 121],
  },
  {
    // rows = z (4), cols = x (2) at y = 2.
    name: 'axis 1: z rows × x columns',
    axis: 1,
    index: 2,
    rect: { row0: 0, col0: 0, height: 4, width: 2 },
    expected: [20, 21, 120, 121, 220, 221, 320, 321],
  },
  {
    // rows = z (4), cols = y (3) at x = 1.
    name: 'axis 0: z rows × y columns',
    axis: 0,
    index: 1,
    rect: { row0: 0, col0: 0, height: 4, width: 3 },
    expected: [1, 11, 21, 101, 111, 121, 201, 211, 221, 301, 311, 321],
  },
  {
    // rows y = −1..1, cols x = 1..2 at z = 3: outside reads 0.
    name: 'a rectangle reaching outside reads zeros',
    axis: 2,
    index: 3,
    rect: { row0: -1, col0: 1, height: 3, width: 2 },
    expected: [0, 0, 301, 0, 311, 0],
  },
];

describe('extractPlane', () => {
  for (const c of cases) {
    test(c.name, () => {
      const out = extractPlane(
        volume,
        shape,
        c.axis,
        c.index,
        c.rect,
        new Float32Array(c.rect.height * c.rect.width),
      );
      assert.deepEqual([...out], c.expected);
    });
  }
  test('index out of range', () => {
    const rect = { row0: 0, col0: 0, height: 3, width: 2 };
    assert.throws(() => extractPlane(volume, shape, 2, 4, rect, new Float32Array(6)), {
      message: 'slice: index across axis 2 must be in 0..3, got 4',
    });
  });
});

test('planeAxes keeps memory order: rows on the slower axis', () => {
  assert.deepEqual(
    [0, 1, 2].map((a) => planeAxes(a as SliceAxis)),
    [
      { rows: 2, cols: 1 },
      { rows: 2, cols: 0 },
      { rows: 1, cols: 0 },
    ],
  );
  assert.throws(() => planeAxes(3 as SliceAxis), {
    message: 'slice: axis must be 0, 1 or 2, got 3',
  });
});
