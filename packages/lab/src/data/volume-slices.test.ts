import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultSliceOptions } from './slice-options.js';
import type { ResolvedSliceOptions } from './slice-options.js';
import { sliceVolume } from './volume-slices.js';
import type { LabelledVolume } from './volume-slices.js';

// 8×6×5 voxels of 0.5 × 0.75 × 2 mm. Image: 10 inside x 2..5, y 1..4, z 1..3, except 20 at
// (3, 2, 2); 0 elsewhere. Label: class 1 at (4, 3, 2) only.
const shape = [8, 6, 5] as const;
const at = (x: number, y: number, z: number): number => x + 8 * (y + 6 * z);
const image = new Float32Array(8 * 6 * 5);
for (let z = 1; z <= 3; z++) {
  for (let y = 1; y <= 4; y++) for (let x = 2; x <= 5; x++) image[at(x, y, z)] = 10;
}
image[at(3, 2, 2)] = 20;
const label = new Uint8Array(image.length);
label[at(4, 3, 2)] = 1;
const volume: LabelledVolume = { name: 'toy', image, label, shape, spacing: [0.5, 0.75, 2] };

const base: ResolvedSliceOptions = {
  ...defaultSliceOptions,
  size: [4, 4],
  cropMargin: 0,
  square: false,
  normalisation: { kind: 'none' },
};

describe('sliceVolume', () => {
  test('crop to the non-zero box: slices z 1..3, a 4×4 window, no resampling', () => {
    const { slices, window } = sliceVolume(volume, base);
    assert.deepEqual(window, {
      rect: { row0: 1, col0: 2, height: 4, width: 4 },
      first: 1,
      last: 3,
    });
    assert.deepEqual(
      slices.map((s) => s.index),
      [1, 2, 3],
    );
    const middle = slices[1];
    // Row y = 2 (row 1), column x = 3 (column 1) holds the 20; the label at y 3, x 4 → (2, 2).
    const expectedImage = Array.from({ length: 16 }, (_, i) => (i === 5 ? 20 : 10));
    assert.deepEqual([...middle.image], expectedImage);
    assert.deepEqual([...middle.label].indexOf(1), 10);
    // 4 rows of 0.75 mm and 4 columns of 0.5 mm, unchanged by a 4×4 → 4×4 resize.
    assert.deepEqual(middle.spacing, [0.75, 0.5]);
    assert.equal(middle.volume, 'toy');
  });

  test('spacing after resizing is spacing × crop / size per direction', () => {
    // 4 rows × 0.75 mm over 2 pixels = 1.5 mm; 4 columns × 0.5 mm over 8 pixels = 0.25 mm.
    const { slices } = sliceVolume(volume, { ...base, size: [2, 8] });
    assert.deepEqual(slices[0].spacing, [1.5, 0.25]);
    assert.equal(slices[0].image.length, 16);
  });

  test('without crop: every slice, the whole 6×8 plane', () => {
    // 6 rows × 0.75 mm / 2 = 2.25 mm; 8 columns × 0.5 mm / 8 = 0.5 mm.
    const { slices, window } = sliceVolume(volume, { ...base, crop: false, size: [2, 8] });
    assert.deepEqual(
      slices.map((s) => s.index),
      [0, 1, 2, 3, 4],
    );
    assert.deepEqual(window.rect, { row0: 0, col0: 0, height: 6, width: 8 });
    assert.deepEqual(slices[0].spacing, [2.25, 0.5]);
  });

  test('labelsInsideImage clears labels where the image is 0, and only there', () => {
    // A second label voxel at (0, 0, 2), where the image is 0; crop off to keep it in view.
    const outside = Uint8Array.from(label);
    outside[at(0, 0, 2)] = 1;
    const withOutside = { ...volume, label: outside };
    const opts = { ...base, crop: false, size: [6, 8] as [number, number] };
    const kept = sliceVolume(withOutside, opts).slices[2].label;
    const cleared = sliceVolume(withOutside, { ...opts, labelsInsideImage: true }).slices[2].label;
    assert.equal(kept[0], 1);
    assert.equal(cleared[0], 0);
    // (4, 3) is inside the image: row 3, column 4.
    assert.equal(cleared[3 * 8 + 4], 1);
  });

  test('dropEmpty keeps only slices with a foreground label', () => {
    const { slices } = sliceVolume(volume, { ...base, dropEmpty: true });
    assert.deepEqual(
      slices.map((s) => s.index),
      [2],
    );
  });

  test('square crop and normalisation: window [0, 20] maps 10 → 0.5, 20 → 1', () => {
    const { slices, window } = sliceVolume(volume, {
      ...base,
      square: true,
      cropMargin: 1,
      normalisation: { kind: 'window', min: 0, max: 20 },
    });
    // y 0..5 (6 rows), x 1..6 (6 columns): already square.
    assert.deepEqual(window.rect, { row0: 0, col0: 1, height: 6, width: 6 });
    assert.deepEqual(window.first, 0);
    assert.deepEqual(window.last, 4);
    const values = new Set(slices.flatMap((s) => [...s.image]));
    assert.ok([...values].every((v) => v >= 0 && v <= 1));
  });
});
