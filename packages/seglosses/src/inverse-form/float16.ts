/**
 * Storage of the InverseForm weights as text: IEEE half-precision values (round to nearest, ties
 * to even) in base64, so the library embeds them in a plain TypeScript module that bundlers and
 * browsers load like any other code (no file system, no JSON import attributes, no `Buffer`).
 * Half precision keeps 11 significant bits — a relative error of at most 2⁻¹¹ ≈ 5e-4 per weight,
 * whose effect on the network's output is measured by the training script.
 */

import { fail } from '../core/errors.js';

const scratch = new DataView(new ArrayBuffer(4));

/** The half-precision bit pattern nearest to `value` (overflow to ±∞, subnormals kept). */
export function toHalfBits(value: number): number {
  scratch.setFloat32(0, value);
  const bits = scratch.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    // Subnormal half: shift the full significand (implicit 1 included) into 10 bits.
    const full = mantissa | 0x800000;
    const shift = 14 - e;
    const half = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    const up = rest > midpoint || (rest === midpoint && (half & 1) === 1);
    return sign | (half + (up ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  const up = rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1);
  // A carry out of the mantissa correctly bumps the exponent (up to ∞).
  return sign | (half + (up ? 1 : 0));
}

/** The value of a half-precision bit pattern. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with `=` padding) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(n >>> 18) & 63] + alphabet[(n >>> 12) & 63];
    out += i + 1 < bytes.length ? alphabet[(n >>> 6) & 63] : '=';
    out += i + 2 < bytes.length ? alphabet[n & 63] : '=';
  }
  return out;
}

/** Bytes of a standard base64 string; throws on characters outside the alphabet. */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let j = 0;
  for (const char of clean) {
    const v = alphabet.indexOf(char);
    if (v < 0) fail('decodeBase64', 'text', 'base64', JSON.stringify(char));
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[j++] = (buffer >>> bits) & 0xff;
    }
  }
  return bytes;
}

/** Float values → half precision → little-endian bytes → base64. */
export function encodeHalfBase64(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const h = toHalfBits(values[i]);
    bytes[2 * i] = h & 0xff;
    bytes[2 * i + 1] = h >>> 8;
  }
  return encodeBase64(bytes);
}

/** Inverse of {@link encodeHalfBase64}. */
export function decodeHalfBase64(text: string): Float32Array {
  const bytes = decodeBase64(text);
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++)
    out[i] = fromHalfBits(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  return out;
}
