import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { boundaryMask } from './boundary.js';
import { distanceTransform } from './distance-transform.js';
import type { ZeroLevel } from './signed-distance.js';
import { signedDistanceMap } from './signed-distance.js';

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG; the seed fixes every case). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function assertClose(actual: Float64Array, expected: ArrayLike<number>, tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const ok = Number.isFinite(e) ? Math.abs(actual[i] - e) <= tol : actual[i] === e;
    assert.ok(ok, `index ${i}: ${actual[i]} vs ${e}`);
  }
}

describe('signedDistanceMap: hand-computed cases', () => {
  const r2 = Math.SQRT2;
  const cases: {
    name: string;
    mask: number[];
    shape: number[];
    spacing?: number[];
    zeroLevel?: ZeroLevel;
    expected: number[];
  }[] = [
    {
      name: '1-D interface: ±1 on both sides of each edge, no zero',
      mask: [0, 1, 1, 1, 0],
      shape: [5],
      expected: [1, -1, -2, -1, 1],
    },
    {
      name: '1-D innerBoundary: 0 on the boundary elements',
      mask: [0, 1, 1, 1, 0],
      shape: [5],
      zeroLevel: 'innerBoundary',
      expected: [1, 0, -1, 0, 1],
    },
    {
      name: 'the image edge is no boundary (interface)',
      mask: [1, 1, 0],
      shape: [3],
      expected: [-2, -1, 1],
    },
    {
      name: 'the image edge is no boundary (innerBoundary)',
      mask: [1, 1, 0],
      shape: [3],
      zeroLevel: 'innerBoundary',
      expected: [-1, 0, 1],
    },
    {
      // 3×3 square of ones in a 5×5 image, rows 2 mm apart, columns 1 mm.
      // Inside: the left and right columns are 1 mm from the background; the middle column is
      // 2 mm from it (two columns sideways, or one row up/down at the top and bottom).
      // Outside: distance to the nearest square element; corners √(2² + 1²) = √5.
      name: '2-D interface with spacing [2, 1]',
      mask: [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0],
      shape: [5, 5],
      spacing: [2, 1],
      // prettier-ignore
      expected: [
        Math.sqrt(5), 2, 2, 2, Math.sqrt(5),
        1, -1, -2, -1, 1,
        1, -1, -2, -1, 1,
        1, -1, -2, -1, 1,
        Math.sqrt(5), 2, 2, 2, Math.sqrt(5),
      ],
    },
    {
      // Same square, unit spacing, innerBoundary: the ring is 0, the centre −1, the outside
      // ring 1 on the sides and √2 at the corners.
      name: '2-D innerBoundary',
      mask: [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0],
      shape: [5, 5],
      zeroLevel: 'innerBoundary',
      // prettier-ignore
      expected: [
        r2, 1, 1, 1, r2,
        1, 0, 0, 0, 1,
        1, 0, -1, 0, 1,
        1, 0, 0, 0, 1,
        r2, 1, 1, 1, r2,
      ],
    },
    {
      name: 'empty mask: +Infinity everywhere',
      mask: [0, 0, 0, 0],
      shape: [2, 2],
      expected: [Infinity, Infinity, Infinity, Infinity],
    },
    {
      name: 'full mask: −Infinity everywhere',
      mask: [1, 1, 1, 1],
      shape: [2, 2],
      expected: [-Infinity, -Infinity, -Infinity, -Infinity],
    },
    {
      name: 'full mask, innerBoundary: −Infinity everywhere',
      mask: [1, 1, 1, 1],
      shape: [2, 2],
      zeroLevel: 'innerBoundary',
      expected: [-Infinity, -Infinity, -Infinity, -Infinity],
    },
    {
      name: 'empty mask, innerBoundary: +Infinity everywhere',
      mask: [0, 0, 0],
      shape: [3],
      zeroLevel: 'innerBoundary',
      expected: [Infinity, Infinity, Infinity],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const options = { spacing: c.spacing, zeroLevel: c.zeroLevel };
      assertClose(signedDistanceMap(c.mask, c.shape, options), c.expected);
    });
  }
});

describe('signedDistanceMap: properties on random masks', () => {
  const configs = [
    { shape: [17, 13], spacing: [1, 1] },
    { shape: [9, 21], spacing: [2.5, 0.7] },
    { shape: [6, 7, 8], spacing: [3, 1, 0.8] },
  ];
  for (const [index, { shape, spacing }] of configs.entries()) {
    const size = shape.reduce((a, b) => a * b, 1);
    const random = lcg(index + 1);
    const mask = Array.from({ length: size }, () => (random() < 0.4 ? 1 : 0));
    const complement = mask.map((m) => 1 - m);
    const name = `[${shape.join(', ')}] spacing [${spacing.join(', ')}]`;

    test(`${name}: interface = edt(1 − M) − edt(M) and antisymmetric under complement`, () => {
      const phi = signedDistanceMap(mask, shape, { spacing });
      const outside = distanceTransform(complement, shape, { spacing });
      const inside = distanceTransform(mask, shape, { spacing });
      assertClose(
        phi,
        outside.map((o, i) => o - inside[i]),
      );
      const flipped = signedDistanceMap(complement, shape, { spacing });
      assertClose(
        flipped,
        phi.map((v) => -v),
      );
      for (let i = 0; i < size; i++) assert.ok(phi[i] !== 0 && phi[i] < 0 === (mask[i] === 1));
    });

    test(`${name}: innerBoundary = ∓d(x, ∂F), outside unchanged`, () => {
      const phi = signedDistanceMap(mask, shape, { spacing, zeroLevel: 'innerBoundary' });
      const edge = boundaryMask(mask, shape, { imageEdge: 'ignore' });
      const toEdge = distanceTransform(
        Array.from(edge, (e) => 1 - e),
        shape,
        { spacing },
      );
      const interfaceMap = signedDistanceMap(mask, shape, { spacing });
      for (let i = 0; i < size; i++) {
        const expected = mask[i] === 1 ? -toEdge[i] : toEdge[i];
        assert.ok(Math.abs(phi[i] - expected) < 1e-12, `${i}: ${phi[i]} vs ${expected}`);
        if (mask[i] === 0) assert.ok(Math.abs(phi[i] - interfaceMap[i]) < 1e-12);
        assert.equal(phi[i] === 0, edge[i] === 1);
      }
    });
  }
});
