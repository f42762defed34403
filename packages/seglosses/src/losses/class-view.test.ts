import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { testBackends, tf, useBackend } from '../test-support/backends.js';
import { exclusiveClassView } from './class-view.js';
import { PreparedInput } from './prepare.js';

for (const backend of testBackends) {
  describe(`class view on ${backend}`, () => {
    before(() => useBackend(backend));

    test('softmax complement is accurate for a saturated class', () => {
      // Logits (12, −12, −12): 1 − p_0 = 2e^(−24)/(1 + 2e^(−24)) ≈ 7.55e-11, where 1 − fl(p_0) = 0.
      const complement = tf.tidy(() => {
        const yTrue = tf.tensor3d([0], [1, 1, 1], 'int32');
        const yPred = tf.tensor4d([12, -12, -12], [1, 1, 1, 3]);
        const input = new PreparedInput(yTrue, yPred, { activation: 'softmax', ignoreIndex: 255 });
        return exclusiveClassView('test', input).complement.dataSync();
      });
      const e = Math.exp(-24);
      const expected = (2 * e) / (1 + 2 * e);
      assert.ok(Math.abs(complement[0] - expected) < 1e-6 * expected, `${complement[0]}`);
      assert.ok(Math.abs(complement[1] - 1) < 1e-6);
    });

    test('one sigmoid channel becomes two exclusive classes, background first', () => {
      const out = tf.tidy(() => {
        const yTrue = tf.tensor3d([1, 0, 255], [1, 1, 3], 'int32');
        const yPred = tf.tensor4d([Math.log(3), 0, 5], [1, 1, 3, 1]);
        const input = new PreparedInput(yTrue, yPred, { activation: 'sigmoid', ignoreIndex: 255 });
        const view = exclusiveClassView('test', input);
        return {
          k: view.numClasses,
          probs: Array.from(view.probs.dataSync()),
          complement: Array.from(view.complement.dataSync()),
          logProbs: Array.from(view.logProbs.dataSync()),
          target: Array.from(view.target.dataSync()),
        };
      });
      assert.equal(out.k, 2);
      const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6);
      const s5 = 1 / (1 + Math.exp(-5));
      assert.ok(close(out.probs, [0.25, 0.75, 0.5, 0.5, 1 - s5, s5]), `${out.probs}`);
      assert.ok(close(out.complement, [0.75, 0.25, 0.5, 0.5, s5, 1 - s5]), `${out.complement}`);
      assert.ok(close(out.logProbs, out.probs.map(Math.log)), `${out.logProbs}`);
      // The ignored third pixel has an all-zero target row.
      assert.deepEqual(out.target, [0, 1, 1, 0, 0, 0]);
    });
  });
}
