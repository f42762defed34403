import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadNiftiFolderDataset, matchVolumeFiles } from './folder-dataset.js';
import { writeNifti } from './nifti-write.js';
import { useTempDir } from './test-support/temp-dir.js';

// Four Synapse-style cases: img/img000k.nii.gz with label/label000k.nii.gz, 6×6×8 voxels,
// image non-zero everywhere (so the crop keeps every slice), label 13 (mapped to class 1) in
// a 2×2 square of every slice, label 7 (unmapped) in one voxel.
const root = useTempDir('folder');
const images = join(root, 'img');
const labels = join(root, 'label');
mkdirSync(images);
mkdirSync(labels);
const shape = [6, 6, 8];
const voxels = 6 * 6 * 8;
for (let k = 1; k <= 4; k++) {
  const image = Array.from({ length: voxels }, (_, i) => 100 + ((i * k) % 50));
  const label = new Array<number>(voxels).fill(0);
  for (let z = 0; z < 8; z++)
    for (const [x, y] of [
      [2, 2],
      [3, 2],
      [2, 3],
      [3, 3],
    ])
      label[x + 6 * (y + 6 * z)] = 13;
  label[0] = 7;
  writeNifti(join(images, `img000${k}.nii.gz`), { data: image, shape, datatype: 'int16' });
  writeNifti(join(labels, `label000${k}.nii.gz`), { data: label, shape, datatype: 'uint8' });
}
writeFileSync(join(images, 'notes.txt'), 'not an image');
const labelMap = {
  classes: ['background', 'organ'],
  map: { '13': 1 },
  unmapped: 'background' as const,
};
const common = {
  imagesDir: images,
  labelsDir: labels,
  labelMap,
  size: [12, 12] as [number, number],
};

describe('matchVolumeFiles', () => {
  test('pairs img000k with label000k by case id, ignoring other files', () => {
    const files = matchVolumeFiles(images, labels);
    assert.deepEqual(
      files.map((f) => [f.name, f.label.slice(labels.length + 1)]),
      [1, 2, 3, 4].map((k) => [`img000${k}`, `label000${k}.nii.gz`]),
    );
  });
  test('an image without a label is named', () => {
    const lonely = join(root, 'lonely');
    mkdirSync(lonely);
    writeNifti(join(lonely, 'img0009.nii'), { data: [1], shape: [1], datatype: 'uint8' });
    assert.throws(() => matchVolumeFiles(lonely, labels), {
      message:
        `loadNiftiFolderDataset: image ${join(lonely, 'img0009.nii')} needs exactly one ` +
        `label in ${labels} named img0009.nii[.gz] or with case id 0009, found none`,
    });
  });
  test('a missing folder is named', () => {
    assert.throws(() => matchVolumeFiles(join(root, 'nope'), labels), {
      message:
        `loadNiftiFolderDataset: imagesDir ${join(root, 'nope')} ` +
        'does not exist or is not a folder',
    });
  });
});

describe('loadNiftiFolderDataset', () => {
  test('default: split by volume, every 4th (img0004) tests', () => {
    const ds = loadNiftiFolderDataset(common);
    assert.equal(ds.splitBy, 'volume');
    assert.deepEqual(ds.classes, ['background', 'organ']);
    assert.deepEqual(
      ds.volumes.map((v) => [v.name, v.train, v.test]),
      [
        ['img0001', 8, 0],
        ['img0002', 8, 0],
        ['img0003', 8, 0],
        ['img0004', 0, 8],
      ],
    );
    assert.ok(ds.test.every((s) => s.volume === 'img0004'));
    assert.ok(ds.train.every((s) => s.image.length === 144 && s.label.length === 144));
    // 6 voxels of 1 mm over 12 pixels.
    assert.deepEqual(ds.train[0].spacing, [0.5, 0.5]);
    // Label 7 is unmapped → background; 13 → organ: 2×2 voxels → 4×4 pixels per slice.
    assert.ok(ds.train.every((s) => s.label.reduce((a, b) => a + b, 0) === 16));
  });

  test('named test volumes', () => {
    const ds = loadNiftiFolderDataset({ ...common, testVolumes: ['img0001', 'img0002'] });
    assert.deepEqual([...new Set(ds.test.map((s) => s.volume))], ['img0001', 'img0002']);
    assert.equal(ds.train.length, 16);
  });

  test('split by slab within each volume', () => {
    // Depth 8, slabs of 1, every 4th: test 3 and 7; within 1 of them: 2, 4, 6; train 0, 1, 5.
    const ds = loadNiftiFolderDataset({
      ...common,
      splitBy: 'slab',
      slabSize: 1,
      testEvery: 4,
      gap: 1,
    });
    assert.deepEqual(
      ds.volumes.map((v) => [v.train, v.test, v.dropped]),
      [1, 2, 3, 4].map(() => [3, 2, 3]),
    );
    assert.deepEqual(
      ds.test.filter((s) => s.volume === 'img0001').map((s) => s.index),
      [3, 7],
    );
    assert.deepEqual(
      ds.train.filter((s) => s.volume === 'img0003').map((s) => s.index),
      [0, 1, 5],
    );
  });

  test('unmapped "error" rejects label 7 and names the file', () => {
    assert.throws(() => loadNiftiFolderDataset({ ...common, unmapped: 'error' }), {
      message: new RegExp(
        `^labels: ${join(labels, 'label0001.nii.gz')} holds label 7, ` +
          'which the label map does not list',
      ),
    });
  });

  test('without a map, labels must be class indices', () => {
    const { labelMap: _, ...noMap } = common;
    assert.throws(() => loadNiftiFolderDataset({ ...noMap, classes: ['bg', 'organ'] }), {
      message:
        `labels: ${join(labels, 'label0001.nii.gz')} holds label 7 at voxel 0, expected an ` +
        'integer in 0..1 (2 classes; give a label map to remap other values)',
    });
  });

  test('neither a map nor classes', () => {
    const { labelMap: _, ...noMap } = common;
    assert.throws(() => loadNiftiFolderDataset(noMap), {
      message:
        'loadNiftiFolderDataset: give labelMap, or classes (1 to 256 names) when the label files ' +
        'hold class indices; got neither',
    });
  });
});
