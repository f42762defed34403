import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { SeglossesError } from '../core/errors.js';
import {
  defaultEmptyMaskPolicy,
  emptyCaseValue,
  emptyMaskPolicies,
  presenceCase,
  resolveEmptyMaskPolicy,
} from './empty-policy.js';
import type { EmptyMaskPolicyName } from './empty-policy.js';

test('presenceCase names the four cases from the element counts', () => {
  assert.equal(presenceCase(3, 2), 'bothPresent');
  assert.equal(presenceCase(0, 0), 'bothEmpty');
  assert.equal(presenceCase(0, 2), 'targetEmpty');
  assert.equal(presenceCase(3, 0), 'predEmpty');
});

describe('every preset, every empty case (perfect = 1 / 0, worst = 0 / 100)', () => {
  // [bothEmpty, targetEmpty, predEmpty] for overlap (perfect 1, worst 0) and distance (perfect
  // 0, worst 100); NaN = excluded. These rows are the table of empty-policy.ts.
  const table: Record<EmptyMaskPolicyName, { overlap: number[]; distance: number[] }> = {
    excludeBothEmpty: { overlap: [NaN, 0, 0], distance: [NaN, 100, 100] },
    exclude: { overlap: [NaN, NaN, NaN], distance: [NaN, NaN, NaN] },
    transunet: { overlap: [0, 1, 0], distance: [0, 0, 0] },
    brats: { overlap: [1, 0, 0], distance: [0, 100, 100] },
  };
  const cases = ['bothEmpty', 'targetEmpty', 'predEmpty'] as const;
  for (const [name, expected] of Object.entries(table)) {
    test(name, () => {
      const policy = resolveEmptyMaskPolicy('t', name as EmptyMaskPolicyName);
      assert.equal(policy.name, name);
      for (const [k, kind] of cases.entries()) {
        assert.deepEqual(emptyCaseValue(policy.overlap, kind, 1, 0), expected.overlap[k], kind);
        assert.deepEqual(emptyCaseValue(policy.distance, kind, 0, 100), expected.distance[k], kind);
      }
    });
  }
  test('the default is excludeBothEmpty', () => {
    assert.equal(defaultEmptyMaskPolicy, 'excludeBothEmpty');
    assert.equal(resolveEmptyMaskPolicy('t', undefined), emptyMaskPolicies.excludeBothEmpty);
  });
});

test('a custom policy with fixed numbers', () => {
  const policy = resolveEmptyMaskPolicy('t', {
    overlap: { bothEmpty: 'perfect', targetEmpty: 0.5, predEmpty: 'worst' },
    distance: { bothEmpty: 'exclude', targetEmpty: 373.13, predEmpty: Infinity },
  });
  assert.equal(policy.name, 'custom');
  assert.equal(emptyCaseValue(policy.overlap, 'targetEmpty', 1, 0), 0.5);
  assert.equal(emptyCaseValue(policy.distance, 'targetEmpty', 0, 9), 373.13);
  assert.equal(emptyCaseValue(policy.distance, 'predEmpty', 0, 9), Infinity);
});

describe('bad policies', () => {
  const cases: { name: string; option: unknown; message: RegExp }[] = [
    {
      name: 'unknown preset suggests the nearest',
      option: 'transUnet ',
      message:
        /^t: emptyPolicy must be one of .*, got "transUnet " \(did you mean "transunet"\?\)$/,
    },
    {
      name: 'a missing case',
      option: { overlap: { bothEmpty: 'exclude', targetEmpty: 'worst' }, distance: {} },
      message:
        /^t: emptyPolicy\.overlap\.predEmpty must be "exclude", "perfect", "worst" or a number/,
    },
    {
      name: 'NaN as a fixed value (use "exclude")',
      option: {
        overlap: { bothEmpty: NaN, targetEmpty: 0, predEmpty: 0 },
        distance: { bothEmpty: 0, targetEmpty: 0, predEmpty: 0 },
      },
      message: /emptyPolicy\.overlap\.bothEmpty must be .* \(not NaN\), got NaN$/,
    },
    {
      name: 'a misspelt case name',
      option: {
        overlap: { bothEmpty: 0, targetEmpty: 0, predEmpty: 0, predempty: 0 },
        distance: { bothEmpty: 0, targetEmpty: 0, predEmpty: 0 },
      },
      message:
        /^t: unknown empty case "predempty" in emptyPolicy\.overlap \(did you mean "predEmpty"\?\)/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => resolveEmptyMaskPolicy('t', c.option as never),
        (error: unknown) => error instanceof SeglossesError && c.message.test(error.message),
      );
    });
  }
});
