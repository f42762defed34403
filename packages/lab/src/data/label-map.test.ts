import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { brainDataDir } from './brain-dataset.js';
import {
  applyLabelMap,
  applyLabelRule,
  checkLabelRange,
  parseLabelMap,
  readLabelMap,
} from './label-map.js';
import type { LabelMap } from './label-map.js';
import { useTempDir } from './test-support/temp-dir.js';

const dir = useTempDir('labels');
const small: LabelMap = {
  classes: ['bg', 'a', 'b'],
  map: { '10': 1, '20': 2, '21': 2 },
  unmapped: 'background',
};

describe('applyLabelMap', () => {
  test('maps listed labels, 0 stays 0, unlisted become background', () => {
    const out = applyLabelMap([0, 10, 20, 21, 99, 10], 'f.nii', small);
    assert.deepEqual([...out], [0, 1, 2, 2, 0, 1]);
  });
  test('unmapped "error" names the file, the label and the listed labels', () => {
    assert.throws(() => applyLabelMap([0, 10, 99], 'f.nii', { ...small, unmapped: 'error' }), {
      name: 'DataError',
      message:
        'labels: f.nii holds label 99, which the label map does not list ' +
        '(unmapped: "error"; listed: 10, 20, 21)',
    });
  });
  test('a non-integer label is an error even when unmapped is background', () => {
    assert.throws(() => applyLabelMap([0, 10.5], 'f.nii', small), {
      message: 'labels: f.nii holds 10.5 at voxel 1, expected integers',
    });
  });
  test('an explicit entry for 0 overrides the implicit background', () => {
    const map: LabelMap = { classes: ['bg', 'a'], map: { '0': 1, '1': 0 }, unmapped: 'error' };
    assert.deepEqual([...applyLabelMap([0, 1], 'f.nii', map)], [1, 0]);
  });
});

describe('checkLabelRange (no label map)', () => {
  const rangeHint = '(3 classes; give a label map to remap other values)';
  test('passes class indices through', () => {
    assert.deepEqual([...checkLabelRange([0, 2, 1], 'f.nii', 3)], [0, 2, 1]);
  });
  const bad: { name: string; values: number[]; message: string }[] = [
    {
      name: 'too large',
      values: [0, 3],
      message: `labels: f.nii holds label 3 at voxel 1, expected an integer in 0..2 ${rangeHint}`,
    },
    {
      name: 'negative',
      values: [-1],
      message: `labels: f.nii holds label -1 at voxel 0, expected an integer in 0..2 ${rangeHint}`,
    },
    {
      name: 'fractional',
      values: [0.5],
      message: `labels: f.nii holds label 0.5 at voxel 0, expected an integer in 0..2 ${rangeHint}`,
    },
  ];
  for (const c of bad) {
    test(c.name, () =>
      assert.throws(() => checkLabelRange(c.values, 'f.nii', 3), { message: c.message }),
    );
  }
  test('applyLabelRule with classes uses the range check', () => {
    assert.throws(
      () => applyLabelRule([5], 'g.nii', { classes: ['a', 'b'] }),
      /g\.nii holds label 5/,
    );
  });
});

describe('parseLabelMap', () => {
  test('unmapped defaults to "error" and keys are normalised', () => {
    const parsed = parseLabelMap({ classes: ['bg', 'x'], map: { '007': 1 } }, 'm.json');
    assert.deepEqual(parsed, { classes: ['bg', 'x'], map: { '7': 1 }, unmapped: 'error' });
  });
  const bad: { name: string; value: unknown; message: string }[] = [
    {
      name: 'not an object',
      value: [],
      message: 'labelMap: m.json: expected an object with "classes" and "map"',
    },
    {
      name: 'empty classes',
      value: { classes: [], map: {} },
      message: 'labelMap: m.json: "classes" must be an array of 1 to 256 non-empty strings',
    },
    {
      name: 'duplicate class',
      value: { classes: ['a', 'a'], map: {} },
      message: 'labelMap: m.json: "classes" lists "a" twice',
    },
    {
      name: 'class index out of range',
      value: { classes: ['a', 'b'], map: { '3': 2 } },
      message: 'labelMap: m.json: "map"["3"] must be a class index in 0..1, got 2',
    },
    {
      name: 'key is not an integer',
      value: { classes: ['a', 'b'], map: { x: 1 } },
      message: 'labelMap: m.json: "map" key "x" is not an integer label',
    },
    {
      name: 'bad unmapped policy',
      value: { classes: ['a'], map: {}, unmapped: 'ignore' },
      message: 'labelMap: m.json: "unmapped" must be "background" or "error", got "ignore"',
    },
  ];
  for (const c of bad) {
    test(c.name, () =>
      assert.throws(() => parseLabelMap(c.value, 'm.json'), { message: c.message }),
    );
  }
  test('readLabelMap reports invalid JSON with the path', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "classes": ');
    assert.throws(
      () => readLabelMap(path),
      /^DataError: labelMap: .*broken\.json is not valid JSON/,
    );
  });
  test('readLabelMap reports a missing file', () => {
    assert.throws(() => readLabelMap(join(dir, 'none.json')), /none\.json does not exist$/);
  });
});

describe('the brain labels.json', () => {
  const map = readLabelMap(join(brainDataDir(), 'labels.json'));
  test('9 classes, background first, unmapped → background', () => {
    assert.deepEqual(map.classes, [
      'background',
      'frontal',
      'parietal',
      'temporal',
      'occipital',
      'cerebellum',
      'deep_grey',
      'thalamus',
      'hippocampus_amygdala',
    ]);
    assert.equal(map.unmapped, 'background');
  });
  // The grouping documented in data/brain/README.md, as AAL index ranges (aal.nii.txt).
  const groups: [string, number[]][] = [
    ['frontal', range(1, 28)],
    ['parietal', range(57, 70)],
    ['temporal', [55, 56, ...range(79, 90)]],
    ['occipital', range(43, 54)],
    ['cerebellum', range(91, 116)],
    ['deep_grey', range(71, 76)],
    ['thalamus', [77, 78]],
    ['hippocampus_amygdala', [37, 38, 41, 42]],
  ];
  for (const [name, labels] of groups) {
    test(`${name} = AAL ${labels.join(',')}`, () => {
      const listed = Object.entries(map.map)
        .filter(([, c]) => map.classes[c] === name)
        .map(([k]) => Number(k))
        .sort((a, b) => a - b);
      assert.deepEqual(listed, labels);
    });
  }
  test('insula, cingulum and parahippocampal (29–36, 39, 40) are not listed', () => {
    const unlisted = range(1, 116).filter((k) => !(String(k) in map.map));
    assert.deepEqual(unlisted, [...range(29, 36), 39, 40]);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
