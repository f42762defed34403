import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { SeglossesError } from '../core/errors.js';
import { distanceTransform } from './distance-transform.js';

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG; the seed fixes every case). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** O(n²) reference: the definition, min over all zeros of the scaled Euclidean distance. */
function bruteForce(mask: ArrayLike<number>, shape: number[], spacing: number[]): Float64Array {
  const size = mask.length;
  const coords = (index: number): number[] => {
    const c = new Array<number>(shape.length);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      c[axis] = index % shape[axis];
      index = Math.floor(index / shape[axis]);
    }
    return c;
  };
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    if (mask[i] === 0) continue;
    const ci = coords(i);
    let best = Infinity;
    for (let j = 0; j < size; j++) {
      if (mask[j] !== 0) continue;
      const cj = coords(j);
      let d2 = 0;
      for (let axis = 0; axis < shape.length; axis++) {
        const d = (ci[axis] - cj[axis]) * spacing[axis];
        d2 += d * d;
      }
      best = Math.min(best, d2);
    }
    out[i] = Math.sqrt(best);
  }
  return out;
}

function assertClose(actual: Float64Array, expected: ArrayLike<number>, tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const ok = e === Infinity ? actual[i] === Infinity : Math.abs(actual[i] - e) <= tol;
    assert.ok(ok, `index ${i}: ${actual[i]} vs ${e}`);
  }
}

describe('distanceTransform: hand-computed cases', () => {
  const r2 = Math.SQRT2;
  const cases: {
    name: string;
    mask: number[];
    shape: number[];
    spacing?: number[] | number;
    expected: number[];
  }[] = [
    // 1-D: distance to the nearest 0 on either side.
    { name: '1-D, zero at the left', mask: [0, 1, 1, 1], shape: [4], expected: [0, 1, 2, 3] },
    {
      name: '1-D, zeros at both ends',
      mask: [0, 1, 1, 1, 1, 0],
      shape: [6],
      expected: [0, 1, 2, 2, 1, 0],
    },
    {
      name: '1-D, spacing 0.5',
      mask: [1, 1, 0, 1],
      shape: [4],
      spacing: 0.5,
      expected: [1, 0.5, 0, 0.5],
    },
    // 2-D, one zero in the centre of 3×3: 1 on the axes, √2 on the diagonals.
    {
      name: '2-D, centre zero',
      mask: [1, 1, 1, 1, 0, 1, 1, 1, 1],
      shape: [3, 3],
      expected: [r2, 1, r2, 1, 0, 1, r2, 1, r2],
    },
    // Anisotropic: rows 2 mm apart, columns 1 mm: (1,1) is √(2² + 1²) = √5 from (0,0).
    {
      name: '2-D, spacing [2, 1]',
      mask: [0, 1, 1, 1],
      shape: [2, 2],
      spacing: [2, 1],
      expected: [0, 1, 2, Math.sqrt(5)],
    },
    // Anisotropic where the nearest zero changes with the spacing: zeros at (0,0) and (2,3) of a
    // 3×4 grid with spacing [1, 3]. (0,2): to (0,0) 6, to (2,3) √(4 + 9) = √13. (0,3): 9 vs 2.
    // (1,1): √(1 + 9) vs √(1 + 36). (1,2): √(1 + 36) vs √(1 + 9). (2,0): 2 vs 9.
    {
      name: '2-D, spacing [1, 3], nearest zero depends on spacing',
      mask: [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
      shape: [3, 4],
      spacing: [1, 3],
      expected: [
        0,
        3,
        Math.sqrt(13),
        2,
        1,
        Math.sqrt(10),
        Math.sqrt(10),
        1,
        2,
        Math.sqrt(13),
        3,
        0,
      ],
    },
    // 3-D 2×2×2 with one zero at the origin, spacing [3, 2, 1]: distance √(9a + 4b + c).
    {
      name: '3-D, spacing [3, 2, 1]',
      mask: [0, 1, 1, 1, 1, 1, 1, 1],
      shape: [2, 2, 2],
      spacing: [3, 2, 1],
      expected: [0, 1, 2, Math.sqrt(5), 3, Math.sqrt(10), Math.sqrt(13), Math.sqrt(14)],
    },
    { name: 'all zeros → all 0', mask: [0, 0, 0, 0], shape: [2, 2], expected: [0, 0, 0, 0] },
    {
      name: 'no zero anywhere → Infinity (documented; SciPy measures from outside the image)',
      mask: [1, 1, 1, 1, 1, 1],
      shape: [2, 3],
      expected: [Infinity, Infinity, Infinity, Infinity, Infinity, Infinity],
    },
    { name: 'a single non-zero element', mask: [7], shape: [1], expected: [Infinity] },
    {
      name: 'axes of length 1 and any non-zero value as foreground',
      mask: [0, -2, 0.5, 0, Number.NaN, 3],
      shape: [1, 6, 1],
      expected: [0, 1, 1, 0, 1, 2],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assertClose(distanceTransform(c.mask, c.shape, { spacing: c.spacing }), c.expected);
    });
  }
});

describe('distanceTransform: random masks against the O(n²) definition', () => {
  const configs: { shape: number[]; spacing: number[]; zeroRate: number }[] = [
    { shape: [37], spacing: [0.7], zeroRate: 0.1 },
    { shape: [13, 17], spacing: [1, 1], zeroRate: 0.05 },
    { shape: [11, 19], spacing: [2.5, 0.6], zeroRate: 0.02 },
    { shape: [19, 11], spacing: [0.3, 1.7], zeroRate: 0.3 },
    { shape: [6, 9, 7], spacing: [3, 0.8, 1.1], zeroRate: 0.03 },
    { shape: [5, 4, 6, 3], spacing: [1, 2, 0.5, 1.5], zeroRate: 0.05 },
    // Sparse enough that whole lines have no zero (exercises the ∞ handling of the envelope).
    { shape: [16, 12], spacing: [1.3, 0.9], zeroRate: 0.01 },
  ];
  for (const [index, config] of configs.entries()) {
    for (let seed = 1; seed <= 3; seed++) {
      const name = `shape [${config.shape.join(', ')}], spacing [${config.spacing.join(', ')}]`;
      test(`${name}, seed ${seed}`, () => {
        const random = lcg(1000 * index + seed);
        const size = config.shape.reduce((a, b) => a * b, 1);
        const mask = new Uint8Array(size);
        for (let i = 0; i < size; i++) mask[i] = random() < config.zeroRate ? 0 : 1;
        mask[Math.floor(random() * size)] = 0; // at least one zero
        const actual = distanceTransform(mask, config.shape, { spacing: config.spacing });
        assertClose(actual, bruteForce(mask, config.shape, config.spacing), 1e-9);
      });
    }
  }
});

describe('distanceTransform: bad input', () => {
  const cases: { name: string; run: () => unknown; message: RegExp }[] = [
    {
      name: 'length does not match the shape',
      run: () => distanceTransform([0, 1, 1], [2, 2]),
      message:
        /^distanceTransform: the array length must be 4 \(the product of shape \[2, 2\]\), got 3$/,
    },
    {
      name: 'shape with a zero',
      run: () => distanceTransform([], [0]),
      message:
        /^distanceTransform: shape must be a non-empty array of positive integers, got \[0\]$/,
    },
    {
      name: 'empty shape',
      run: () => distanceTransform([0], []),
      message: /shape must be a non-empty array of positive integers, got \[\]$/,
    },
    {
      name: 'spacing of the wrong rank',
      run: () => distanceTransform([0, 1], [1, 2], { spacing: [1, 1, 1] }),
      message:
        /spacing must be a positive finite number or 2 of them \(one per axis\), got \[1, 1, 1\]$/,
    },
    {
      name: 'negative spacing',
      run: () => distanceTransform([0, 1], [2], { spacing: -1 }),
      message: /spacing must be a positive finite number or 1 of them/,
    },
    {
      name: 'unknown option name',
      run: () => distanceTransform([0, 1], [2], { spacin: 1 } as never),
      message: /^distanceTransform: unknown option "spacin" \(did you mean "spacing"\?\)/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(c.run, (error: unknown) => {
        assert.ok(error instanceof SeglossesError);
        assert.match(error.message, c.message);
        return true;
      });
    });
  }
});
