import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateCase } from 'seglosses';

import { perVolumeDice } from './evaluate-model.js';

test('per-volume Dice pools the cases of a volume, then averages volumes', () => {
  const options = { numClasses: 2, includeBackground: false } as const;
  // Volume a, case 1: target class 1 on 4 pixels, prediction on 2 of them.
  const case1 = evaluateCase([1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0], [1, 2, 3], options);
  // Volume a, case 2: class 1 absent from the target, predicted on 1 pixel.
  const case2 = evaluateCase([1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [1, 2, 3], options);
  // Volume b: a perfect case.
  const case3 = evaluateCase([1, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0], [1, 2, 3], options);
  // Per case the first two score 2·2/(2+4) and 0 (target empty, prediction not).
  assert.ok(Math.abs(case1.dice[0] - 2 / 3) < 1e-12);
  assert.equal(case2.dice[0], 0);
  // Pooled over volume a: TP 2, |P| 3, |T| 4 → 4/7; volume b: 1; mean (4/7 + 1)/2.
  const dice = perVolumeDice([case1, case2, case3], ['a', 'a', 'b'], 2, 'excludeBothEmpty');
  assert.ok(Math.abs(dice[1] - (4 / 7 + 1) / 2) < 1e-12, `${dice[1]}`);
});
