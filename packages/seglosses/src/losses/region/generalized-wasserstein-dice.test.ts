import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeOnBackends, evaluateLoss, fixedLogits } from '../../test-support/hand-cases.js';
import type { Shape4 } from '../../test-support/hand-cases.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';
import { relativeMaxError } from '../../test-support/tolerances.js';

const tree = [
  [0, 1, 1],
  [1, 0, 0.5],
  [1, 0.5, 0],
];

describeLossProperties('generalized-wasserstein-dice', { perfectValue: 0 });
describeLossProperties('generalized-wasserstein-dice', {
  options: { weighting: 'GDL' },
  perfectValue: 0,
});
describeLossProperties('generalized-wasserstein-dice', {
  options: { distanceMatrix: tree },
  perfectValue: 0,
});

const name = 'generalized-wasserstein-dice';
// One image, pixels (0,0) of class 1 and (0,1) of class 0, three classes:
// y_1 = [0.2, 0.7, 0.1], y_2 = [0.6, 0.1, 0.3].
const labels = [1, 0];
const probs = [0.2, 0.7, 0.1, 0.6, 0.1, 0.3];
const shape: Shape4 = [1, 1, 2, 3];
const none = { activation: 'none', distanceMatrix: tree };

describeOnBackends('generalized-wasserstein-dice: hand-computed cases and properties', () => {
  test("weighting 'default' with the tree matrix", () => {
    // W_1 = M[1]·y_1 = 0.2 + 0.5·0.1 = 0.25;  W_2 = M[0]·y_2 = 0.1 + 0.3 = 0.4.
    // α = M[:,0] = [0, 1, 1]: TP = 1·(1 − 0.25) = 0.75;  Σ W = 0.65.
    // L = 1 − 2TP/(2TP + Σ W) = 0.65/2.15
    const { value } = evaluateLoss(name, none, labels, probs, shape);
    assert.ok(Math.abs(value - 0.65 / 2.15) < 1e-6, `${value}`);
  });

  test("weighting 'GDL' with the tree matrix", () => {
    // Volumes [1, 1, 0] → α = [1/2, 1/2, 1]. TP = ½(1 − 0.25) + ½(1 − 0.4) = 0.675;
    // Σ α W = ½·0.25 + ½·0.4 = 0.325 → L = 0.325/(1.35 + 0.325)
    const { value } = evaluateLoss(name, { ...none, weighting: 'GDL' }, labels, probs, shape);
    assert.ok(Math.abs(value - 0.325 / 1.675) < 1e-6, `${value}`);
  });

  test("'default' takes α_l = M_{l,0}, the distance to the background (Fidon et al.)", () => {
    // M = [[0, .5, 1], [.5, 0, 1], [1, 1, 0]]: α = [0, 0.5, 1].
    // W_1 = 0.5·0.2 + 1·0.1 = 0.2 → TP = 0.5·(0.5 − 0.2) = 0.15; W_2 = 0.05 + 0.3 = 0.35.
    // L = Σ W/(2TP + Σ W) = 0.55/0.85
    const distanceMatrix = [
      [0, 0.5, 1],
      [0.5, 0, 1],
      [1, 1, 0],
    ];
    const options = { activation: 'none', distanceMatrix };
    const { value } = evaluateLoss(name, options, labels, probs, shape);
    assert.ok(Math.abs(value - 0.55 / 0.85) < 1e-6, `${value}`);
  });

  test('the matrix is scaled to a maximum of 1', () => {
    const doubled = tree.map((row) => row.map((v) => 2 * v));
    const a = evaluateLoss(name, none, labels, probs, shape).value;
    const b = evaluateLoss(name, { ...none, distanceMatrix: doubled }, labels, probs, shape).value;
    assert.ok(Math.abs(a - b) < 1e-7);
  });

  test("M = 1 − I with 'default' weighting is a Dice over the foreground pixels", () => {
    // W_i = 1 − y_{i,t_i}; TP = Σ_{fg} y_{i,t_i}; Σ W = Σ_i (1 − y_{i,t_i}):
    // L = Σ W/(2TP + Σ W), computed here from the logits' softmax in float64.
    const s4: Shape4 = [1, 2, 3, 3];
    const logits = fixedLogits(s4, 51);
    const l = [0, 1, 2, 2, 1, 0];
    let tp = 0;
    let error = 0;
    l.forEach((t, i) => {
      const z = logits.slice(3 * i, 3 * i + 3).map(Math.exp);
      const p = z[t] / (z[0] + z[1] + z[2]);
      if (t > 0) tp += p;
      error += 1 - p;
    });
    const { value } = evaluateLoss(name, {}, l, logits, s4);
    const expected = error / (2 * tp + error);
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
  });

  test('an image without foreground scores ≈ 1 with an exact, tiny gradient', () => {
    // 'default': α_0 = 0 so TP = 0 and L = ΣW/(ΣW + s) with s = 2^-52; dL/dΣW = s/(ΣW + s)².
    // One image, 2 background pixels with y = [0.5, 0.25, 0.25]: ΣW = 1, dL/dy_{i,c} = s·M[0][c].
    const y = [0.5, 0.25, 0.25, 0.5, 0.25, 0.25];
    const options = { activation: 'none' };
    const { value, grad } = evaluateLoss(name, options, [0, 0], y, [1, 1, 2, 3]);
    assert.ok(Math.abs(value - 1) < 1e-7);
    const s = Number.EPSILON;
    const expected = [0, s, s, 0, s, s];
    assert.ok(relativeMaxError(grad, expected) < 1e-5, `${Array.from(grad)}`);
  });

  test('ignored pixels contribute nothing', () => {
    const withIgnored = evaluateLoss(
      name,
      none,
      [1, 0, 255],
      [...probs, 0.1, 0.1, 0.8],
      [1, 1, 3, 3],
    );
    const without = evaluateLoss(name, none, labels, probs, shape);
    assert.ok(Math.abs(withIgnored.value - without.value) < 1e-7);
    assert.deepEqual(Array.from(withIgnored.grad.slice(6)), [0, 0, 0]);
  });

  test('bad distance matrices are rejected with the documented message', () => {
    const run = (options: Record<string, unknown>): unknown =>
      evaluateLoss(name, options, labels, probs, shape);
    assert.throws(
      () =>
        run({
          distanceMatrix: [
            [0, 1],
            [1, 0],
          ],
        }),
      /option distanceMatrix must be 3 × 3 for yPred with 3 classes, got 2 × 2/,
    );
    const diagonal = tree.map((row, i) => row.map((v, j) => (i === j ? 0.1 : v)));
    assert.throws(() => run({ distanceMatrix: diagonal }), /must be zero on the diagonal/);
    const negative = tree.map((row) => row.map((v) => -v));
    assert.throws(() => run({ distanceMatrix: negative }), /must be non-negative/);
    assert.throws(
      () => evaluateLoss(name, { activation: 'none' }, [0], [1], [1, 1, 1, 1]),
      /yPred must be at least 2 channels/,
    );
  });
});
