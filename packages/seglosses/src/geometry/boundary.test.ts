import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { SeglossesError } from '../core/errors.js';
import type { BoundaryOptions } from './boundary.js';
import { boundaryMask } from './boundary.js';

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG; the seed fixes every case). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** O(n²) reference written from the definitions in boundary.ts, outside = background. */
function bruteForce(
  labels: ArrayLike<number>,
  shape: number[],
  options: Required<BoundaryOptions>,
): Uint8Array {
  const { mode, connectivity, width, background, imageEdge } = options;
  const rank = shape.length;
  const coords = (index: number): number[] => {
    const c = new Array<number>(rank);
    for (let axis = rank - 1; axis >= 0; axis--) {
      c[axis] = index % shape[axis];
      index = Math.floor(index / shape[axis]);
    }
    return c;
  };
  const metric = (a: number[], b: number[]): number => {
    const steps = a.map((v, axis) => Math.abs(v - b[axis]));
    return connectivity === 'face' ? steps.reduce((s, v) => s + v, 0) : Math.max(...steps);
  };
  const out = new Uint8Array(labels.length);
  for (let x = 0; x < labels.length; x++) {
    const cx = coords(x);
    const lx = labels[x];
    if (mode === 'inner' && lx === background) continue;
    if (mode === 'outer' && lx !== background) continue;
    const differs = (ly: number): boolean => (mode === 'outer' ? ly !== background : ly !== lx);
    let found = false;
    for (let y = 0; y < labels.length && !found; y++) {
      if (metric(cx, coords(y)) <= width && differs(labels[y])) found = true;
    }
    // The nearest outside element is one step past the nearest image face, along that axis.
    const toOutside = Math.min(...cx.map((c, axis) => Math.min(c + 1, shape[axis] - c)));
    if (!found && imageEdge === 'background' && toOutside <= width && differs(background)) {
      found = true;
    }
    out[x] = found ? 1 : 0;
  }
  return out;
}

const defaults: Required<BoundaryOptions> = {
  mode: 'inner',
  connectivity: 'face',
  width: 1,
  background: 0,
  imageEdge: 'background',
};

describe('boundaryMask: hand-computed cases', () => {
  // A 3×3 square of ones in the middle of a 5×5 image.
  // prettier-ignore
  const square = [
    0, 0, 0, 0, 0,
    0, 1, 1, 1, 0,
    0, 1, 1, 1, 0,
    0, 1, 1, 1, 0,
    0, 0, 0, 0, 0,
  ];
  // A plus sign (4-neighbourhood of the centre) in a 3×3 image.
  const plus = [0, 1, 0, 1, 1, 1, 0, 1, 0];
  const cases: {
    name: string;
    labels: number[];
    shape: number[];
    options?: BoundaryOptions;
    expected: number[];
  }[] = [
    { name: '1-D inner', labels: [0, 1, 1, 1, 0], shape: [5], expected: [0, 1, 0, 1, 0] },
    {
      name: '1-D outer',
      labels: [0, 1, 1, 1, 0],
      shape: [5],
      options: { mode: 'outer' },
      expected: [1, 0, 0, 0, 1],
    },
    {
      name: '1-D thick',
      labels: [0, 1, 1, 1, 0],
      shape: [5],
      options: { mode: 'thick' },
      expected: [1, 1, 0, 1, 1],
    },
    {
      name: '2-D square, inner: the ring of 8 around the centre',
      labels: square,
      shape: [5, 5],
      // prettier-ignore
      expected: [
        0, 0, 0, 0, 0,
        0, 1, 1, 1, 0,
        0, 1, 0, 1, 0,
        0, 1, 1, 1, 0,
        0, 0, 0, 0, 0,
      ],
    },
    {
      name: '2-D square, outer, face: the ring without its corners',
      labels: square,
      shape: [5, 5],
      options: { mode: 'outer' },
      // prettier-ignore
      expected: [
        0, 1, 1, 1, 0,
        1, 0, 0, 0, 1,
        1, 0, 0, 0, 1,
        1, 0, 0, 0, 1,
        0, 1, 1, 1, 0,
      ],
    },
    {
      name: '2-D square, outer, full: the whole ring',
      labels: square,
      shape: [5, 5],
      options: { mode: 'outer', connectivity: 'full' },
      // prettier-ignore
      expected: [
        1, 1, 1, 1, 1,
        1, 0, 0, 0, 1,
        1, 0, 0, 0, 1,
        1, 0, 0, 0, 1,
        1, 1, 1, 1, 1,
      ],
    },
    {
      name: '2-D plus, face: the centre keeps all 4 neighbours (MedPy docstring example)',
      labels: plus,
      shape: [3, 3],
      options: { imageEdge: 'ignore' },
      expected: [0, 1, 0, 1, 0, 1, 0, 1, 0],
    },
    {
      name: '2-D plus, full: the centre sees the background diagonally',
      labels: plus,
      shape: [3, 3],
      options: { connectivity: 'full', imageEdge: 'ignore' },
      expected: [0, 1, 0, 1, 1, 1, 0, 1, 0],
    },
    {
      name: 'full image of ones: only the image edge is a boundary',
      labels: [1, 1, 1, 1, 1, 1, 1, 1, 1],
      shape: [3, 3],
      expected: [1, 1, 1, 1, 0, 1, 1, 1, 1],
    },
    {
      name: 'full image of ones with imageEdge "ignore": no boundary',
      labels: [1, 1, 1, 1, 1, 1, 1, 1, 1],
      shape: [3, 3],
      options: { imageEdge: 'ignore' },
      expected: [0, 0, 0, 0, 0, 0, 0, 0, 0],
    },
    {
      name: 'touching labels 1 | 2 with imageEdge "ignore": both sides of the contact',
      labels: [1, 1, 2, 2, 1, 1, 2, 2],
      shape: [2, 4],
      options: { imageEdge: 'ignore' },
      expected: [0, 1, 1, 0, 0, 1, 1, 0],
    },
    {
      name: 'width 2, 1-D inner band',
      labels: [0, 1, 1, 1, 1, 1, 1, 0],
      shape: [8],
      options: { width: 2 },
      expected: [0, 1, 1, 0, 0, 1, 1, 0],
    },
    {
      name: 'background label 5',
      labels: [5, 5, 0, 0, 5],
      shape: [5],
      options: { background: 5 },
      expected: [0, 0, 1, 1, 0],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual([...boundaryMask(c.labels, c.shape, c.options)], c.expected);
    });
  }
});

describe('boundaryMask: random label maps against the definitions', () => {
  const shapes = [[23], [9, 11], [5, 6, 7], [3, 4, 3, 4]];
  const modes = ['inner', 'outer', 'thick'] as const;
  const connectivities = ['face', 'full'] as const;
  let seed = 0;
  for (const shape of shapes) {
    for (const mode of modes) {
      for (const connectivity of connectivities) {
        for (const width of [1, 2, 3]) {
          for (const imageEdge of ['background', 'ignore'] as const) {
            seed++;
            const options = { ...defaults, mode, connectivity, width, imageEdge };
            const name =
              `[${shape.join(', ')}] ${mode} ${connectivity} width ${width} ` +
              `imageEdge ${imageEdge}`;
            test(name, () => {
              const random = lcg(seed);
              const size = shape.reduce((a, b) => a * b, 1);
              // Three labels, background-heavy, so that every mode has something to find.
              const labels = Array.from({ length: size }, () => {
                const r = random();
                return r < 0.6 ? 0 : r < 0.85 ? 1 : 2;
              });
              const actual = boundaryMask(labels, shape, options);
              assert.deepEqual([...actual], [...bruteForce(labels, shape, options)]);
            });
          }
        }
      }
    }
  }
});

describe('boundaryMask: bad input', () => {
  const cases: { name: string; options: BoundaryOptions; message: RegExp }[] = [
    {
      name: 'unknown mode suggests the nearest',
      options: { mode: 'iner' as never },
      message: new RegExp(
        '^boundaryMask: mode must be one of "inner", "outer", "thick", ' +
          'got "iner" \\(did you mean "inner"\\?\\)$',
      ),
    },
    {
      name: '18-connectivity is not a choice',
      options: { connectivity: 18 as never },
      message: /^boundaryMask: connectivity must be one of "face", "full", got 18$/,
    },
    {
      name: 'width 0',
      options: { width: 0 },
      message: /^boundaryMask: width must be a positive integer, got 0$/,
    },
    {
      name: 'unknown option',
      options: { widht: 2 } as never,
      message: /^boundaryMask: unknown option "widht" \(did you mean "width"\?\)/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => boundaryMask([0, 1], [2], c.options),
        (error: unknown) => error instanceof SeglossesError && c.message.test(error.message),
      );
    });
  }
});
