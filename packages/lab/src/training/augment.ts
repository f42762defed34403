/**
 * Light augmentation on typed arrays, as the survey's setup uses: random horizontal and vertical
 * flips and 90° rotations of square images. One random draw gives a pixel permutation that is
 * applied identically to the image, the label and any per-pixel target maps.
 */
import type { Random } from '../util/random.js';

/**
 * For output pixel i, the index of its source pixel, after `rotations` quarter turns and the
 * given flips of a `size`×`size` image.
 */
export function augmentationIndex(
  size: number,
  rotations: number,
  flipY: boolean,
  flipX: boolean,
): Int32Array {
  const index = new Int32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sy = flipY ? size - 1 - y : y;
      let sx = flipX ? size - 1 - x : x;
      for (let r = 0; r < rotations; r++) {
        const t = sy;
        sy = size - 1 - sx;
        sx = t;
      }
      index[y * size + x] = sy * size + sx;
    }
  }
  return index;
}

/** A random flip/rotation permutation. */
export function randomAugmentation(size: number, random: Random): Int32Array {
  const rotations = random.int(4);
  const flipY = random.next() < 0.5;
  const flipX = random.next() < 0.5;
  return augmentationIndex(size, rotations, flipY, flipX);
}

/** Writes `source` permuted by `index` into `out` (`channels` values per pixel, interleaved). */
export function permutePixels<T extends Float32Array | Uint8Array | Int32Array>(
  source: T,
  index: Int32Array,
  channels: number,
  out: T,
  offset = 0,
): void {
  for (let i = 0; i < index.length; i++) {
    const from = index[i] * channels;
    const to = offset + i * channels;
    for (let k = 0; k < channels; k++) out[to + k] = source[from + k];
  }
}
