import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resizeBilinear, resizeNearest } from './resize.js';
import type { Size2D } from './resize.js';

interface Case {
  name: string;
  src: number[];
  from: Size2D;
  to: Size2D;
  expected: number[];
}

// Half-pixel centres: output o samples source s = (o + 0.5)·n/m − 0.5, clamped to [0, n − 1].
const bilinear: Case[] = [
  {
    // n=2 → m=4: s = −0.25→0, 0.25, 0.75, 1.25→1, so [0, 0.25, 0.75, 1] of [0, 1] times 4.
    name: 'upsample a row 2 → 4',
    src: [0, 4],
    from: [1, 2],
    to: [1, 4],
    expected: [0, 1, 3, 4],
  },
  {
    // n=4 → m=2: s = 0.5 and 2.5, the means of pixels (0,1) and (2,3).
    name: 'downsample a row 4 → 2',
    src: [0, 2, 4, 8],
    from: [1, 4],
    to: [1, 2],
    expected: [1, 6],
  },
  {
    // Both axes 2 → 3: s = −1/6→0, 0.5, 7/6→1. Corners stay; the centre is the mean 2.5;
    // edge midpoints are the means of their two corners.
    name: 'upsample 2×2 → 3×3',
    src: [1, 2, 3, 4],
    from: [2, 2],
    to: [3, 3],
    expected: [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4],
  },
  {
    name: 'identity size',
    src: [1, 2, 3, 4, 5, 6],
    from: [2, 3],
    to: [2, 3],
    expected: [1, 2, 3, 4, 5, 6],
  },
];

// Nearest: source index min(floor((o + 0.5)·n/m), n − 1).
const nearest: Case[] = [
  {
    // n=3 → m=6: floor(0.25), floor(0.75), floor(1.25), … = 0,0,1,1,2,2.
    name: 'upsample 3 → 6 repeats each label twice',
    src: [1, 2, 3],
    from: [1, 3],
    to: [1, 6],
    expected: [1, 1, 2, 2, 3, 3],
  },
  {
    // n=5 → m=2: floor(1.25)=1, floor(3.75)=3.
    name: 'downsample 5 → 2 picks pixels 1 and 3',
    src: [0, 1, 2, 3, 4],
    from: [1, 5],
    to: [1, 2],
    expected: [1, 3],
  },
  {
    // rows 2 → 1: floor(1)=1, the second row; cols 2 → 4: 0,0,1,1.
    name: '2×2 → 1×4',
    src: [5, 6, 7, 8],
    from: [2, 2],
    to: [1, 4],
    expected: [7, 7, 8, 8],
  },
];

describe('resizeBilinear', () => {
  for (const c of bilinear) {
    test(c.name, () => {
      const out = resizeBilinear(Float32Array.from(c.src), c.from, c.to);
      assert.deepEqual([...out], c.expected);
    });
  }
  test('wrong source length names both', () => {
    assert.throws(() => resizeBilinear(new Float32Array(5), [2, 3], [4, 4]), {
      message: 'resizeBilinear: src must hold 2×3 = 6 values, got 5',
    });
  });
  test('bad target size', () => {
    assert.throws(() => resizeBilinear(new Float32Array(4), [2, 2], [0, 4]), {
      message: 'resizeBilinear: to must be [height, width] of positive integers, got [0, 4]',
    });
  });
});

describe('resizeNearest', () => {
  for (const c of nearest) {
    test(c.name, () => {
      const out = resizeNearest(Uint8Array.from(c.src), c.from, c.to);
      assert.deepEqual([...out], c.expected);
    });
  }
  test('never invents a label: output values ⊆ input values', () => {
    const src = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 3) % 4);
    const out = resizeNearest(src, [7, 5], [11, 13]);
    assert.ok([...out].every((v) => src.includes(v)));
  });
});
