/**
 * Options shared by the overlap-based region losses (Dice, Jaccard, Tversky, …): how the soft
 * statistics are pooled and what a class absent from the target contributes. Implemented once, in
 * `overlap.ts`.
 */
import type { OptionSpec } from '../options.js';

export const regionOptions = {
  pooling: {
    type: 'enum',
    default: 'image-class',
    values: ['image-class', 'class', 'image', 'all'],
    doc:
      "What each ratio is computed over: 'image-class' one per image and class (MONAI, " +
      "nnU-Net), 'class' one per class with the batch pooled (smp, MONAI batch=True), " +
      "'image' one per image with the classes pooled (kornia 'micro'), 'all' one over " +
      'everything (Jadon, Abraham).',
  },
  absentClasses: {
    type: 'enum',
    default: 'keep',
    values: ['keep', 'zero', 'drop'],
    doc:
      "A pool without target pixels: 'keep' its term (MONAI), 'zero' it but still count it " +
      "in the mean (smp), 'drop' it from the mean.",
  },
} as const satisfies Record<string, OptionSpec>;
