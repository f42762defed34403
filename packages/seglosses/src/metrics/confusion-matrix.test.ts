import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { SeglossesError } from '../core/errors.js';
import { classCounts, confusionMatrix, sumConfusionMatrices } from './confusion-matrix.js';

test('confusionMatrix: rows = target, columns = prediction, hand-counted', () => {
  // target: 0 0 1 1 2 2, pred: 0 1 1 1 0 2 → (0,0) (0,1) (1,1) (1,1) (2,0) (2,2)
  const cm = confusionMatrix([0, 1, 1, 1, 0, 2], [0, 0, 1, 1, 2, 2], 3);
  assert.equal(cm.numClasses, 3);
  assert.deepEqual([...cm.counts], [1, 1, 0, 0, 2, 0, 1, 0, 1]);
  const { truePositive, targetCount, predCount } = classCounts(cm);
  assert.deepEqual([...truePositive], [1, 2, 1]);
  assert.deepEqual([...targetCount], [2, 2, 2]);
  assert.deepEqual([...predCount], [2, 3, 1]);
});

test('confusionMatrix: ignoreIndex (default 255) drops the element whatever the prediction', () => {
  // The ignored elements' predictions (7, 255) are out of range but never looked at.
  const cm = confusionMatrix([1, 7, 255, 0], [1, 255, 255, 0], 2);
  assert.deepEqual([...cm.counts], [1, 0, 0, 1]);
  const custom = confusionMatrix([1, 1, 0], [1, 0, 0], 2, { ignoreIndex: 0 });
  assert.deepEqual([...custom.counts], [0, 0, 0, 1]);
});

test('confusionMatrix: works on typed arrays of any shape (a flattened 2×2×2 volume)', () => {
  const pred = new Int32Array([0, 1, 1, 0, 0, 0, 1, 1]);
  const target = new Uint8Array([0, 1, 0, 0, 0, 1, 1, 1]);
  // (t, p) pairs: (0,0) (1,1) (0,1) (0,0) (0,0) (1,0) (1,1) (1,1)
  assert.deepEqual([...confusionMatrix(pred, target, 2).counts], [3, 1, 1, 3]);
});

test('sumConfusionMatrices adds counts', () => {
  const a = confusionMatrix([0, 1], [0, 1], 2);
  const b = confusionMatrix([1, 1], [0, 1], 2);
  assert.deepEqual([...sumConfusionMatrices([a, b]).counts], [1, 1, 0, 2]);
});

describe('confusionMatrix: bad input', () => {
  const cases: { name: string; run: () => unknown; message: RegExp }[] = [
    {
      name: 'target label out of range',
      run: () => confusionMatrix([0, 1], [0, 3], 2),
      message:
        /^confusionMatrix: target\[1\] must be an integer in \[0, 2\) or 255 \(ignored\), got 3$/,
    },
    {
      name: 'prediction not an integer',
      run: () => confusionMatrix([0, 0.5], [0, 1], 2),
      message: /^confusionMatrix: pred\[1\] must be an integer in \[0, 2\), got 0\.5$/,
    },
    {
      name: 'negative prediction',
      run: () => confusionMatrix([-1], [0], 2, { ignoreIndex: null }),
      message: /^confusionMatrix: pred\[0\] must be an integer in \[0, 2\), got -1$/,
    },
    {
      name: 'length mismatch',
      run: () => confusionMatrix([0], [0, 1], 2),
      message: /^confusionMatrix: pred length must be equal to the target length 2, got 1$/,
    },
    {
      name: 'numClasses 0',
      run: () => confusionMatrix([0], [0], 0),
      message: /^confusionMatrix: numClasses must be a positive integer, got 0$/,
    },
    {
      name: 'matrices of different sizes',
      run: () => sumConfusionMatrices([confusionMatrix([0], [0], 2), confusionMatrix([0], [0], 3)]),
      message: /^sumConfusionMatrices: matrices\[1\] must be a 2×2 matrix like matrices\[0\]/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        c.run,
        (e: unknown) => e instanceof SeglossesError && c.message.test(e.message),
      );
    });
  }
});
