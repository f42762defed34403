import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createLoss, listLosses } from '../../index.js';
import { testBackends, tf, useBackend } from '../../test-support/backends.js';
import { describeLossProperties, seededRandom } from '../../test-support/loss-properties.js';

describeLossProperties('topk', { perfectValue: 0 });
describeLossProperties('topk', { options: { k: 30, countIgnored: false }, perfectValue: 0 });
describeLossProperties('topk', {
  options: { activation: 'sigmoid', k: 25 },
  channels: 1,
  perfectValue: 0,
});

/** One image of `n` pixels, two classes, true class 1 with logit margins `margins`. */
function marginCase(margins: readonly number[], labels?: readonly number[]) {
  const n = margins.length;
  return {
    yTrue: tf.tensor3d([...(labels ?? new Array<number>(n).fill(1))], [1, 1, n], 'int32'),
    yPred: tf.tensor4d(
      margins.flatMap((m) => [0, m]),
      [1, 1, n, 2],
    ),
  };
}

/** CE of a pixel whose true-class logit exceeds the other by m: log(1 + e^(−m)). */
const ceOf = (m: number): number => Math.log1p(Math.exp(-m));

for (const backend of testBackends) {
  describe(`topk on ${backend}`, () => {
    before(() => useBackend(backend));

    test('hand-computed: mean CE of the 3 hardest of 10 pixels (k = 30)', () => {
      // K = ⌊30 · 10 / 100⌋ = 3; the smallest margins −2, −1, 0 have the largest CE.
      const margins = [3, -1, 2, 0, 5, 1, -2, 4, 6, 2.5];
      const { yTrue, yPred } = marginCase(margins);
      const value = tf.tidy(() => createLoss('topk', { k: 30 })(yTrue, yPred).dataSync()[0]);
      const expected = (ceOf(-2) + ceOf(-1) + ceOf(0)) / 3;
      assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
      tf.dispose([yTrue, yPred]);
    });

    test('countIgnored: K from all pixels (nnU-Net) or from the non-ignored ones', () => {
      // 10 pixels, 4 of them ignored (CE 0), k = 50.
      // countIgnored: K = 5 → the 5 largest of the 6 valid CEs (margins 0, 1, 2, 3, 4).
      // otherwise: K = ⌊0.5 · 6⌋ = 3 → margins 0, 1, 2.
      const margins = [0, 1, 2, 3, 4, 5, 9, 9, 9, 9];
      const labels = [1, 1, 1, 1, 1, 1, 255, 255, 255, 255];
      const { yTrue, yPred } = marginCase(margins, labels);
      const all = tf.tidy(() => createLoss('topk', { k: 50 })(yTrue, yPred).dataSync()[0]);
      const valid = tf.tidy(
        () => createLoss('topk', { k: 50, countIgnored: false })(yTrue, yPred).dataSync()[0],
      );
      const expectAll = [0, 1, 2, 3, 4].map(ceOf).reduce((a, b) => a + b) / 5;
      const expectValid = [0, 1, 2].map(ceOf).reduce((a, b) => a + b) / 3;
      assert.ok(Math.abs(all - expectAll) < 1e-6, `${all} vs ${expectAll}`);
      assert.ok(Math.abs(valid - expectValid) < 1e-6, `${valid} vs ${expectValid}`);
      tf.dispose([yTrue, yPred]);
    });

    test('k = 100 over the non-ignored pixels equals cross-entropy, value and gradient', () => {
      const random = seededRandom(31);
      const labels = Int32Array.from({ length: 72 }, () =>
        random() < 0.15 ? 255 : Math.floor(random() * 3),
      );
      const yTrue = tf.tensor3d(labels, [2, 6, 6], 'int32');
      const yPred = tf.tensor4d(
        Float32Array.from({ length: 216 }, () => random() * 6 - 3),
        [2, 6, 6, 3],
      );
      const topkLoss = createLoss('topk', { k: 100, countIgnored: false });
      const ce = createLoss('cross-entropy');
      const a = tf.valueAndGrad((p: tf.Tensor) => topkLoss(yTrue, p) as tf.Scalar)(yPred);
      const b = tf.valueAndGrad((p: tf.Tensor) => ce(yTrue, p) as tf.Scalar)(yPred);
      assert.ok(Math.abs(a.value.dataSync()[0] - b.value.dataSync()[0]) < 1e-6);
      const ga = a.grad.dataSync();
      const gb = b.grad.dataSync();
      for (let i = 0; i < ga.length; i++) assert.ok(Math.abs(ga[i] - gb[i]) < 1e-7, `entry ${i}`);
      tf.dispose([yTrue, yPred, a.value, a.grad, b.value, b.grad]);
    });

    test('ties at the K-th value share the selection: equal pixels get equal gradients', () => {
      // 8 identical pixels, K = ⌊25 · 8 / 100⌋ = 2: value = the common CE, and every pixel
      // carries 2/8 of the gradient of one selected pixel.
      const { yTrue, yPred } = marginCase(new Array<number>(8).fill(0.5));
      const loss = createLoss('topk', { k: 25 });
      const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => loss(yTrue, p) as tf.Scalar)(yPred);
      assert.ok(Math.abs(value.dataSync()[0] - ceOf(0.5)) < 1e-6);
      // d CE / d x_1 = −(1 − p_1) = −σ(−0.5), shared: (2/8) · (1/2) per pixel.
      const expected = (-1 / (1 + Math.exp(0.5))) * (2 / 8) * (1 / 2);
      const g = grad.dataSync();
      for (let i = 1; i < g.length; i += 2) assert.ok(Math.abs(g[i] - expected) < 1e-7, `${g[i]}`);
      tf.dispose([yTrue, yPred, value, grad]);
    });

    test('saturated pixels are ranked by their exact CE, not ties at 0', () => {
      // Margins 20, 22, 24, 26: CE = e^(−m) ≈ 2e-9 … 5e-12, below the float32 resolution of
      // log-softmax. K = 1 must pick margin 20, whose gradient is −e^(−20) on its true logit.
      const { yTrue, yPred } = marginCase([26, 20, 24, 22]);
      const loss = createLoss('topk', { k: 25 });
      const grad = tf.tidy(() =>
        tf
          .grad((p: tf.Tensor) => loss(yTrue, p) as tf.Scalar)(yPred)
          .dataSync(),
      );
      const expected = -1 / (1 + Math.exp(20));
      assert.ok(Math.abs(grad[3] - expected) < 1e-3 * Math.abs(expected), `${grad}`);
      assert.ok(
        [1, 5, 7].every((i) => grad[i] === 0),
        `${grad}`,
      );
      tf.dispose([yTrue, yPred]);
    });

    test('K is at least one pixel', () => {
      const { yTrue, yPred } = marginCase([1]);
      const value = tf.tidy(() => createLoss('topk', { k: 10 })(yTrue, yPred).dataSync()[0]);
      assert.ok(Math.abs(value - ceOf(1)) < 1e-6);
      tf.dispose([yTrue, yPred]);
    });

    test('reduction none keeps the CE of the selected pixels only', () => {
      const { yTrue, yPred } = marginCase([3, -1, 2, 0]);
      const out = tf.tidy(() =>
        Array.from(createLoss('topk', { k: 50, reduction: 'none' })(yTrue, yPred).dataSync()),
      );
      assert.deepEqual(
        out.map((v) => v > 0),
        [false, true, false, true],
      );
      assert.ok(Math.abs(out[1] - ceOf(-1)) < 1e-6);
      tf.dispose([yTrue, yPred]);
    });
  });
}

test('every loss rejects an empty prediction, naming yPred and its shape', () => {
  for (const { name } of listLosses()) {
    const loss = createLoss(name);
    tf.tidy(() => {
      const yTrue = tf.zeros([0, 4, 4], 'int32') as tf.Tensor3D;
      const yPred = tf.zeros([0, 4, 4, 3]) as tf.Tensor4D;
      assert.throws(
        () => loss(yTrue, yPred),
        /yPred.*at least one pixel and one class.*\[0,4,4,3\]/,
        name,
      );
    });
  }
});
