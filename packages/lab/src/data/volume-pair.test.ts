import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeNifti } from './nifti-write.js';
import { readVolumePair, volumeName } from './volume-pair.js';
import { useTempDir } from './test-support/temp-dir.js';

const dir = useTempDir('pair');
const image = join(dir, 'case7.nii.gz');
const label = join(dir, 'case7_seg.nii');
const short = join(dir, 'short.nii');
writeNifti(image, {
  data: [5, 6, 7, 8, 9, 10],
  shape: [3, 2, 1],
  spacing: [0.7, 0.7, 3],
  datatype: 'int16',
});
writeNifti(label, { data: [0, 4, 4, 9, 0, 0], shape: [3, 2, 1], datatype: 'uint8' });
writeNifti(short, { data: [0, 1, 2, 3], shape: [2, 2, 1], datatype: 'uint8' });

describe('readVolumePair', () => {
  test('reads both, maps labels, keeps the image spacing', () => {
    const map = { classes: ['bg', 'organ'], map: { '4': 1 }, unmapped: 'background' as const };
    const volume = readVolumePair(image, label, { labelMap: map });
    assert.equal(volume.name, 'case7');
    assert.deepEqual(volume.shape, [3, 2, 1]);
    assert.deepEqual([...volume.image], [5, 6, 7, 8, 9, 10]);
    assert.deepEqual([...volume.label], [0, 1, 1, 0, 0, 0]);
    assert.ok(Math.abs(volume.spacing[0] - 0.7) < 1e-6 && volume.spacing[2] === 3);
  });
  test('a shape mismatch names both files and both shapes', () => {
    assert.throws(() => readVolumePair(image, short, { classes: ['a', 'b', 'c', 'd'] }), {
      name: 'DataError',
      message:
        `volumePair: image ${image} is 3×2×1 but label ${short} is 2×2×1; ` +
        'they must have the same shape',
    });
  });
  test('labels outside 0..C-1 without a map name the label file', () => {
    assert.throws(() => readVolumePair(image, label, { classes: ['bg', 'a', 'b'] }), {
      message:
        `labels: ${label} holds label 4 at voxel 1, expected an integer in 0..2 ` +
        '(3 classes; give a label map to remap other values)',
    });
  });
  test('volumeName strips .nii and .nii.gz', () => {
    assert.deepEqual(['/a/b.nii.gz', 'c.nii', 'd.NII.GZ'].map(volumeName), ['b', 'c', 'd']);
  });
});
