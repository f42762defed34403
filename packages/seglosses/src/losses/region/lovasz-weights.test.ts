/**
 * The WebAssembly Lovász weights against the JavaScript ones, which follow PyTorch's tie order
 * (core/descending-order.test.ts): equal float32 values, ties and the heap-sort fallback
 * included.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { seededRandom } from '../../test-support/loss-properties.js';
import { lovaszWeights, lovaszWeightsInJavaScript } from './lovasz-weights.js';

interface Case {
  readonly name: string;
  readonly dims: [number, number, number];
  /** Distinct error values (0: continuous). */
  readonly levels: number;
  readonly validShare: number;
  readonly presentOnly: boolean;
}

const cases: Case[] = [
  {
    name: 'continuous errors, one group',
    dims: [1, 3000, 4],
    levels: 0,
    validShare: 0.9,
    presentOnly: true,
  },
  {
    name: 'three error levels (mostly ties)',
    dims: [2, 2500, 3],
    levels: 3,
    validShare: 1,
    presentOnly: true,
  },
  {
    name: 'two levels, all classes',
    dims: [3, 700, 5],
    levels: 2,
    validShare: 0.7,
    presentOnly: false,
  },
  // Many equal keys in a large range push introsort to its heap-sort fallback.
  { name: 'constant errors', dims: [1, 20000, 2], levels: 1, validShare: 1, presentOnly: true },
  {
    name: 'short groups (insertion sort only)',
    dims: [4, 12, 3],
    levels: 4,
    validShare: 0.8,
    presentOnly: true,
  },
  {
    name: 'a group without valid pixels',
    dims: [2, 50, 3],
    levels: 0,
    validShare: 0,
    presentOnly: true,
  },
];

for (const c of cases) {
  test(`the WebAssembly Lovász weights equal the JavaScript ones: ${c.name}`, () => {
    const random = seededRandom(c.dims[1]);
    const [groups, pixels, classes] = c.dims;
    const size = groups * pixels * classes;
    const errors = Float32Array.from({ length: size }, () =>
      c.levels === 0 ? random() : Math.floor(random() * c.levels) / c.levels,
    );
    const target = Float32Array.from({ length: size }, () => (random() < 0.3 ? 1 : 0));
    const valid = Float32Array.from({ length: groups * pixels }, () =>
      random() < c.validShare ? 1 : 0,
    );
    const js = lovaszWeightsInJavaScript(errors, target, valid, c.dims, c.presentOnly);
    const native = lovaszWeights(errors, target, valid, c.dims, c.presentOnly);
    assert.deepEqual(native.counted, js.counted);
    assert.deepEqual(native.weights, js.weights);
    // The weights of a counted class sum to its Jaccard loss at the end of the order, 1 when it
    // has target mass: a property that fails if an element is dropped or doubled.
    if (c.validShare > 0) {
      const sum = js.weights.reduce((a, b) => a + b, 0);
      assert.ok(sum > 0);
    }
  });
}

test('the Lovász weights accept integer targets and a byte mask (as tensors read back give)', () => {
  const random = seededRandom(5);
  const dims: [number, number, number] = [1, 128, 3];
  const errors = Float32Array.from({ length: 384 }, () => random());
  const target = Int32Array.from({ length: 384 }, () => (random() < 0.3 ? 1 : 0));
  const valid = Uint8Array.from({ length: 128 }, () => (random() < 0.9 ? 1 : 0));
  const js = lovaszWeightsInJavaScript(errors, target, valid, dims, true);
  const native = lovaszWeights(errors, target, valid, dims, true);
  assert.deepEqual(native.weights, js.weights);
  assert.deepEqual(native.counted, js.counted);
});
