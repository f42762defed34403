/**
 * Fused softmax cross-entropy with integer labels, registered as two kernels:
 * `SeglossesSoftmaxCrossEntropy` (the per-pixel terms and their sums, in one pass over the
 * exponentials of `exponentials.ts`) and `SeglossesSoftmaxCrossEntropyGrad` (the gradient with
 * respect to the logits, in one pass over the same exponentials, which the forward kernel
 * returns for it).
 *
 * For pixel i with label t, class weight w = w_t (1 without weights) and e_c ∝ exp(x_c):
 *
 *   O = Σ_{c≠t} e_c,   S = O + e_t,   p_c = e_c / S,
 *   ℓ_i = w·(log Σ_c e^{x_c} − x_t) = w·log(S/e_t) = w·log1p(O/e_t),
 *   ∂ℓ_i/∂x_c = w·(p_c − [c = t]),   with p_t − 1 = −O/S,
 *
 * so neither the value nor the gradient subtracts nearly equal numbers: a near-perfect pixel
 * (O ≪ e_t) keeps e.g. ℓ = 1e-10 and a gradient of −1e-10 where float32's 1 − p_t is 0. Sums
 * are accumulated in float64.
 *
 * Pixels labelled `ignoreIndex` get ℓ = 0, a zero gradient and no weight. A label outside
 * 0..C−1 that is not the ignore index has an all-zero one-hot row, as in the composed loss: it
 * gets ℓ = 0 and a zero gradient, and counts in the unweighted denominator only.
 *
 * Forward outputs: `terms` [N] (ℓ_i), `e` [N, C], `inverse` [N] (1/S, 0 where ℓ_i does not
 * depend on the logits) and `sums` [2] = (Σ_i ℓ_i, Σ_i w_i), the numerator and denominator of
 * the weighted mean. Backward: dx_ic = dy_i·w·(e_ic/S − [c = t]) for a per-pixel dy [N], or
 * dy·scale·w·(…) for a scalar dy (attribute `scale`: 1 for the sum, 1/Σw for the mean).
 */
import * as tf from '@tensorflow/tfjs-core';

import { exactRow, exponentials, largest, rowMax, smallest } from './exponentials.js';
import { KernelBackend } from './kernel-backend.js';

export const softmaxCrossEntropyKernel = 'SeglossesSoftmaxCrossEntropy';
export const softmaxCrossEntropyGradKernel = 'SeglossesSoftmaxCrossEntropyGrad';

/** Kernel attributes; `classWeights` empty means unweighted. */
export interface SoftmaxCrossEntropyAttrs {
  readonly hasIgnoreIndex: boolean;
  readonly ignoreIndex: number;
  readonly classWeights: number[];
  /** Backward only: the factor of a scalar dy. */
  readonly scale: number;
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** Forward kernel: [terms, e, inverse, sums]. */
export function softmaxCrossEntropyForward(backendName: string, args: KernelArgs) {
  const { logits, labels } = args.inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
  const attrs = args.attrs as unknown as SoftmaxCrossEntropyAttrs;
  const kb = new KernelBackend(softmaxCrossEntropyKernel, backendName, args.backend);
  try {
    const classes = logits.shape[logits.shape.length - 1];
    const e = exponentials(kb, logits);
    const terms = kb.allocate(labels.shape);
    const inverse = kb.allocate(labels.shape);
    const sums = kb.allocate([2]);
    const x = kb.floats(logits);
    const ev = kb.floats(e);
    const y = kb.ints(labels);
    const termsV = kb.floats(terms);
    const inverseV = kb.floats(inverse);
    const weights = Float64Array.from({ length: classes }, (_, c) =>
      attrs.classWeights.length === 0 ? 1 : attrs.classWeights[c],
    );
    const unweighted = attrs.classWeights.length === 0 ? 1 : 0;
    const ignore = attrs.hasIgnoreIndex ? attrs.ignoreIndex : NaN;
    let sumTerms = 0;
    let sumWeights = 0;
    for (let i = 0; i < y.length; i++) {
      const t = y[i];
      termsV[i] = 0;
      inverseV[i] = 0;
      if (t === ignore) continue;
      if (t < 0 || t >= classes) {
        // An all-zero one-hot row: no loss, no gradient, weight 1 only when unweighted.
        sumWeights += unweighted;
        continue;
      }
      const w = weights[t];
      sumWeights += w;
      if (w === 0) continue;
      const base = i * classes;
      // O = Σ_{c≠t} e_c in two runs around t; entries outside [e^−80, e^80] flag the row.
      let others = 0;
      let inRange = true;
      for (let c = base; c < base + t; c++) {
        const v = ev[c];
        others += v;
        if (!(v >= smallest && v <= largest)) inRange = false;
      }
      for (let c = base + t + 1; c < base + classes; c++) {
        const v = ev[c];
        others += v;
        if (!(v >= smallest && v <= largest)) inRange = false;
      }
      let target = ev[base + t];
      if (!(target >= smallest && target <= largest)) inRange = false;
      let term: number;
      if (inRange) {
        term = w * Math.log1p(others / target);
      } else {
        exactRow(x, ev, base, classes);
        target = ev[base + t];
        others = 0;
        for (let c = base; c < base + classes; c++) others += c === base + t ? 0 : ev[c];
        // e_t underflows only when x_t < max − 103: then ℓ is large and log S − (x_t − max)
        // has no cancellation to avoid.
        term =
          w *
          (target > 0
            ? Math.log1p(others / target)
            : Math.log(others) + rowMax(x, base, classes) - x[base + t]);
      }
      termsV[i] = term;
      inverseV[i] = 1 / (others + target);
      sumTerms += term;
    }
    kb.floats(sums).set([sumTerms, sumWeights]);
    return [kb.release(terms), kb.release(e), kb.release(inverse), kb.release(sums)];
  } finally {
    kb.dispose();
  }
}

/** Backward kernel: ∂L/∂logits [N, C] from e, 1/S, the labels and dy. */
export function softmaxCrossEntropyBackward(backendName: string, args: KernelArgs) {
  const { e, inverse, labels, dy } = args.inputs as Record<string, tf.TensorInfo>;
  const attrs = args.attrs as unknown as SoftmaxCrossEntropyAttrs;
  const kb = new KernelBackend(softmaxCrossEntropyGradKernel, backendName, args.backend);
  try {
    const classes = e.shape[e.shape.length - 1];
    const dx = kb.allocate(e.shape);
    const ev = kb.floats(e);
    const inverseV = kb.floats(inverse);
    const y = kb.ints(labels);
    const dyV = kb.floats(dy);
    const out = kb.floats(dx);
    const perPixel = dyV.length > 1;
    const weights = Float64Array.from({ length: classes }, (_, c) =>
      attrs.classWeights.length === 0 ? 1 : attrs.classWeights[c],
    );
    for (let i = 0; i < y.length; i++) {
      const base = i * classes;
      const t = y[i];
      const invS = inverseV[i];
      if (invS === 0) {
        out.fill(0, base, base + classes);
        continue;
      }
      const k = (perPixel ? dyV[i] : dyV[0] * attrs.scale) * weights[t] * invS;
      let others = 0;
      for (let c = base; c < base + t; c++) {
        const v = ev[c];
        out[c] = v * k;
        others += v;
      }
      for (let c = base + t + 1; c < base + classes; c++) {
        const v = ev[c];
        out[c] = v * k;
        others += v;
      }
      out[base + t] = -others * k;
    }
    return kb.release(dx);
  } finally {
    kb.dispose();
  }
}

export interface SoftmaxCrossEntropyOptions {
  readonly ignoreIndex: number | null;
  readonly classWeights: readonly number[] | null;
  readonly reduction: 'mean' | 'sum' | 'none';
}

/**
 * Softmax cross-entropy of `logits` [B,H,W,C] against `labels` [B,H,W] through the fused
 * kernels (which must be registered for the active backend): the weighted mean, the sum, or the
 * per-pixel terms [B,H,W] (`'none'`), differentiable with respect to the logits.
 */
export function fusedSoftmaxCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options: SoftmaxCrossEntropyOptions,
): tf.Tensor {
  const attrs: SoftmaxCrossEntropyAttrs = {
    hasIgnoreIndex: options.ignoreIndex !== null,
    ignoreIndex: options.ignoreIndex ?? 0,
    classWeights: options.classWeights === null ? [] : [...options.classWeights],
    scale: 1,
  };
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [terms, e, inverse, sums] = tf
      .engine()
      .runKernel(
        softmaxCrossEntropyKernel,
        { logits: x, labels },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
    save([e, inverse, labels]);
    let value = terms;
    let scale = 1;
    if (options.reduction !== 'none') {
      const [sumTerms, sumWeights] = sums.dataSync();
      // The weighted mean's denominator, floored as in `reduceTerms` (all ignored: 0/1e-12).
      scale = options.reduction === 'mean' ? 1 / Math.max(sumWeights, 1e-12) : 1;
      value = tf.scalar(sumTerms * scale);
    }
    const backwardAttrs = { ...attrs, scale } as unknown as tf.NamedAttrMap;
    return {
      value,
      gradFunc: (dy: tf.Tensor, [se, si, sy]: tf.Tensor[]) =>
        tf
          .engine()
          .runKernel(
            softmaxCrossEntropyGradKernel,
            { e: se, inverse: si, labels: sy, dy },
            backwardAttrs,
          ),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits);
}
