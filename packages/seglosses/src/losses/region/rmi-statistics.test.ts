/**
 * The WebAssembly RMI statistics against the JavaScript ones (the same steps in float64; the
 * logarithm and rounding may differ in the last float32 bit).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { seededRandom } from '../../test-support/loss-properties.js';
import { rmiTerms, rmiTermsInJavaScript } from './rmi-statistics.js';

function closeTo(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length);
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= 1e-6 * scale + 1e-12,
      `${what} ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

for (const [name, dims, radius, confident] of [
  ['2 images, 3 classes, radius 3', [2, 9, 11, 3], 3, false],
  ['radius 2, rectangular', [1, 6, 13, 2], 2, false],
  ['a confident prediction (Σ_{Y|P} ≈ αI)', [1, 10, 10, 2], 3, true],
] as const) {
  test(`the WebAssembly RMI terms equal the JavaScript ones: ${name}`, () => {
    const random = seededRandom(dims[1] * dims[2]);
    const size = dims[0] * dims[1] * dims[2] * dims[3];
    const labels = Float32Array.from({ length: size }, () => (random() < 0.4 ? 1 : 0));
    const probs = Float32Array.from(labels, (t) =>
      confident ? Math.abs(t - 1e-4 * random()) + 1e-6 : random(),
    );
    const js = rmiTermsInJavaScript(probs, labels, [...dims], radius);
    const native = rmiTerms(probs, labels, [...dims], radius);
    closeTo(native.values, js.values, 'value');
    closeTo(native.gradient, js.gradient, 'gradient');
    assert.ok(js.gradient.some((g) => g !== 0));
  });
}
