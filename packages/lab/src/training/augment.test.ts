import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createRandom } from '../util/random.js';
import { augmentationIndex, permutePixels, randomAugmentation } from './augment.js';

test('augment: one quarter turn of a 2×2 image, by hand', () => {
  // [a b; c d] turned a quarter: output (y, x) reads source (size−1−x, y) → [c a; d b].
  const index = augmentationIndex(2, 1, false, false);
  const out = new Uint8Array(4);
  permutePixels(Uint8Array.from([1, 2, 3, 4]), index, 1, out);
  assert.deepEqual(Array.from(out), [3, 1, 4, 2]);
});

test('augment: flips by hand, and four quarter turns are the identity', () => {
  const out = new Uint8Array(4);
  permutePixels(Uint8Array.from([1, 2, 3, 4]), augmentationIndex(2, 0, false, true), 1, out);
  assert.deepEqual(Array.from(out), [2, 1, 4, 3]);
  permutePixels(Uint8Array.from([1, 2, 3, 4]), augmentationIndex(2, 0, true, false), 1, out);
  assert.deepEqual(Array.from(out), [3, 4, 1, 2]);
  const turn = augmentationIndex(5, 1, false, false);
  let values = Uint8Array.from({ length: 25 }, (_, i) => i);
  for (let r = 0; r < 4; r++) {
    const next = new Uint8Array(25);
    permutePixels(values, turn, 1, next);
    values = next;
  }
  assert.deepEqual(
    Array.from(values),
    Array.from({ length: 25 }, (_, i) => i),
  );
});

test('augment: every random draw is a permutation applied alike to all channels', () => {
  const random = createRandom(3);
  for (let trial = 0; trial < 20; trial++) {
    const index = randomAugmentation(6, random);
    assert.equal(new Set(index).size, 36);
    const image = Float32Array.from({ length: 36 }, (_, i) => i);
    const twoChannel = Float32Array.from({ length: 72 }, (_, i) => Math.floor(i / 2));
    const outImage = new Float32Array(36);
    const outMap = new Float32Array(72);
    permutePixels(image, index, 1, outImage);
    permutePixels(twoChannel, index, 2, outMap);
    for (let i = 0; i < 36; i++) {
      assert.equal(outMap[2 * i], outImage[i]);
      assert.equal(outMap[2 * i + 1], outImage[i]);
    }
  }
});
