import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  decodeBase64,
  decodeHalfBase64,
  encodeBase64,
  encodeHalfBase64,
  fromHalfBits,
  toHalfBits,
} from './float16.js';

test('half precision: exact values, ties to even, subnormals, overflow', () => {
  // [value, IEEE binary16 bits]: 1 + 2⁻¹¹ lies halfway between 1 and 1 + 2⁻¹⁰ and goes to the
  // even mantissa (1); 1 + 3·2⁻¹¹ lies halfway between mantissas 1 and 2 and goes to 2.
  // 65520 is halfway between the largest half (65504) and 2¹⁶, and rounds to ∞ (odd 0x3ff).
  // 2⁻²⁴ is the smallest subnormal; 2⁻²⁵ is halfway to 0 and rounds to 0.
  const cases: [number, number][] = [
    [0, 0x0000],
    [1, 0x3c00],
    [-2.5, 0xc100],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [65504, 0x7bff],
    [65520, 0x7c00],
    [2 ** -24, 0x0001],
    [2 ** -25, 0x0000],
    [3 * 2 ** -26, 0x0001],
    [Infinity, 0x7c00],
  ];
  for (const [value, bits] of cases) {
    assert.equal(toHalfBits(value), bits, `bits of ${value}`);
  }
  assert.equal(fromHalfBits(0x3c02), 1 + 2 ** -9);
  assert.equal(fromHalfBits(0x0001), 2 ** -24);
  assert.ok(Number.isNaN(fromHalfBits(toHalfBits(NaN))));
  assert.ok(Object.is(fromHalfBits(toHalfBits(-0)), -0));
});

test('half precision: relative rounding error at most 2⁻¹¹ in the normal range', () => {
  for (let i = 0; i < 1000; i++) {
    const value = Math.sin(i * 12.9898) * 10 ** ((i % 9) - 4);
    if (Math.abs(value) < 2 ** -14) continue;
    const back = fromHalfBits(toHalfBits(value));
    assert.ok(Math.abs(back - value) <= 2 ** -11 * Math.abs(value), `${value} → ${back}`);
  }
});

test('base64: RFC 4648 examples, padding, round trip, and bad input', () => {
  const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  // RFC 4648 §10 test vectors.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];
  for (const [plain, encoded] of vectors) {
    assert.equal(encodeBase64(bytes(plain)), encoded);
    assert.deepEqual(Array.from(decodeBase64(encoded)), Array.from(bytes(plain)));
  }
  const values = [0, 1, -2.5, 0.1, 65504];
  const decoded = Array.from(decodeHalfBase64(encodeHalfBase64(values)));
  assert.deepEqual(decoded, [0, 1, -2.5, fromHalfBits(toHalfBits(0.1)), 65504]);
  assert.throws(() => decodeBase64('Zm9v!'), /decodeBase64: text must be base64, got "!"/);
});
