/**
 * Soft overlap statistics shared by the region losses: per (image, class) — or pooled over the
 * batch, the classes or both — the soft true positives Σ p·t, the prediction mass Σ p and the
 * target mass Σ t, with ignored pixels left out and the background channel dropped on request.
 */
import * as tf from '@tensorflow/tfjs-core';

import { SeglossesError, notSupported } from '../core/errors.js';
import { fusedKernelsActive } from '../kernels/fused-kernels.js';
import { fusedSoftmaxOverlap, overlapStatisticNames } from '../kernels/softmax-overlap.js';
import type { Reduction } from './options.js';
import type { PreparedInput } from './prepare.js';
import { reduceTerms } from './reduce.js';

/**
 * Which axes a statistic is summed over, and so the shape of the per-pool terms:
 * 'image-class' `[B,C]` (MONAI, nnU-Net), 'class' `[C]` (batch pooled: smp, MONAI batch=True),
 * 'image' `[B]` (classes pooled per image: kornia "micro"), 'all' `[]` (everything flattened:
 * Jadon, Abraham).
 */
export type Pooling = 'image-class' | 'class' | 'image' | 'all';

/**
 * What a pool without target pixels contributes: 'keep' its term (MONAI), 'zero' it but still
 * count it in the mean (smp), or 'drop' it from the mean.
 */
export type AbsentClasses = 'keep' | 'zero' | 'drop';

const poolAxes: Readonly<Record<Pooling, number[]>> = {
  'image-class': [1, 2],
  class: [0, 1, 2],
  image: [1, 2, 3],
  all: [0, 1, 2, 3],
};

/** Shape of the per-pool terms, for `unreducedShape` docs. */
export const pooledShape: Readonly<Record<Pooling, string>> = {
  'image-class': '[B,C]',
  class: '[C]',
  image: '[B]',
  all: '[] (a scalar)',
};

/** The `unreducedShape` text of a loss whose terms follow `pooling`. */
export function pooledShapeText(defaultPooling: Pooling = 'image-class'): string {
  const order = [defaultPooling, ...Object.keys(pooledShape).filter((p) => p !== defaultPooling)];
  return order
    .map(
      (p) =>
        `pooling '${p}'${p === defaultPooling ? ' (default)' : ''}: ${pooledShape[p as Pooling]}`,
    )
    .join('; ');
}

export interface OverlapOptions {
  /** Sum over the batch too: the same as `pooling: 'class'` (kept for existing callers). */
  readonly batch?: boolean;
  /** Axes summed over (default 'image-class', or 'class' with `batch: true`). */
  readonly pooling?: Pooling;
  readonly includeBackground: boolean;
  /** Use Σ p² and Σ t² for the masses (Milletari's squared denominator). */
  readonly squared?: boolean;
  /** Clip p and 1 − p to [clip, 1 − clip] first, as Keras code does with its epsilon (0: none). */
  readonly clip?: number;
}

export interface Overlap {
  /** Σ p·t */
  readonly tp: tf.Tensor;
  /** Σ p (or Σ p² when squared) */
  readonly predMass: tf.Tensor;
  /** Σ t (or Σ t² when squared) */
  readonly targetMass: tf.Tensor;
  /** Σ p·(1−t), summed directly (unsquared; no cancellation when p ≈ t) */
  readonly fp: tf.Tensor;
  /** Σ (1−p)·t, with 1 − p from `complementProbs` (unsquared; accurate when p ≈ 1) */
  readonly fn: tf.Tensor;
}

/** Drops channel 0 of a `[..., C]` tensor when the background is excluded and C > 1. */
export function dropBackground<T extends tf.Tensor>(x: T, includeBackground: boolean): T {
  const channels = x.shape[x.rank - 1];
  if (includeBackground || channels === 1) return x;
  const begin = x.shape.map((_, i) => (i === x.rank - 1 ? 1 : 0));
  const size = x.shape.map((d, i) => (i === x.rank - 1 ? d - 1 : d));
  return tf.slice(x, begin, size) as T;
}

/** Probabilities and target with ignored pixels zeroed, background dropped on request. */
export function maskedPair(
  input: PreparedInput,
  includeBackground: boolean,
): { probs: tf.Tensor4D; target: tf.Tensor4D } {
  const valid = input.valid;
  const probs = tf.mul(input.probs, valid) as tf.Tensor4D;
  const target = tf.mul(input.target, valid) as tf.Tensor4D;
  return {
    probs: dropBackground(probs, includeBackground),
    target: dropBackground(target, includeBackground),
  };
}

/** The pooling an `OverlapOptions` asks for. */
function poolingOf(options: OverlapOptions): Pooling {
  return options.pooling ?? (options.batch ? 'class' : 'image-class');
}

/** Sums a masked `[B,H,W,C]` tensor over the axes of a pooling. */
export function poolSum(x: tf.Tensor, pooling: Pooling): tf.Tensor {
  return tf.sum(x, poolAxes[pooling]);
}

/**
 * Computes the soft overlap statistics of a prepared input. `fp` and `fn` are computed only when
 * read, as direct sums, so `1 − TP/(…)`-style losses can be written as error/(…) and stay
 * accurate (relative to their size) for a near-perfect prediction.
 */
export function overlapStatistics(input: PreparedInput, options: OverlapOptions): Overlap {
  const pooling = poolingOf(options);
  const clip = options.clip ?? 0;
  const fused = fusedOverlapStatistics(input, options);
  if (fused !== null) return fused;
  const keep = options.includeBackground;
  const valid = input.valid;
  const clipped = (x: tf.Tensor4D): tf.Tensor4D =>
    clip > 0 ? tf.clipByValue(x, clip, 1 - clip) : x;
  const probs = dropBackground(tf.mul(clipped(input.probs), valid) as tf.Tensor4D, keep);
  const target = dropBackground(tf.mul(input.target, valid) as tf.Tensor4D, keep);
  const tp = poolSum(tf.mul(probs, target), pooling);
  const predMass = poolSum(options.squared ? tf.square(probs) : probs, pooling);
  const targetMass = poolSum(options.squared ? tf.square(target) : target, pooling);
  let fp: tf.Tensor | undefined;
  let fn: tf.Tensor | undefined;
  return {
    tp,
    predMass,
    targetMass,
    get fp() {
      fp ??= poolSum(tf.mul(probs, tf.sub(1, target)), pooling);
      return fp;
    },
    get fn() {
      if (fn === undefined) {
        const complement = dropBackground(clipped(input.complementProbs), keep);
        fn = poolSum(tf.mul(complement, target), pooling);
      }
      return fn;
    },
  };
}

/** The statistics the fused kernel adds to {@link Overlap}, pooled the same way. */
export interface SquaredErrorStatistics extends Overlap {
  /** Σ p²·(1−t): the squared error on the pixels outside the class */
  readonly fp2: tf.Tensor;
  /** Σ (1−p)²·t: the squared error on the class's pixels */
  readonly fn2: tf.Tensor;
  /** Σ v: the number of pixels that are not ignored, in every pool of every class */
  readonly validMass: tf.Tensor;
}

/**
 * The statistics from the fused kernel (`kernels/softmax-overlap.ts`: one pass each way
 * instead of a dozen tensor ops over B·H·W·C values) when it applies — softmax, integer
 * labels, a backend with fused kernels — else null. It sums per image and class; other
 * poolings add up those [B,C] sums. Σ t and Σ v depend on the labels only: they come off the
 * tape, as in the composed form, so losses may apply ops without gradients to them.
 */
export function fusedOverlapStatistics(
  input: PreparedInput,
  options: OverlapOptions,
): SquaredErrorStatistics | null {
  const labels = input.labels;
  if (input.options.activation !== 'softmax' || labels === null || !fusedKernelsActive()) {
    return null;
  }
  const pooling = poolingOf(options);
  const stats = fusedSoftmaxOverlap(input.yPred, labels, {
    ignoreIndex: input.options.ignoreIndex,
    squared: options.squared ?? false,
    clip: options.clip ?? 0,
  });
  const [, batch, classes] = stats.shape;
  const pick = (name: (typeof overlapStatisticNames)[number]): tf.Tensor => {
    const k = overlapStatisticNames.indexOf(name);
    let perImage = tf.reshape(tf.slice(stats, [k, 0, 0], [1, batch, classes]), [batch, classes]);
    if (name === 'tm' || name === 'vm')
      perImage = tf.tensor2d(perImage.dataSync(), [batch, classes]);
    const kept = dropBackground(perImage, options.includeBackground);
    if (pooling === 'image-class') return kept;
    if (pooling === 'class') return tf.sum(kept, 0);
    return pooling === 'image' ? tf.sum(kept, 1) : tf.sum(kept);
  };
  const lazy = new Map<string, tf.Tensor>();
  const once = (name: (typeof overlapStatisticNames)[number]): tf.Tensor => {
    let value = lazy.get(name);
    if (value === undefined) {
      value = pick(name);
      lazy.set(name, value);
    }
    return value;
  };
  return {
    get tp() {
      return once('tp');
    },
    get predMass() {
      return once('pm');
    },
    get targetMass() {
      return once('tm');
    },
    get fp() {
      return once('fp');
    },
    get fn() {
      return once('fn');
    },
    get fp2() {
      return once('fp2');
    },
    get fn2() {
      return once('fn2');
    },
    get validMass() {
      return once('vm');
    },
  };
}

/** Divides by a denominator floored at 1e-7 (smp's eps), so `smooth: 0` stays finite. */
export function safeDivide(numerator: tf.Tensor, denominator: tf.Tensor): tf.Tensor {
  return tf.div(numerator, tf.maximum(denominator, 1e-7));
}

/**
 * a/(a + b) for a, b ≥ 0 — the shape of every "1 − overlap ratio" loss written in error form
 * (a: the error mass, b: what the ratio's numerator keeps) — with exact partial derivatives
 *   ∂/∂a = b/(a + b)²,   ∂/∂b = −a/(a + b)².
 * Differentiating the quotient naively gives ∂/∂a = 1/(a + b) − a/(a + b)², which cancels in
 * float32 when a ≫ b (a class absent from the target, an image without foreground) and leaves
 * rounding noise far larger than the true, tiny slope. The denominator is floored at `floor`
 * (default 1e-7, like `safeDivide`); below it the derivatives are those of a/floor.
 */
function errorFractionOp(floor: number) {
  return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const total = tf.add(a, b);
    const floored = tf.cast(tf.less(total, floor), 'float32');
    const denominator = tf.maximum(total, floor);
    save([a, b, denominator, floored]);
    return {
      value: tf.div(a, denominator),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb, den, low] = saved;
        const high = tf.sub(1, low);
        const squared = tf.square(den);
        const da = tf.add(tf.mul(high, tf.div(sb, squared)), tf.div(low, den));
        const db = tf.mul(high, tf.neg(tf.div(sa, squared)));
        return [tf.mul(dy, da), tf.mul(dy, db)];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]);
}

const flooredAt1e7 = errorFractionOp(1e-7);

/** a/(a + b) with the exact gradient above; `floor` 0 is for a denominator known positive. */
export function errorFraction(a: tf.Tensor, b: tf.Tensor, floor = 1e-7): tf.Tensor {
  return (floor === 1e-7 ? flooredAt1e7 : errorFractionOp(floor))(a, b);
}

/**
 * 1 − TI for the Tversky index TI = (TP + s)/(TP + α·FP + β·FN + s), written as
 * (α·FP + β·FN)/(TP + α·FP + β·FN + s): equal, but without the cancellation of 1 − TI, so a
 * near-perfect term keeps its relative accuracy (α = β = 1 gives 1 − IoU).
 */
export function tverskyError(
  stats: Overlap,
  alpha: number,
  beta: number,
  smooth: number,
): tf.Tensor {
  const error = tf.add(tf.mul(stats.fp, alpha), tf.mul(stats.fn, beta));
  return errorFraction(error, tf.add(stats.tp, smooth));
}

export interface RegionReduceOptions {
  readonly classWeights: readonly number[] | null;
  readonly includeBackground: boolean;
  readonly pooling: Pooling;
  readonly absentClasses: AbsentClasses;
  readonly reduction: Reduction;
}

/**
 * Reduces per-pool loss terms (shape `pooledShape[pooling]`): applies the absent-class policy
 * (a pool is absent when its `targetMass`, of the same shape, is 0 once ignored pixels are
 * removed) and the class weights, then the shared `reduceTerms`.
 */
export function reduceRegionTerms(
  who: string,
  terms: tf.Tensor,
  targetMass: tf.Tensor,
  numClasses: number,
  options: RegionReduceOptions,
): tf.Tensor {
  const classesPooled = options.pooling === 'image' || options.pooling === 'all';
  if (classesPooled && options.classWeights !== null) {
    notSupported(
      who,
      `option classWeights with pooling '${options.pooling}'`,
      'the classes are pooled into one statistic',
    );
  }
  let weights = classWeightTensor(
    who,
    options.classWeights,
    numClasses,
    options.includeBackground,
  ) as tf.Tensor | undefined;
  let kept = terms;
  if (options.absentClasses !== 'keep') {
    const present = tf.cast(tf.greater(targetMass, 0), 'float32');
    if (options.absentClasses === 'zero') kept = tf.mul(terms, present);
    else weights = weights === undefined ? present : tf.mul(weights, present);
  }
  return reduceTerms(kept, options.reduction, weights);
}

/** Class weights as a tensor matching the kept channels, or undefined when not given. */
export function classWeightTensor(
  who: string,
  weights: readonly number[] | null,
  numClasses: number,
  includeBackground: boolean,
): tf.Tensor1D | undefined {
  if (weights === null) return undefined;
  if (weights.length !== numClasses) {
    throw new SeglossesError(
      `${who}: option classWeights must have one entry per class (${numClasses}), ` +
        `got ${weights.length}`,
    );
  }
  const kept = includeBackground || numClasses === 1 ? weights : weights.slice(1);
  return tf.tensor1d([...kept]);
}
