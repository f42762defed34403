import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Affine6 } from './affine.js';
import { affineExp, applyAffine, inverseGenerator } from './affine.js';

const close = (a: readonly number[], b: readonly number[], tol = 1e-12) =>
  a.every((v, i) => Math.abs(v - b[i]) <= tol);

test('affineExp: closed forms of the identity, a translation, a rotation and a scaling', () => {
  assert.ok(close(affineExp([0, 0, 0, 0, 0, 0]), [1, 0, 0, 0, 1, 0]));
  // A pure translation generator is nilpotent: exp(M) = I + M.
  assert.ok(close(affineExp([0, 0, 0.3, 0, 0, -0.2]), [1, 0, 0.3, 0, 1, -0.2]));
  // The rotation generator [[0, −θ], [θ, 0]] exponentiates to the rotation by θ.
  const theta = 0.7;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  assert.ok(close(affineExp([0, -theta, 0, theta, 0, 0]), [c, -s, 0, s, c, 0]));
  // diag(a, b) with translation u, v: x ↦ eᵃx + u(eᵃ − 1)/a.
  const [a, b, u, v] = [0.4, -1.5, 0.2, 0.5];
  const expected = [
    Math.exp(a),
    0,
    (u * Math.expm1(a)) / a,
    0,
    Math.exp(b),
    (v * Math.expm1(b)) / b,
  ];
  assert.ok(close(affineExp([a, 0, u, 0, b, v]), expected));
});

test('affineExp: exp(−M) inverts exp(M)', () => {
  const m: Affine6 = [0.1, -0.3, 0.25, 0.2, -0.05, -0.4];
  const forward = affineExp(m);
  const backward = affineExp(inverseGenerator(m));
  for (const [x, y] of [
    [0.3, -0.8],
    [1, 1],
    [-2, 0.5],
  ]) {
    const [fx, fy] = applyAffine(forward, x, y);
    assert.ok(close(applyAffine(backward, fx, fy), [x, y], 1e-12));
  }
});
