import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { testBackends, tf, useBackend } from '../test-support/backends.js';
import { accurateLog1p, detached, powOrZero } from './stable-math.js';

for (const backend of testBackends) {
  describe(`stable math on ${backend}`, () => {
    before(() => useBackend(backend));

    test('accurateLog1p matches Math.log1p to float32 precision, tiny arguments included', () => {
      const xs = [-0.5, -1e-3, -3e-8, -1e-10, 0, 1e-12, 5e-8, 6e-6, 0.25, 3];
      const values = tf.tidy(() => accurateLog1p(tf.tensor1d(xs)).dataSync());
      xs.forEach((x, i) => {
        const expected = Math.log1p(Math.fround(x));
        const error = Math.abs(values[i] - expected);
        assert.ok(error <= 4e-7 * Math.abs(expected), `log1p(${x}) = ${values[i]}, ${expected}`);
      });
    });

    test('accurateLog1p has the gradient 1 / (1 + x)', () => {
      const xs = [-0.5, 1e-9, 2];
      const grad = tf.tidy(() =>
        tf
          .grad((x: tf.Tensor) => tf.sum(accurateLog1p(x)))(tf.tensor1d(xs))
          .dataSync(),
      );
      xs.forEach((x, i) => assert.ok(Math.abs(grad[i] - 1 / (1 + x)) < 1e-6, `${grad[i]}`));
    });

    test('powOrZero: x^e for x > 0, exactly 0 with a zero gradient at and below 0', () => {
      const x = tf.tensor1d([0, -1, 0.25, 4]);
      const { value, grad } = tf.valueAndGrad((v: tf.Tensor) => tf.sum(powOrZero(v, 0.5)))(x);
      const g = grad.dataSync();
      // 0 + 0 + 0.5 + 2; d/dx √x = 1/(2√x): 1 at 0.25 and 0.25 at 4.
      assert.ok(Math.abs(value.dataSync()[0] - 2.5) < 1e-6);
      assert.deepEqual(Array.from(g.slice(0, 2)), [0, 0]);
      assert.ok(Math.abs(g[2] - 1) < 1e-6 && Math.abs(g[3] - 0.25) < 1e-6, `${g}`);
      tf.dispose([x, value, grad]);
    });

    test('detached: ops without a gradient are allowed and the gradient is zero', () => {
      const x = tf.tensor1d([1, 3, 2]);
      const grad = tf.tidy(() =>
        tf
          .grad((v: tf.Tensor) => {
            const mask = detached(v, (d) => tf.cast(tf.greater(d, 1.5), 'float32'));
            return tf.sum(tf.mul(v, mask));
          })(x)
          .dataSync(),
      );
      assert.deepEqual(Array.from(grad), [0, 1, 1]);
      x.dispose();
    });
  });
}
