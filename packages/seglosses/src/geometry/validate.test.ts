import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SeglossesError } from '../core/errors.js';
import { checkChoice, checkOptionNames, checkPositiveInteger } from './validate.js';

function throwsMessage(run: () => unknown, message: string): void {
  assert.throws(run, (e: unknown) => e instanceof SeglossesError && e.message === message);
}

test('checkOptionNames: known names pass; unknown ones fail with the nearest name', () => {
  checkOptionNames('f', { spacing: 1 }, ['spacing', 'zeroLevel']);
  throwsMessage(
    () => checkOptionNames('f', { zerolevel: 'x' }, ['spacing', 'zeroLevel']),
    'f: unknown option "zerolevel" (did you mean "zeroLevel"?); valid options: spacing, zeroLevel',
  );
  throwsMessage(
    () => checkOptionNames('f', null as never, []),
    'f: options must be an object, got null',
  );
});

test('checkChoice and checkPositiveInteger: defaults, valid values, messages', () => {
  assert.equal(checkChoice('f', 'mode', undefined, ['a', 'b'], 'b'), 'b');
  assert.equal(checkChoice('f', 'mode', 'a', ['a', 'b'], 'b'), 'a');
  throwsMessage(
    () => checkChoice('f', 'mode', 'zebra' as never, ['a', 'b'], 'b'),
    'f: mode must be one of "a", "b", got "zebra"',
  );
  assert.equal(checkPositiveInteger('f', 'width', undefined, 1), 1);
  assert.equal(checkPositiveInteger('f', 'width', 3, 1), 3);
  throwsMessage(
    () => checkPositiveInteger('f', 'width', 1.5, 1),
    'f: width must be a positive integer, got 1.5',
  );
});
