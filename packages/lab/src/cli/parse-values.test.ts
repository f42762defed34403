import assert from 'node:assert/strict';
import { test } from 'node:test';

import { commaList, integerAtLeast, positiveNumber } from './parse-values.js';

test('commaList: splits on commas outside parentheses', () => {
  assert.deepEqual(commaList('dice, focal+dice,dice+ramp(0,1,500)*cross-entropy'), [
    'dice',
    'focal+dice',
    'dice+ramp(0,1,500)*cross-entropy',
  ]);
  assert.throws(() => commaList('dice,,focal'), /without empty items/);
});

test('number parsers: name what they expected and what they got', () => {
  assert.equal(integerAtLeast(1)('3'), 3);
  assert.throws(() => integerAtLeast(1)('0'), /expected an integer >= 1, got "0"/);
  assert.throws(() => integerAtLeast(1)('2.5'), /got "2.5"/);
  assert.equal(positiveNumber('1e-2'), 0.01);
  assert.throws(() => positiveNumber('-1'), /expected a positive number, got "-1"/);
});
