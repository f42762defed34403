import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { volumeSplit } from './volume-split.js';

describe('volumeSplit', () => {
  const names = ['img08', 'img01', 'img03', 'img02', 'img05', 'img04', 'img07', 'img06', 'img09'];
  test('every 4th volume in name order: img04 and img08', () => {
    assert.deepEqual(volumeSplit(names), {
      train: ['img01', 'img02', 'img03', 'img05', 'img06', 'img07', 'img09'],
      test: ['img04', 'img08'],
    });
  });
  test('testEvery 3: img03, img06, img09', () => {
    assert.deepEqual(volumeSplit(names, { testEvery: 3 }).test, ['img03', 'img06', 'img09']);
  });
  test('named test volumes override testEvery', () => {
    const split = volumeSplit(names, { testVolumes: ['img01', 'img09'], testEvery: 2 });
    assert.deepEqual(split.test, ['img01', 'img09']);
    assert.equal(split.train.length, 7);
  });
  test('an unknown test volume is named', () => {
    assert.throws(() => volumeSplit(['a', 'b'], { testVolumes: ['c'] }), {
      message: 'volumeSplit: testVolumes names "c", which is not among the volumes (a, b)',
    });
  });
  test('too few volumes for a test set', () => {
    assert.throws(() => volumeSplit(['a', 'b', 'c']), {
      message:
        'volumeSplit: splitting 3 volume(s) by volume left 3 for training and 0 for testing; ' +
        'both need at least one (use splitBy "slab" or change testEvery/testVolumes)',
    });
  });
});
