/**
 * Confusion matrix of two label maps of any shape: counts[t·C + p] is the number of elements
 * whose target label is t and predicted label is p (rows = target, columns = prediction, as in
 * scikit-learn and mmsegmentation). Elements whose target equals `ignoreIndex` are not counted,
 * whatever their prediction. Counts are float64 (exact up to 2⁵³), so matrices of whole data
 * sets accumulate with {@link sumConfusionMatrices} without overflow.
 *
 * From it: per class, TP = counts[c·C + c], FN = row sum − TP, FP = column sum − TP, which is all
 * that Dice and IoU need (`overlap.ts`), and mIoU over a data set comes from the summed matrix.
 *
 * @example
 *   const cm = confusionMatrix([0, 1, 1, 255], [0, 1, 0, 255], 2); // ignoreIndex 255 by default
 *   cm.counts; // [1, 1, 0, 1]: one 0→0, one target-0 predicted 1, one 1→1
 */
import { describe, fail } from '../core/errors.js';
import { checkOptionNames } from '../geometry/validate.js';

/** A C×C confusion matrix, row-major, rows = target class, columns = predicted class. */
export interface ConfusionMatrix {
  readonly numClasses: number;
  readonly counts: Float64Array;
}

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Target label whose elements are left out (null: none). Default 255, as in the losses. */
  readonly ignoreIndex?: number | null;
}

/** Checks `numClasses` (a positive integer) for `who`. */
export function checkNumClasses(who: string, numClasses: unknown): number {
  if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < 1) {
    fail(who, 'numClasses', 'a positive integer', describe(numClasses));
  }
  return numClasses;
}

/** Checks the `ignoreIndex` option (an integer or null; default 255). */
export function checkIgnoreIndex(who: string, ignoreIndex: unknown): number | null {
  if (ignoreIndex === undefined) return 255;
  if (ignoreIndex === null) return null;
  if (typeof ignoreIndex !== 'number' || !Number.isInteger(ignoreIndex)) {
    fail(who, 'ignoreIndex', 'an integer or null', describe(ignoreIndex));
  }
  return ignoreIndex;
}

/** Confusion matrix of the label maps `pred` and `target` (same length) with `numClasses`. */
export function confusionMatrix(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  numClasses: number,
  options: ConfusionMatrixOptions = {},
): ConfusionMatrix {
  const who = 'confusionMatrix';
  checkOptionNames(who, options, ['ignoreIndex']);
  const C = checkNumClasses(who, numClasses);
  const ignore = checkIgnoreIndex(who, options.ignoreIndex);
  if (pred.length !== target.length) {
    fail(who, 'pred length', `equal to the target length ${target.length}`, `${pred.length}`);
  }
  const counts = new Float64Array(C * C);
  const targetRange =
    `an integer in [0, ${C})` + (ignore === null ? '' : ` or ${ignore} (ignored)`);
  for (let i = 0; i < target.length; i++) {
    const t = target[i];
    if (t === ignore) continue;
    const p = pred[i];
    // One range-and-integer test per label: (x >>> 0) === x holds for integers in [0, 2³²).
    if (!(t < C && t >>> 0 === t)) {
      fail(who, `target[${i}]`, targetRange, `${t}`);
    }
    if (!(p < C && p >>> 0 === p)) {
      fail(who, `pred[${i}]`, `an integer in [0, ${C})`, `${p}`);
    }
    counts[t * C + p]++;
  }
  return { numClasses: C, counts };
}

/** Element-wise sum of confusion matrices with the same number of classes (a new matrix). */
export function sumConfusionMatrices(matrices: readonly ConfusionMatrix[]): ConfusionMatrix {
  const who = 'sumConfusionMatrices';
  if (matrices.length === 0) fail(who, 'matrices', 'a non-empty array', 'an empty array');
  const C = matrices[0].numClasses;
  const counts = new Float64Array(C * C);
  for (const [index, m] of matrices.entries()) {
    if (m.numClasses !== C || m.counts.length !== C * C) {
      fail(
        who,
        `matrices[${index}]`,
        `a ${C}×${C} matrix like matrices[0]`,
        `${m.numClasses} classes`,
      );
    }
    for (let i = 0; i < counts.length; i++) counts[i] += m.counts[i];
  }
  return { numClasses: C, counts };
}

/** Fails unless `matrix` is a ConfusionMatrix: integer numClasses C ≥ 1, counts of length C². */
export function checkConfusionMatrix(who: string, matrix: unknown): void {
  const m = matrix as Partial<ConfusionMatrix> | null;
  const C = typeof m === 'object' && m !== null ? m.numClasses : undefined;
  const ok =
    typeof C === 'number' &&
    Number.isInteger(C) &&
    C >= 1 &&
    m?.counts instanceof Float64Array &&
    m.counts.length === C * C;
  if (!ok) {
    fail(
      who,
      'the matrix',
      'a ConfusionMatrix { numClasses: C, counts: Float64Array(C²) }',
      describe(matrix),
    );
  }
}

/** Per class: TP, elements in the target (row sums) and in the prediction (column sums). */
export interface ClassCounts {
  readonly truePositive: Float64Array;
  readonly targetCount: Float64Array;
  readonly predCount: Float64Array;
}

/** Reads TP and the row and column sums of every class off a confusion matrix. */
export function classCounts(matrix: ConfusionMatrix): ClassCounts {
  const C = matrix.numClasses;
  const truePositive = new Float64Array(C);
  const targetCount = new Float64Array(C);
  const predCount = new Float64Array(C);
  for (let t = 0; t < C; t++) {
    for (let p = 0; p < C; p++) {
      const n = matrix.counts[t * C + p];
      targetCount[t] += n;
      predCount[p] += n;
    }
    truePositive[t] = matrix.counts[t * C + t];
  }
  return { truePositive, targetCount, predCount };
}
