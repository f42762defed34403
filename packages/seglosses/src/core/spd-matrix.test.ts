import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SeglossesError } from './errors.js';
import { cholesky, choleskyInverse, choleskySolve, logDetFromCholesky } from './spd-matrix.js';

// A = L·Lᵀ with L = [[2,0,0],[1,3,0],[−1,2,1]]: A = [[4,2,−2],[2,10,5],[−2,5,6]], det A = (2·3·1)².
const a = Float64Array.from([4, 2, -2, 2, 10, 5, -2, 5, 6]);

test('cholesky: recovers the hand-built factor and log det', () => {
  const l = cholesky(a, 3);
  assert.deepEqual(Array.from(l), [2, 0, 0, 1, 3, 0, -1, 2, 1]);
  assert.ok(Math.abs(logDetFromCholesky(l, 3) - Math.log(36)) < 1e-12);
});

test('choleskySolve and choleskyInverse: A·X = B and A·A⁻¹ = I', () => {
  const l = cholesky(a, 3);
  // x = (1, −1, 2): b = A·x = (4−2−4, 2−10+10, −2−5+12) = (−2, 2, 5).
  const x = choleskySolve(l, 3, Float64Array.from([-2, 2, 5]), 1);
  [1, -1, 2].forEach((v, i) => assert.ok(Math.abs(x[i] - v) < 1e-12, `x[${i}] = ${x[i]}`));
  const inverse = choleskyInverse(l, 3);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += a[i * 3 + k] * inverse[k * 3 + j];
      assert.ok(Math.abs(sum - (i === j ? 1 : 0)) < 1e-12, `(A·A⁻¹)[${i}][${j}] = ${sum}`);
    }
  }
});

test('cholesky: throws for a matrix that is not positive definite', () => {
  assert.throws(
    () => cholesky(Float64Array.from([1, 2, 2, 1]), 2),
    (e: unknown) => e instanceof SeglossesError && /not positive definite/.test(e.message),
  );
});
