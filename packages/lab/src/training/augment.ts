/**
 * Light augmentation on typed arrays, as the survey's setup uses: random horizontal and vertical
 * flips and 90° rotations (square images only), applied identically to image and label.
 */
import type { Random } from '../util/random.js';

/** Index of the source pixel for output (y, x) after `rotations` quarter turns and flips. */
function sourceIndex(
  y: number,
  x: number,
  size: number,
  rotations: number,
  flipY: boolean,
  flipX: boolean,
): number {
  let sy = flipY ? size - 1 - y : y;
  let sx = flipX ? size - 1 - x : x;
  for (let r = 0; r < rotations; r++) {
    const t = sy;
    sy = size - 1 - sx;
    sx = t;
  }
  return sy * size + sx;
}

/** Writes an augmented copy of a square image and its label into the given buffers. */
export function augmentSquare(
  image: Float32Array,
  label: Uint8Array,
  size: number,
  random: Random,
  outImage: Float32Array,
  outLabel: Uint8Array,
): void {
  const rotations = random.int(4);
  const flipY = random.next() < 0.5;
  const flipX = random.next() < 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = sourceIndex(y, x, size, rotations, flipY, flipX);
      outImage[y * size + x] = image[from];
      outLabel[y * size + x] = label[from];
    }
  }
}
