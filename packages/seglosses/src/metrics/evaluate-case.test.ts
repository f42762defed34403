import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { SeglossesError } from '../core/errors.js';
import { evaluateCase } from './evaluate-case.js';

function close(actual: number, expected: number, what: string): void {
  const ok = Number.isNaN(expected) ? Number.isNaN(actual) : Math.abs(actual - expected) < 1e-12;
  assert.ok(ok, `${what}: ${actual} vs ${expected}`);
}

// A 4×5 slice with spacing [1, 2] mm (rows 1 mm apart, columns 2 mm):
// prettier-ignore
const target = [
  0, 0, 0, 0, 0,
  0, 1, 1, 0, 0,
  0, 1, 1, 0, 255,
  0, 0, 0, 0, 2,
];
// prettier-ignore
const pred = [
  0, 0, 0, 0, 0,
  0, 1, 1, 1, 0,
  0, 1, 1, 0, 2,
  3, 0, 0, 0, 0,
];
// class 1 (both present): |T| 4, |P| 5, TP 4 → Dice 8/9, IoU 4/5. All nine elements are surface;
//   only (1,3) is off the target surface, one column (2 mm) away. D = [0×8, 2]:
//   HD95 = h 7.6 → 0 + 0.6·2 = 1.2 mm; ASSD = (2/5 + 0)/2 = 0.2 mm.
// class 2: the prediction's only 2 sits on an ignored element → predEmpty.
// class 3: predicted at (3,0), never in the target → targetEmpty.
// Field-of-view diagonal: √((4·1)² + (5·2)²) = √116 mm.
const shape = [4, 5];
const spacing = [1, 2];
const diagonal = Math.sqrt(116);

describe('evaluateCase: a hand-computed slice', () => {
  test('default policy (excludeBothEmpty), background left out', () => {
    const m = evaluateCase(pred, target, shape, {
      numClasses: 4,
      spacing,
      includeBackground: false,
    });
    assert.deepEqual(m.classes, [1, 2, 3]);
    assert.deepEqual(m.presence, ['bothPresent', 'predEmpty', 'targetEmpty']);
    [8 / 9, 0, 0].forEach((v, k) => close(m.dice[k], v, `dice ${k}`));
    [4 / 5, 0, 0].forEach((v, k) => close(m.iou[k], v, `iou ${k}`));
    [1.2, diagonal, diagonal].forEach((v, k) => close(m.hd95[k], v, `hd95 ${k}`));
    [0.2, diagonal, diagonal].forEach((v, k) => close(m.assd[k], v, `assd ${k}`));
    assert.equal(m.policy.name, 'excludeBothEmpty');
    // Rows = target 0..3, columns = prediction; the ignored element is not counted.
    // prettier-ignore
    assert.deepEqual([...m.confusion.counts], [
      12, 1, 0, 1,
      0, 4, 0, 0,
      1, 0, 0, 0,
      0, 0, 0, 0,
    ]);
  });

  test('transunet: prediction without target → Dice 1, HD95 0; empty prediction → 0, 0', () => {
    const m = evaluateCase(pred, target, shape, {
      numClasses: 4,
      spacing,
      includeBackground: false,
      emptyPolicy: 'transunet',
    });
    [8 / 9, 0, 1].forEach((v, k) => close(m.dice[k], v, `dice ${k}`));
    [1.2, 0, 0].forEach((v, k) => close(m.hd95[k], v, `hd95 ${k}`));
  });

  test('exclude policy: every empty case is NaN', () => {
    const m = evaluateCase(pred, target, shape, {
      numClasses: 4,
      spacing,
      includeBackground: false,
      emptyPolicy: 'exclude',
    });
    [8 / 9, NaN, NaN].forEach((v, k) => close(m.dice[k], v, `dice ${k}`));
    [1.2, NaN, NaN].forEach((v, k) => close(m.hd95[k], v, `hd95 ${k}`));
  });

  test('percentile 100 gives the Hausdorff distance; pooled ASSD', () => {
    const m = evaluateCase(pred, target, shape, {
      numClasses: 4,
      spacing,
      includeBackground: false,
      percentile: 100,
      assdAverage: 'pooled',
    });
    close(m.hd95[0], 2, 'HD');
    close(m.assd[0], 2 / 9, 'ASSD pooled');
  });

  test('background included; surface metrics switched off', () => {
    const m = evaluateCase(pred, target, shape, {
      numClasses: 4,
      spacing,
      surfaceMetrics: false,
    });
    assert.deepEqual(m.classes, [0, 1, 2, 3]);
    // class 0: |T| 14, |P| 13 (the ignored element leaves both), TP 12 → Dice 24/27.
    close(m.dice[0], 24 / 27, 'dice 0');
    assert.ok(m.hd95.every(Number.isNaN) && m.assd.every(Number.isNaN));
  });

  test('3-D volume: one class, shifted by one slice of 3 mm', () => {
    // 3×3×3 volume: target at slice 0, prediction at slice 1, centre voxel each; spacing 3 mm
    // between slices → HD95 = ASSD = 3, Dice 0 (no overlap, both present).
    const t = new Array<number>(27).fill(0);
    const p = new Array<number>(27).fill(0);
    t[4] = 1;
    p[13] = 1;
    const m = evaluateCase(p, t, [3, 3, 3], {
      numClasses: 2,
      spacing: [3, 1, 1],
      includeBackground: false,
    });
    close(m.dice[0], 0, 'dice');
    close(m.hd95[0], 3, 'hd95');
    close(m.assd[0], 3, 'assd');
  });

  test('bad options', () => {
    assert.throws(
      () => evaluateCase(pred, target, shape, { numClasses: 4, emptypolicy: 'brats' } as never),
      (e: unknown) =>
        e instanceof SeglossesError &&
        /^evaluateCase: unknown option "emptypolicy" \(did you mean "emptyPolicy"\?\)/.test(
          e.message,
        ),
    );
    assert.throws(
      () => evaluateCase(pred, target, [4, 4], { numClasses: 4 }),
      /evaluateCase: the array length must be 16/,
    );
  });
});
