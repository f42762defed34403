import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countClasses } from './class-counts.js';

test('countClasses counts every class, absent ones as 0', () => {
  assert.deepEqual(countClasses(Uint8Array.from([0, 2, 2, 0, 0]), 4), [3, 0, 2, 0]);
});

test('countClasses rejects a class beyond numClasses', () => {
  assert.throws(() => countClasses(Uint8Array.from([0, 3]), 3), {
    message: 'countClasses: labels hold class 3, expected 0..2',
  });
});
