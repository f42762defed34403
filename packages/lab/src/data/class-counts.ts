/**
 * Pixel counts per class, for reporting class imbalance and deriving class weights.
 */
import { dataError } from './errors.js';

/** How many entries of `labels` hold each class `0..numClasses − 1`. */
export function countClasses(labels: Uint8Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of labels) {
    if (c >= numClasses) {
      dataError('countClasses', `labels hold class ${c}, expected 0..${numClasses - 1}`);
    }
    counts[c]++;
  }
  return counts;
}
