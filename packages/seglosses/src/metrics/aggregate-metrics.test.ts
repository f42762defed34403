import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SeglossesError } from '../core/errors.js';
import { aggregateMetrics } from './aggregate-metrics.js';
import { evaluateCase } from './evaluate-case.js';

function close(actual: number, expected: number, what: string): void {
  const ok = Number.isNaN(expected) ? Number.isNaN(actual) : Math.abs(actual - expected) < 1e-12;
  assert.ok(ok, `${what}: ${actual} vs ${expected}`);
}

// Case A: the slice of evaluate-case.test.ts (class 1 Dice 8/9, HD95 1.2, ASSD 0.2; class 2
// predEmpty; class 3 targetEmpty; diagonal √116). Case B: a 2×2 slice where class 1 is perfect
// and classes 2, 3 are absent from both.
// prettier-ignore
const caseA = {
  target: [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 255, 0, 0, 0, 0, 2],
  pred: [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 2, 3, 0, 0, 0, 0],
  shape: [4, 5],
  spacing: [1, 2],
};
const caseB = { target: [1, 1, 0, 0], pred: [1, 1, 0, 0], shape: [2, 2], spacing: [1, 2] };
const diagonal = Math.sqrt(116);

function evaluate(emptyPolicy: 'excludeBothEmpty' | 'brats') {
  return [caseA, caseB].map((c) =>
    evaluateCase(c.pred, c.target, c.shape, {
      numClasses: 4,
      spacing: c.spacing,
      includeBackground: false,
      emptyPolicy,
    }),
  );
}

test('aggregateMetrics: per-class means over cases skip NaN, then means over classes', () => {
  const s = aggregateMetrics(evaluate('excludeBothEmpty'));
  assert.equal(s.caseCount, 2);
  assert.equal(s.policy.name, 'excludeBothEmpty');
  assert.deepEqual(
    s.classes.map((c) => c.classId),
    [1, 2, 3],
  );
  // class 1: Dice (8/9 + 1)/2, HD95 (1.2 + 0)/2, ASSD (0.2 + 0)/2.
  // classes 2, 3: case A gives 0 / √116 (one side empty), case B NaN (both empty, excluded).
  close(s.classes[0].dice, (8 / 9 + 1) / 2, 'dice 1');
  close(s.classes[0].hd95, 0.6, 'hd95 1');
  close(s.classes[0].assd, 0.1, 'assd 1');
  close(s.classes[1].dice, 0, 'dice 2');
  close(s.classes[1].hd95, diagonal, 'hd95 2');
  close(s.classes[2].hd95, diagonal, 'hd95 3');
  close(s.meanDice, (8 / 9 + 1) / 2 / 3, 'meanDice');
  close(s.meanHd95, (0.6 + 2 * diagonal) / 3, 'meanHd95');
  assert.deepEqual(s.classes[1].presence, {
    bothPresent: 0,
    bothEmpty: 1,
    targetEmpty: 0,
    predEmpty: 1,
  });
  // Summed confusion matrix: class 1 TP 4 + 2, |T| 6, |P| 7 → IoU 6/7; class 2 |T| 1, |P| 0
  // and class 3 |T| 0, |P| 1 → 0 (one side empty). mIoU = (6/7 + 0 + 0)/3.
  close(s.classes[0].iou, 6 / 7, 'iou 1');
  close(s.meanIoU, 6 / 7 / 3, 'mIoU');
});

test('aggregateMetrics: brats counts both-empty as perfect', () => {
  const s = aggregateMetrics(evaluate('brats'));
  assert.equal(s.policy.name, 'brats');
  close(s.classes[1].dice, 0.5, 'dice 2: (0 + 1)/2');
  close(s.classes[1].hd95, diagonal / 2, 'hd95 2: (√116 + 0)/2');
});

test('aggregateMetrics: cases evaluated differently are refused', () => {
  const [a] = evaluate('excludeBothEmpty');
  const [b] = evaluate('brats');
  assert.throws(
    () => aggregateMetrics([a, b]),
    (e: unknown) =>
      e instanceof SeglossesError &&
      /^aggregateMetrics: cases\[1\] must be evaluated like cases\[0\]/.test(e.message),
  );
  assert.throws(() => aggregateMetrics([]), /aggregateMetrics: cases must be a non-empty array/);
});
