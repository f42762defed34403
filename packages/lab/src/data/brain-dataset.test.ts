import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { brainDataDir, brainFiles, loadBrainDataset } from './brain-dataset.js';
import { countClasses } from './class-counts.js';
import { nonZeroBox } from './crop.js';
import { readNifti } from './nifti.js';

describe('the embedded files', () => {
  const image = readNifti(join(brainDataDir(), brainFiles.image));
  const atlas = readNifti(join(brainDataDir(), brainFiles.label));
  for (const [name, volume] of [
    ['ch2bet', image],
    ['aal', atlas],
  ] as const) {
    test(`${name}: 181×217×181 uint8 voxels of 1 mm`, () => {
      assert.deepEqual(volume.shape, [181, 217, 181]);
      assert.deepEqual(volume.header.dims, [181, 217, 181]);
      assert.deepEqual(volume.header.spacing, [1, 1, 1]);
      assert.equal(volume.header.datatype, 'uint8');
    });
  }
  test('aal: integer labels 0..116, all 117 present (aal.nii.txt lists 1..116)', () => {
    const seen = new Set(atlas.data);
    assert.equal(seen.size, 117);
    assert.ok([...seen].every((v) => Number.isInteger(v) && v >= 0 && v <= 116));
  });
  test('the atlas and the image bounding boxes agree within 6 voxels (same MNI space)', () => {
    const a = nonZeroBox(atlas.data, atlas.shape);
    const b = nonZeroBox(image.data, image.shape);
    assert.ok(a !== null && b !== null);
    // Measured: ch2bet x 18..161, y 19..198, z 4..155; aal x 17..162, y 20..199, z 10..155.
    for (let axis = 0; axis < 3; axis++) {
      assert.ok(
        Math.abs(a.min[axis] - b.min[axis]) <= 6 && Math.abs(a.max[axis] - b.max[axis]) <= 6,
      );
    }
  });
  test('deep structures lie inside the stripped brain; cortex overhangs it by about 10%', () => {
    // AAL was drawn on the unstripped Colin27 head, so cortical labels reach into voxels that
    // brain extraction set to 0. Measured: 140,185 of 1,479,969 labelled voxels (9.5%).
    let labelled = 0;
    let onZero = 0;
    const deepOnZero = new Set<number>();
    for (let i = 0; i < atlas.data.length; i++) {
      const label = atlas.data[i];
      if (label === 0) continue;
      labelled++;
      if (image.data[i] !== 0) continue;
      onZero++;
      if (label >= 71 && label <= 78) deepOnZero.add(label);
    }
    assert.equal(labelled, 1479969);
    assert.equal(onZero, 140185);
    assert.deepEqual([...deepOnZero], [], 'caudate, putamen, pallidum, thalamus');
  });
});

describe('loadBrainDataset with the defaults', () => {
  const ds = loadBrainDataset();
  const summary = ds.volumes[0];
  test('9 classes, axial 96×96 slices', () => {
    assert.equal(ds.classes.length, 9);
    assert.deepEqual(ds.size, [96, 96]);
    assert.equal(ds.axis, 2);
    assert.equal(ds.splitBy, 'slab');
  });
  test('crop: a 188-voxel square, slices 0..159', () => {
    // Measured on ch2bet: the brain spans z 0..155 and 180 voxels in x; margin 4, squared.
    assert.deepEqual([summary.window.first, summary.window.last], [0, 159]);
    assert.equal(summary.window.rect.height, 188);
    assert.equal(summary.window.rect.width, 188);
  });
  test('slab split of slices 0..159, by hand', () => {
    // Test slabs 3, 7, 11, 15, 19, 23 → 6 × 6 = 36 slices; 2 gap slices each → 12;
    // 160 − 36 − 12 = 112 train.
    assert.deepEqual([summary.train, summary.test, summary.dropped], [112, 36, 12]);
    assert.equal(ds.train.length, 112);
    assert.equal(ds.test.length, 36);
    const train = new Set(ds.train.map((s) => s.index));
    for (const s of ds.test) assert.ok(!train.has(s.index - 1) && !train.has(s.index + 1));
  });
  test('pixel spacing: 188 mm over 96 pixels in both directions', () => {
    for (const s of [...ds.train, ...ds.test]) assert.deepEqual(s.spacing, [188 / 96, 188 / 96]);
  });
  test('every class appears in both train and test', () => {
    for (const set of [ds.train, ds.test]) {
      const total = new Array<number>(9).fill(0);
      for (const s of set) countClasses(s.label, 9).forEach((n, c) => (total[c] += n));
      assert.ok(
        total.every((n) => n > 0),
        JSON.stringify(total),
      );
    }
  });
  test('images normalised to [0, 1]', () => {
    for (const s of ds.train) assert.ok(s.image.every((v) => v >= 0 && v <= 1));
  });
});
