import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { confusionMatrix } from './confusion-matrix.js';
import type { EmptyMaskPolicyName } from './empty-policy.js';
import { diceFromConfusion, diceScores, iouFromConfusion, meanIoU } from './overlap.js';

function assertScores(actual: Float64Array, expected: number[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Number.isNaN(expected[i])
      ? Number.isNaN(actual[i])
      : Math.abs(actual[i] - expected[i]) < 1e-12;
    assert.ok(ok, `class ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

// target: 0 0 0 1 1 1 2 2, pred: 0 0 1 1 1 2 2 0 (4 classes; class 3 absent from both).
// class 0: TP 2, |T| 3, |P| 3 → Dice 4/6, IoU 2/4
// class 1: TP 2, |T| 3, |P| 3 → Dice 4/6, IoU 2/4
// class 2: TP 1, |T| 2, |P| 2 → Dice 2/4, IoU 1/3
const pred = [0, 0, 1, 1, 1, 2, 2, 0];
const target = [0, 0, 0, 1, 1, 1, 2, 2];

test('Dice and IoU per class, hand-computed; an absent class is excluded by default', () => {
  const cm = confusionMatrix(pred, target, 4);
  assertScores(diceFromConfusion(cm), [4 / 6, 4 / 6, 2 / 4, NaN]);
  assertScores(iouFromConfusion(cm), [2 / 4, 2 / 4, 1 / 3, NaN]);
  assertScores(diceScores(pred, target, 4), [4 / 6, 4 / 6, 2 / 4, NaN]);
  // mIoU skips the excluded class: (1/2 + 1/2 + 1/3) / 3; without background: (1/2 + 1/3) / 2.
  assert.ok(Math.abs(meanIoU(cm) - (1 / 2 + 1 / 2 + 1 / 3) / 3) < 1e-12);
  assert.ok(Math.abs(meanIoU(cm, { includeBackground: false }) - (1 / 2 + 1 / 3) / 2) < 1e-12);
});

test('Dice = 2·IoU / (1 + IoU) for every present class', () => {
  const cm = confusionMatrix(pred, target, 3);
  const dice = diceFromConfusion(cm);
  const iou = iouFromConfusion(cm);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(dice[c] - (2 * iou[c]) / (1 + iou[c])) < 1e-12);
});

describe('each empty case under each preset', () => {
  // 4 elements, 4 classes: class 0 in both (Dice 1), class 1 only in the prediction
  // (targetEmpty), class 2 only in the target (predEmpty), class 3 in neither (bothEmpty).
  const p = [0, 0, 1, 0];
  const t = [0, 0, 0, 2];
  // class 0: TP 2, |T| 3, |P| 3 → Dice 4/6, IoU 2/4.
  const expected: Record<EmptyMaskPolicyName, { dice: number[]; iou: number[] }> = {
    excludeBothEmpty: { dice: [4 / 6, 0, 0, NaN], iou: [0.5, 0, 0, NaN] },
    exclude: { dice: [4 / 6, NaN, NaN, NaN], iou: [0.5, NaN, NaN, NaN] },
    transunet: { dice: [4 / 6, 1, 0, 0], iou: [0.5, 1, 0, 0] },
    brats: { dice: [4 / 6, 0, 0, 1], iou: [0.5, 0, 0, 1] },
  };
  for (const [name, values] of Object.entries(expected)) {
    test(name, () => {
      const cm = confusionMatrix(p, t, 4);
      const emptyPolicy = name as EmptyMaskPolicyName;
      assertScores(diceFromConfusion(cm, { emptyPolicy }), values.dice);
      assertScores(iouFromConfusion(cm, { emptyPolicy }), values.iou);
    });
  }
});

test('ignored elements leave both Dice terms (ignoreIndex 255 by default)', () => {
  assertScores(diceScores([1, 1, 0], [1, 255, 0], 2), [1, 1]);
  // The same element as true background: class 0 TP 1, |T| 2, |P| 1; class 1 TP 1, |T| 1, |P| 2.
  assertScores(diceScores([1, 1, 0], [1, 0, 0], 2), [2 / 3, 2 / 3]);
});
