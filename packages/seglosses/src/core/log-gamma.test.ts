import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { testBackends, tf, useBackend } from '../test-support/backends.js';
import { digamma, logGamma } from './log-gamma.js';

/** ln((n − 1)!) = ln Γ(n), summed in float64. */
function logFactorial(n: number): number {
  let sum = 0;
  for (let k = 2; k <= n; k++) sum += Math.log(k);
  return sum;
}

const eulerGamma = 0.5772156649015329;

// Closed forms: Γ(1) = Γ(2) = 1, Γ(½) = √π, Γ(n) = (n − 1)!, Γ(x + 1) = x·Γ(x).
const logGammaCases: [number, number][] = [
  [1, 0],
  [2, 0],
  [0.5, 0.5 * Math.log(Math.PI)],
  [1.5, 0.5 * Math.log(Math.PI) - Math.log(2)],
  [0.01, 4.599479878042022], // ln Γ(1.01) − ln 0.01, ln Γ(1.01) = −0.005690307946…
  [10, logFactorial(9)],
  [33, logFactorial(32)],
  [2049, logFactorial(2048)],
  [25089, logFactorial(25088)],
];

// ψ(1) = −γ, ψ(n + 1) = −γ + H_n, ψ(½) = −γ − 2 ln 2.
const harmonic = (n: number): number =>
  Array.from({ length: n }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
const digammaCases: [number, number][] = [
  [1, -eulerGamma],
  [0.5, -eulerGamma - 2 * Math.log(2)],
  [5, -eulerGamma + harmonic(4)],
  [100, -eulerGamma + harmonic(99)],
  [20000, -eulerGamma + harmonic(19999)],
];

for (const backend of testBackends) {
  describe(`logGamma and digamma on ${backend}`, () => {
    before(() => useBackend(backend));

    test('ln Γ matches closed forms to float32 accuracy', () => {
      const got = tf.tidy(() => logGamma(tf.tensor1d(logGammaCases.map(([x]) => x))).dataSync());
      logGammaCases.forEach(([x, expected], i) => {
        // float32: a few ulps of the result, at least 2e-6 absolute.
        const tolerance = Math.max(2e-6, 4 * 1.2e-7 * Math.abs(expected));
        assert.ok(
          Math.abs(got[i] - expected) <= tolerance,
          `lnΓ(${x}) = ${got[i]}, not ${expected}`,
        );
      });
    });

    test('ψ matches closed forms', () => {
      const got = tf.tidy(() => digamma(tf.tensor1d(digammaCases.map(([x]) => x))).dataSync());
      digammaCases.forEach(([x, expected], i) => {
        const tolerance = Math.max(2e-6, 4 * 1.2e-7 * Math.abs(expected));
        assert.ok(Math.abs(got[i] - expected) <= tolerance, `ψ(${x}) = ${got[i]}, not ${expected}`);
      });
    });

    test('the gradient of ln Γ is ψ and agrees with finite differences', () => {
      const xs = [0.3, 1.36, 7.5, 130];
      const grad = tf.tidy(() =>
        tf
          .grad((x: tf.Tensor) => tf.sum(logGamma(x)))(tf.tensor1d(xs))
          .dataSync(),
      );
      const psi = tf.tidy(() => digamma(tf.tensor1d(xs)).dataSync());
      xs.forEach((x, i) => {
        assert.equal(grad[i], psi[i]);
        // Central differences of the float32 function, with a step suited to its precision.
        const h = 1e-2 * Math.max(1, x);
        const at = (v: number): number => tf.tidy(() => logGamma(tf.scalar(v)).dataSync()[0]);
        const numeric = (at(x + h) - at(x - h)) / (2 * h);
        assert.ok(Math.abs(numeric - grad[i]) <= 2e-3 * Math.max(1, Math.abs(grad[i])), `x = ${x}`);
      });
    });

    test('leaves no tensors behind', () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor1d([0.5, 3]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(logGamma(v)))(x);
      tf.dispose([x, g]);
      assert.equal(tf.memory().numTensors, before);
    });
  });
}
