import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normaliseIntensities, percentile } from './normalise.js';
import type { Normalisation } from './normalise.js';

/** Float32 results against hand values computed in float64. */
const tolerance = 1e-6;

function assertClose(actual: ArrayLike<number>, expected: number[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `[${i}] ${actual[i]} vs ${expected[i]}`,
    );
  }
}

describe('percentile (linear between order statistics, rank p/100·(n−1))', () => {
  const sorted = [1, 2, 3, 4, 5];
  const cases: [number, number][] = [
    [0, 1],
    [10, 1.4], // rank 0.4: 1 + 0.4·(2 − 1)
    [25, 2], // rank 1
    [50, 3], // rank 2
    [100, 5],
  ];
  for (const [p, expected] of cases) {
    test(`p${p} of 1..5 = ${expected}`, () => assertClose([percentile(sorted, p)], [expected]));
  }
});

interface Case {
  name: string;
  data: number[];
  spec: Normalisation;
  expected: number[];
}

const sqrt32 = Math.sqrt(3 / 2);
const cases: Case[] = [
  {
    // Non-zero values 1..5: p25 = 2, p75 = 4; (v − 2) / 2 clamped to [0, 1].
    name: 'percentile 25–75 over non-zero voxels',
    data: [0, 1, 2, 3, 4, 5],
    spec: { kind: 'percentile', low: 25, high: 75 },
    expected: [0, 0, 0, 0.5, 1, 1],
  },
  {
    // Non-zero values 2, 4, 6: μ = 4, σ² = (4 + 0 + 4) / 3, so (6 − 4) / σ = √(3/2); zeros stay 0.
    name: 'z-score over non-zero voxels',
    data: [0, 2, 4, 0, 6],
    spec: { kind: 'zscore' },
    expected: [0, -sqrt32, 0, 0, sqrt32],
  },
  {
    name: 'z-score of a constant foreground is 0',
    data: [0, 3, 3],
    spec: { kind: 'zscore' },
    expected: [0, 0, 0],
  },
  {
    // (v + 125) / 400 clamped.
    name: 'CT window [-125, 275]',
    data: [-1000, -125, 75, 275, 500],
    spec: { kind: 'window', min: -125, max: 275 },
    expected: [0, 0, 0.5, 1, 1],
  },
  {
    name: 'percentile of an all-zero volume is all zeros',
    data: [0, 0, 0],
    spec: { kind: 'percentile' },
    expected: [0, 0, 0],
  },
  {
    // p_lo = p_hi = 7: a step, 1 above 7 and 0 elsewhere.
    name: 'percentile of a constant foreground is a step',
    data: [0, 7, 7],
    spec: { kind: 'percentile' },
    expected: [0, 0, 0],
  },
  { name: 'none copies', data: [0, -3, 9], spec: { kind: 'none' }, expected: [0, -3, 9] },
];

describe('normaliseIntensities', () => {
  for (const c of cases) {
    test(c.name, () => {
      const input = Float32Array.from(c.data);
      const out = normaliseIntensities(input, c.spec);
      assertClose(out, c.expected);
      assert.notEqual(out, input, 'returns a new array');
      assert.deepEqual([...input], c.data, 'input untouched');
    });
  }
  const bad: { name: string; spec: Normalisation; message: string }[] = [
    {
      name: 'low >= high',
      spec: { kind: 'percentile', low: 90, high: 10 },
      message: 'normalise: percentiles must satisfy 0 <= low < high <= 100, got low 90, high 10',
    },
    {
      name: 'empty window',
      spec: { kind: 'window', min: 5, max: 5 },
      message: 'normalise: window must have finite min < max, got [5, 5]',
    },
    {
      name: 'unknown kind',
      spec: { kind: 'minmax' } as unknown as Normalisation,
      message: 'normalise: kind must be "percentile", "zscore", "window" or "none", got "minmax"',
    },
  ];
  for (const c of bad) {
    test(c.name, () => {
      assert.throws(() => normaliseIntensities(new Float32Array([1, 2]), c.spec), {
        message: c.message,
      });
    });
  }
});
