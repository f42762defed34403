import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cropWindow, nonZeroBox } from './crop.js';
import type { CropWindow } from './crop.js';
import type { Shape3D } from './slice.js';

/** A zero volume with 1 at the given (x, y, z) voxels. */
function volumeWith(shape: Shape3D, voxels: [number, number, number][]): Float32Array {
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (const [x, y, z] of voxels) data[x + shape[0] * (y + shape[1] * z)] = 1;
  return data;
}

describe('nonZeroBox', () => {
  test('spans the non-zero voxels, ends inclusive', () => {
    const data = volumeWith(
      [10, 8, 6],
      [
        [2, 3, 1],
        [5, 4, 2],
      ],
    );
    assert.deepEqual(nonZeroBox(data, [10, 8, 6]), { min: [2, 3, 1], max: [5, 4, 2] });
  });
  test('is null for an all-zero volume', () => {
    assert.equal(nonZeroBox(new Float32Array(8), [2, 2, 2]), null);
  });
});

describe('cropWindow (slices across axis 2: rows = y, columns = x)', () => {
  const box = {
    min: [2, 3, 1] as [number, number, number],
    max: [5, 4, 2] as [number, number, number],
  };
  const cases: {
    name: string;
    shape: Shape3D;
    box: typeof box;
    margin: number;
    square: boolean;
    expected: CropWindow;
  }[] = [
    {
      // y 3..4 ± 1 → 2..5 (4 rows); x 2..5 ± 1 → 1..6 (6 columns); z 1..2 ± 1 → 0..3.
      name: 'margin 1, not square',
      shape: [10, 8, 6],
      box,
      margin: 1,
      square: false,
      expected: { rect: { row0: 2, col0: 1, height: 4, width: 6 }, first: 0, last: 3 },
    },
    {
      // Rows grow from 4 to 6 around their centre: 2..5 → 1..6.
      name: 'margin 1, square',
      shape: [10, 8, 6],
      box,
      margin: 1,
      square: true,
      expected: { rect: { row0: 1, col0: 1, height: 6, width: 6 }, first: 0, last: 3 },
    },
    {
      // Rows y 0..0 must grow to 6: centred they would start at −2, shifted to 0 → 0..5.
      name: 'a square against the edge is shifted inside',
      shape: [10, 8, 1],
      box: { min: [0, 0, 0], max: [5, 0, 0] },
      margin: 0,
      square: true,
      expected: { rect: { row0: 0, col0: 0, height: 6, width: 6 }, first: 0, last: 0 },
    },
    {
      // 10 columns but only 3 rows: the rows are centred on the volume, floor((3 − 10) / 2) = −4.
      name: 'a square larger than the volume reaches outside, centred',
      shape: [10, 3, 1],
      box: { min: [0, 1, 0], max: [9, 1, 0] },
      margin: 0,
      square: true,
      expected: { rect: { row0: -4, col0: 0, height: 10, width: 10 }, first: 0, last: 0 },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(
        cropWindow(c.box, c.shape, 2, { margin: c.margin, square: c.square }),
        c.expected,
      );
    });
  }
  test('axis 0 crops the z × y plane and the x range', () => {
    // rows = z 1..2 ± 1 → 0..3; cols = y 3..4 ± 1 → 2..5; slices x 2..5 ± 1 → 1..6.
    assert.deepEqual(cropWindow(box, [10, 8, 6], 0, { margin: 1, square: false }), {
      rect: { row0: 0, col0: 2, height: 4, width: 4 },
      first: 1,
      last: 6,
    });
  });
  test('a negative margin is an error', () => {
    assert.throws(() => cropWindow(box, [10, 8, 6], 2, { margin: -1, square: false }), {
      message: 'crop: margin must be a non-negative integer, got -1',
    });
  });
});
