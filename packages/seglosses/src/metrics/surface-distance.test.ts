import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { SeglossesError } from '../core/errors.js';
import type { EmptyMaskPolicyName } from './empty-policy.js';
import {
  averageSymmetricSurfaceDistance,
  hausdorffDistance95,
  surfaceDistances,
} from './surface-distance.js';

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG; the seed fixes every case). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function close(actual: number, expected: number, what: string, tol = 1e-12): void {
  const ok = Number.isNaN(expected) ? Number.isNaN(actual) : Math.abs(actual - expected) <= tol;
  assert.ok(ok, `${what}: ${actual} vs ${expected}`);
}

// 3×3 square of ones (rows 1..3, columns 1..3) in a 5×7 image, and the same square shifted one
// column right. Face surfaces: the rings of 8 around (2,2) and (2,3). From the shifted ring to
// the first, in row-major order (1,2) (1,3) (1,4) (2,2) (2,4) (3,2) (3,3) (3,4): 0 0 1 1 1 0 0 1
// columns; from the first ring to the shifted one: 1 0 0 1 1 1 0 0.
function square(column: number): number[] {
  const mask = new Array<number>(35).fill(0);
  for (let r = 1; r <= 3; r++) for (let c = column; c < column + 3; c++) mask[r * 7 + c] = 1;
  return mask;
}
const target = square(1);
const shifted = square(2);

describe('surface distances, HD95 and ASSD: hand-computed cases', () => {
  test('shifted squares, unit spacing: directed distances in row-major order', () => {
    const d = surfaceDistances(shifted, target, [5, 7]);
    assert.deepEqual([...d.predToTarget], [0, 0, 1, 1, 1, 0, 0, 1]);
    assert.deepEqual([...d.targetToPred], [1, 0, 0, 1, 1, 1, 0, 0]);
  });

  test('shifted squares: pooled percentiles interpolate (8 zeros, 8 ones)', () => {
    // Sorted D = [0×8, 1×8]; p = 95 → h = 14.25 → 1; p = 50 → h = 7.5 → (0 + 1)/2.
    close(hausdorffDistance95(shifted, target, [5, 7]), 1, 'HD95');
    close(hausdorffDistance95(shifted, target, [5, 7], { percentile: 50 }), 0.5, 'HD50');
    close(averageSymmetricSurfaceDistance(shifted, target, [5, 7]), 0.5, 'ASSD');
  });

  test('shifted squares with spacing [2, 0.5] mm: the column shift is 0.5 mm', () => {
    // Every 1-column distance becomes 0.5 mm; no row step is ever shorter (2 mm).
    const options = { spacing: [2, 0.5] };
    close(hausdorffDistance95(shifted, target, [5, 7], options), 0.5, 'HD95');
    close(
      hausdorffDistance95(shifted, target, [5, 7], { ...options, percentile: 50 }),
      0.25,
      'HD50',
    );
    close(averageSymmetricSurfaceDistance(shifted, target, [5, 7], options), 0.25, 'ASSD');
  });

  test('the image edge bounds the surface: one element inside a full 5×5 target', () => {
    // ∂P = {(2,2)}, ∂T = the outer ring of 16 (the image's exterior counts as background).
    // P→T: 2. T→P: 4 edge middles at 2, 8 at √5, 4 corners at √8.
    // D sorted (17): 2×5, √5×8, √8×4. p = 95: h = 15.2 → √8. p = 50: h = 8 → √5.
    const full = new Array<number>(25).fill(1);
    const centre = new Array<number>(25).fill(0);
    centre[12] = 1;
    close(hausdorffDistance95(centre, full, [5, 5]), Math.sqrt(8), 'HD95');
    close(hausdorffDistance95(centre, full, [5, 5], { percentile: 50 }), Math.sqrt(5), 'HD50');
    close(hausdorffDistance95(centre, full, [5, 5], { percentile: 100 }), Math.sqrt(8), 'HD');
    const targetMean = (4 * 2 + 8 * Math.sqrt(5) + 4 * Math.sqrt(8)) / 16;
    close(averageSymmetricSurfaceDistance(centre, full, [5, 5]), (2 + targetMean) / 2, 'ASSD');
    close(
      averageSymmetricSurfaceDistance(centre, full, [5, 5], { average: 'pooled' }),
      (2 + 16 * targetMean) / 17,
      'ASSD pooled',
    );
  });

  test('connectivity: the documented MedPy example (plus sign against a full 3×3 block)', () => {
    // MedPy's asd docstring: asd(cross, cube) = 0 with connectivity 1 and 0.2 with 2, because
    // the centre of the cross joins its surface (distance 1 to the ring) under 8-connectivity.
    const plus = [0, 1, 0, 1, 1, 1, 0, 1, 0];
    const block = [1, 1, 1, 1, 1, 1, 1, 1, 1];
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    close(mean(surfaceDistances(plus, block, [3, 3]).predToTarget), 0, 'face');
    const full = surfaceDistances(plus, block, [3, 3], { connectivity: 'full' });
    close(mean(full.predToTarget), 0.2, 'full');
  });

  test('3-D single voxels with spacing [2.5, 1, 1]: √((2·2.5)² + 1 + 1) = √27 both ways', () => {
    const pred = new Uint8Array(12);
    const tgt = new Uint8Array(12);
    pred[0] = 1; // (0,0,0)
    tgt[2 * 4 + 1 * 2 + 1] = 1; // (2,1,1) in shape [3,2,2]
    const options = { spacing: [2.5, 1, 1] };
    close(hausdorffDistance95(pred, tgt, [3, 2, 2], options), Math.sqrt(27), 'HD95');
    close(averageSymmetricSurfaceDistance(pred, tgt, [3, 2, 2], options), Math.sqrt(27), 'ASSD');
  });

  test('identical masks: 0', () => {
    close(hausdorffDistance95(target, target, [5, 7]), 0, 'HD95');
    close(averageSymmetricSurfaceDistance(target, target, [5, 7]), 0, 'ASSD');
  });
});

describe('empty masks under each preset', () => {
  // Shape [4, 6] with spacing [2, 0.5]: field-of-view diagonal √(8² + 3²) = √73 mm.
  const shape = [4, 6];
  const spacing = [2, 0.5];
  const diagonal = Math.sqrt(73);
  const empty = new Array<number>(24).fill(0);
  const some = [...empty];
  some[7] = 1;
  const pairs = {
    bothEmpty: [empty, empty],
    targetEmpty: [some, empty],
    predEmpty: [empty, some],
  } as const;
  const expected: Record<EmptyMaskPolicyName, Record<keyof typeof pairs, number>> = {
    excludeBothEmpty: { bothEmpty: NaN, targetEmpty: diagonal, predEmpty: diagonal },
    exclude: { bothEmpty: NaN, targetEmpty: NaN, predEmpty: NaN },
    transunet: { bothEmpty: 0, targetEmpty: 0, predEmpty: 0 },
    brats: { bothEmpty: 0, targetEmpty: diagonal, predEmpty: diagonal },
  };
  for (const [name, values] of Object.entries(expected)) {
    test(name, () => {
      const emptyPolicy = name as EmptyMaskPolicyName;
      for (const [kind, [p, t]] of Object.entries(pairs)) {
        const value = values[kind as keyof typeof pairs];
        close(hausdorffDistance95(p, t, shape, { spacing, emptyPolicy }), value, `HD95 ${kind}`);
        close(
          averageSymmetricSurfaceDistance(p, t, shape, { spacing, emptyPolicy }),
          value,
          `ASSD ${kind}`,
        );
      }
    });
  }
  test('a fixed penalty from a custom policy', () => {
    const emptyPolicy = {
      overlap: { bothEmpty: 'exclude', targetEmpty: 'worst', predEmpty: 'worst' },
      distance: { bothEmpty: 0, targetEmpty: 373.13, predEmpty: 373.13 },
    } as const;
    close(hausdorffDistance95(some, empty, shape, { emptyPolicy }), 373.13, 'HD95');
  });
  test('surfaceDistances throws on an empty mask', () => {
    assert.throws(
      () => surfaceDistances(some, empty, shape),
      (e: unknown) =>
        e instanceof SeglossesError &&
        e.message ===
          'surfaceDistances: target must be non-empty (at least one non-zero element), ' +
            'got an empty mask',
    );
  });
});

/** O(n²) reference from the definitions: surfaces by neighbour test, distances pairwise. */
function bruteForce(
  a: number[],
  b: number[],
  shape: number[],
  spacing: number[],
  full: boolean,
): { ab: number[]; ba: number[] } {
  const rank = shape.length;
  const coords = (index: number): number[] => {
    const c = new Array<number>(rank);
    for (let axis = rank - 1; axis >= 0; axis--) {
      c[axis] = index % shape[axis];
      index = Math.floor(index / shape[axis]);
    }
    return c;
  };
  const surface = (m: number[]): number[][] => {
    const points: number[][] = [];
    for (let i = 0; i < m.length; i++) {
      if (m[i] === 0) continue;
      const c = coords(i);
      let edge = false;
      for (let j = 0; j < m.length && !edge; j++) {
        const cj = coords(j);
        const steps = c.map((v, axis) => Math.abs(v - cj[axis]));
        const adjacent = full ? Math.max(...steps) === 1 : steps.reduce((s, v) => s + v, 0) === 1;
        if (adjacent && m[j] === 0) edge = true;
      }
      if (c.some((v, axis) => v === 0 || v === shape[axis] - 1)) edge = true;
      if (edge) points.push(c);
    }
    return points;
  };
  const directed = (from: number[][], to: number[][]): number[] =>
    from.map((p) =>
      Math.min(
        ...to.map((q) =>
          Math.sqrt(p.reduce((s, v, axis) => s + ((v - q[axis]) * spacing[axis]) ** 2, 0)),
        ),
      ),
    );
  const sa = surface(a);
  const sb = surface(b);
  return { ab: directed(sa, sb), ba: directed(sb, sa) };
}

describe('random masks against the O(n²) definition (exercises the bounding-box crop)', () => {
  const configs = [
    { shape: [12, 15], spacing: [1, 1], full: false },
    { shape: [14, 9], spacing: [2.5, 0.7], full: true },
    { shape: [6, 7, 8], spacing: [3, 0.8, 0.8], full: false },
    { shape: [5, 6, 7], spacing: [1, 2, 0.5], full: true },
  ];
  for (const [index, { shape, spacing, full }] of configs.entries()) {
    for (let seed = 1; seed <= 3; seed++) {
      const grid = `[${shape.join(', ')}] spacing [${spacing.join(', ')}]`;
      const name = `${grid} ${full ? 'full' : 'face'}`;
      test(`${name}, seed ${seed}`, () => {
        const random = lcg(100 * index + seed);
        const size = shape.reduce((x, y) => x * y, 1);
        // Blobs in a sub-box, so that the crop is smaller than the image on some sides.
        const inBox = (i: number): boolean => {
          let rest = i;
          for (let axis = shape.length - 1; axis >= 0; axis--) {
            const c = rest % shape[axis];
            rest = Math.floor(rest / shape[axis]);
            if (c < 1 || c > shape[axis] - 2 - (seed % 2)) return false;
          }
          return true;
        };
        const a = Array.from({ length: size }, (_, i) => (inBox(i) && random() < 0.3 ? 1 : 0));
        const b = Array.from({ length: size }, () => (random() < 0.2 ? 2 : 0));
        a[Math.floor(size / 2)] = 1;
        b[size - 1] = 2;
        const connectivity = full ? 'full' : 'face';
        const d = surfaceDistances(a, b, shape, { spacing, connectivity });
        const ref = bruteForce(a, b, shape, spacing, full);
        assert.equal(d.predToTarget.length, ref.ab.length);
        assert.equal(d.targetToPred.length, ref.ba.length);
        ref.ab.forEach((v, i) => close(d.predToTarget[i], v, `P→T ${i}`, 1e-9));
        ref.ba.forEach((v, i) => close(d.targetToPred[i], v, `T→P ${i}`, 1e-9));
      });
    }
  }
});
