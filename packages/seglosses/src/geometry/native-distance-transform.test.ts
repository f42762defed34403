/**
 * The WebAssembly distance transform against the JavaScript one: both run the same float64
 * operations in the same order, so every case expects the same bits (Infinity included).
 * Correctness itself (against the O(n²) definition and SciPy) is tested through the public
 * function in distance-transform.test.ts and scripts/check-distance-transform.py.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import {
  distanceTransform,
  squaredDistanceToSites,
  useNativeDistanceTransform,
} from './distance-transform.js';
import { makeGrid } from './grid.js';
import { nativeDistanceTransformAvailable } from './native-distance-transform.js';

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG; the seed fixes every case). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function randomMask(size: number, zeroRate: number, seed: number): Uint8Array {
  const random = lcg(seed);
  const mask = new Uint8Array(size);
  for (let i = 0; i < size; i++) mask[i] = random() < zeroRate ? 0 : 1 + Math.floor(random() * 3);
  return mask;
}

/** `run` with the JavaScript form forced, then with the module. */
function bothPaths<T>(run: () => T): { js: T; wasm: T } {
  useNativeDistanceTransform(false);
  const js = run();
  useNativeDistanceTransform(true);
  return { js, wasm: run() };
}

function assertSameBits(wasm: Float64Array, js: Float64Array): void {
  assert.equal(wasm.length, js.length);
  for (let i = 0; i < js.length; i++) {
    if (!Object.is(wasm[i], js[i])) assert.fail(`index ${i}: wasm ${wasm[i]} vs js ${js[i]}`);
  }
}

after(() => useNativeDistanceTransform(true));

test('the WebAssembly module loads here (so the comparisons below compare two paths)', () => {
  assert.equal(nativeDistanceTransformAvailable(), true);
});

describe('distanceTransform: WebAssembly and JavaScript give the same bits', () => {
  // Lengths cover the SIMD tails: odd axes, strided blocks of fewer than 16 (or an odd number
  // of) lines, lines shorter than one vector; zero rates from dense to lines without a zero.
  const configs: { shape: number[]; spacing: number[]; zeroRate: number }[] = [
    { shape: [1], spacing: [1], zeroRate: 0 },
    { shape: [2], spacing: [0.5], zeroRate: 0.5 },
    { shape: [101], spacing: [0.7], zeroRate: 0.05 },
    { shape: [13, 17], spacing: [1, 1], zeroRate: 0.05 },
    { shape: [64, 67], spacing: [2.5, 0.6], zeroRate: 0.01 },
    { shape: [67, 9], spacing: [0.3, 1.7], zeroRate: 0.2 },
    { shape: [40, 40], spacing: [1.3, 0.9], zeroRate: 0.002 },
    { shape: [6, 9, 7], spacing: [3, 0.8, 1.1], zeroRate: 0.03 },
    { shape: [9, 33, 19], spacing: [2.5, 0.8, 0.8], zeroRate: 0.01 },
    { shape: [3, 5, 37], spacing: [1, 4, 0.25], zeroRate: 0.1 },
    { shape: [5, 4, 6, 3], spacing: [1, 2, 0.5, 1.5], zeroRate: 0.05 },
    { shape: [4, 17, 3, 11], spacing: [0.9, 1.1, 2, 0.7], zeroRate: 0.02 },
  ];
  for (const [index, config] of configs.entries()) {
    for (let seed = 1; seed <= 3; seed++) {
      const name = `shape [${config.shape.join(', ')}], spacing [${config.spacing.join(', ')}]`;
      test(`${name}, zero rate ${config.zeroRate}, seed ${seed}`, () => {
        const size = config.shape.reduce((a, b) => a * b, 1);
        const mask = randomMask(size, config.zeroRate, 100 * index + seed);
        const { js, wasm } = bothPaths(() =>
          distanceTransform(mask, config.shape, { spacing: config.spacing }),
        );
        assertSameBits(wasm, js);
      });
    }
  }

  const special: { name: string; mask: ArrayLike<number>; shape: number[]; spacing?: number }[] = [
    { name: 'no zero, 2-D: Infinity', mask: new Uint8Array(35).fill(1), shape: [5, 7] },
    { name: 'no zero, 3-D: Infinity', mask: new Uint8Array(60).fill(2), shape: [3, 4, 5] },
    { name: 'all zeros: 0', mask: new Uint8Array(24), shape: [2, 3, 4] },
    { name: 'axes of length 1 first', mask: randomMask(9, 0.3, 7), shape: [1, 1, 9] },
    { name: 'axes of length 1 last', mask: randomMask(12, 0.3, 8), shape: [12, 1, 1] },
    { name: 'axes of length 1 between', mask: randomMask(60, 0.1, 9), shape: [3, 1, 4, 1, 5] },
    { name: 'one element, a zero', mask: [0], shape: [1, 1] },
    {
      name: 'number[] with −0, NaN and negatives',
      mask: [-0, 1, Number.NaN, 0, -3, 0.5, 1, 1, 0, 2, 1, 1],
      shape: [3, 4],
      spacing: 1.5,
    },
    {
      name: 'Int8Array (bytes copied as they are: −1 stays non-zero)',
      mask: Int8Array.from([1, -1, 0, 1, -128, 1, 0, 1, 1]),
      shape: [3, 3],
    },
    { name: 'Float32Array', mask: Float32Array.from([0.25, 0, 1, 1, 1, 0]), shape: [6] },
  ];
  for (const c of special) {
    test(c.name, () => {
      const { js, wasm } = bothPaths(() =>
        distanceTransform(c.mask, c.shape, { spacing: c.spacing }),
      );
      assertSameBits(wasm, js);
    });
  }

  test('a small field after a large one (the module memory keeps stale data)', () => {
    const large = randomMask(32 * 32 * 32, 0.01, 11);
    distanceTransform(large, [32, 32, 32], { spacing: [2, 1, 1] });
    const small = randomMask(5 * 6, 0.1, 12);
    const { js, wasm } = bothPaths(() => distanceTransform(small, [5, 6], { spacing: [1, 3] }));
    assertSameBits(wasm, js);
  });
});

describe('squaredDistanceToSites: WebAssembly and JavaScript give the same bits', () => {
  const configs: { shape: number[]; spacing: number[]; zeroRate: number }[] = [
    { shape: [29], spacing: [1.5], zeroRate: 0.1 },
    { shape: [31, 45], spacing: [0.8, 0.8], zeroRate: 0.02 },
    { shape: [7, 12, 19], spacing: [2.5, 0.8, 0.8], zeroRate: 0.02 },
    { shape: [3, 4, 1, 6], spacing: [1, 2, 3, 0.5], zeroRate: 0.1 },
    { shape: [8, 9], spacing: [1, 1], zeroRate: 0 },
  ];
  for (const [index, config] of configs.entries()) {
    test(`shape [${config.shape.join(', ')}], zero rate ${config.zeroRate}`, () => {
      const size = config.shape.reduce((a, b) => a * b, 1);
      const grid = makeGrid('test', size, config.shape, config.spacing);
      const mask = randomMask(size, config.zeroRate, 500 + index);
      const { js, wasm } = bothPaths(() => {
        const values = Float64Array.from(mask, (m) => (m === 0 ? 0 : Infinity));
        squaredDistanceToSites(values, grid);
        return values;
      });
      assertSameBits(wasm, js);
    });
  }
});
