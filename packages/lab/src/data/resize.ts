/**
 * Resizes 2D row-major images on typed arrays: bilinear for intensities, nearest-neighbour for
 * labels (so no class value is invented between two others).
 *
 * Both use half-pixel centres, the convention of `tf.image.resize*` with `halfPixelCenters`,
 * OpenCV and PyTorch's `align_corners=False`: output pixel `o` of an axis resized from `n` to `m`
 * samples the source at `s = (o + 0.5) · n / m − 0.5`. Bilinear interpolates between
 * `floor(s)` and `floor(s) + 1` with weight `s − floor(s)`, clamping `s` to `[0, n − 1]` (edge
 * pixels are repeated). Nearest takes `min(floor((o + 0.5) · n / m), n − 1)`. Pixel `o` thus
 * covers the same physical extent `n / m` source pixels wide, which is what makes the spacing
 * after resizing `spacing · n / m`.
 *
 * Downsampling by more than 2× skips source pixels (no anti-aliasing filter is applied).
 */
import { dataError } from './errors.js';

/** `[height, width]` of a 2D image. */
export type Size2D = readonly [number, number];

interface Taps {
  low: Int32Array;
  high: Int32Array;
  weight: Float32Array;
}

/** Bilinear resize of `src` (`from[0]` rows × `from[1]` columns) to `to`. */
export function resizeBilinear(src: Float32Array, from: Size2D, to: Size2D): Float32Array {
  checkSizes('resizeBilinear', src.length, from, to);
  const [h, w] = from;
  const [outH, outW] = to;
  const rows = bilinearTaps(h, outH);
  const cols = bilinearTaps(w, outW);
  const out = new Float32Array(outH * outW);
  for (let i = 0; i < outH; i++) {
    const top = rows.low[i] * w;
    const bottom = rows.high[i] * w;
    const wy = rows.weight[i];
    for (let j = 0; j < outW; j++) {
      const l = cols.low[j];
      const r = cols.high[j];
      const wx = cols.weight[j];
      const upper = src[top + l] + (src[top + r] - src[top + l]) * wx;
      const lower = src[bottom + l] + (src[bottom + r] - src[bottom + l]) * wx;
      out[i * outW + j] = upper + (lower - upper) * wy;
    }
  }
  return out;
}

/** Nearest-neighbour resize of the label image `src` to `to`. */
export function resizeNearest(src: Uint8Array, from: Size2D, to: Size2D): Uint8Array {
  checkSizes('resizeNearest', src.length, from, to);
  const [h, w] = from;
  const [outH, outW] = to;
  const rows = nearestTaps(h, outH);
  const cols = nearestTaps(w, outW);
  const out = new Uint8Array(outH * outW);
  for (let i = 0; i < outH; i++) {
    const row = rows[i] * w;
    for (let j = 0; j < outW; j++) out[i * outW + j] = src[row + cols[j]];
  }
  return out;
}

function bilinearTaps(n: number, m: number): Taps {
  const low = new Int32Array(m);
  const high = new Int32Array(m);
  const weight = new Float32Array(m);
  const scale = n / m;
  for (let o = 0; o < m; o++) {
    const s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), n - 1);
    low[o] = Math.floor(s);
    high[o] = Math.min(low[o] + 1, n - 1);
    weight[o] = s - low[o];
  }
  return { low, high, weight };
}

function nearestTaps(n: number, m: number): Int32Array {
  const taps = new Int32Array(m);
  const scale = n / m;
  for (let o = 0; o < m; o++) taps[o] = Math.min(Math.floor((o + 0.5) * scale), n - 1);
  return taps;
}

function checkSizes(who: string, length: number, from: Size2D, to: Size2D): void {
  for (const [name, size] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!size.every((d) => Number.isInteger(d) && d >= 1)) {
      dataError(
        who,
        `${name} must be [height, width] of positive integers, got [${size.join(', ')}]`,
      );
    }
  }
  if (length !== from[0] * from[1]) {
    dataError(
      who,
      `src must hold ${from[0]}×${from[1]} = ${from[0] * from[1]} values, got ${length}`,
    );
  }
}
