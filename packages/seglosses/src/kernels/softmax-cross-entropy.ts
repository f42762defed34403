/**
 * Fused softmax cross-entropy with integer labels — plain, class-weighted, focal-modulated,
 * powered or clamped — registered as two kernels: `SeglossesSoftmaxCrossEntropy` (per-pixel
 * terms, their sums and what the gradient needs, in one pass) and
 * `SeglossesSoftmaxCrossEntropyGrad` (the gradient with respect to the logits, in one pass).
 * Both run in WebAssembly (`native/loss-kernels.c`, functions `softmax_cross_entropy*`).
 *
 * For pixel i with label t, p = softmax(x_i), p_t its target probability, q = 1 − p_t (formed
 * as Σ_{c≠t} p_c, without cancellation) and L = −log p_t (as log1p(Σ_{c≠t} e_c / e_t)):
 *
 *   ℓ_i = w_t · q^γ_t · L^κ,
 *   ∂ℓ_i/∂x_c = k_i · (p_c − [c = t]),   k_i = w_t · (γ_t p_t q^(γ_t−1) L^κ + q^γ_t κ L^(κ−1)),
 *
 * where w are class weights (1 without), γ per-class focusing exponents (0: cross-entropy;
 * focal loss) and κ a power of the log-loss (1; the exponential-logarithmic loss uses
 * (−log p)^γ). With `epsilon` > 0, p_t is clamped to [ε, 1 − ε] first, as clipping log p and
 * 1 − p to those bounds: a clamped pixel keeps the clamped value and gets no gradient. A
 * near-perfect pixel keeps e.g. ℓ = 1e-10 and a gradient of −1e-10 where float32's 1 − p_t
 * is 0. Sums are in float64.
 *
 * Pixels labelled `ignoreIndex` get ℓ = 0, a zero gradient and no weight. A label outside
 * 0..C−1 that is not the ignore index has an all-zero one-hot row, as in the composed loss: it
 * gets ℓ = 0 and a zero gradient, and counts in the unweighted denominator only.
 *
 * Forward outputs: `terms` [N] (ℓ_i), `p` [N, C], `coef` [N] (k_i) and `sums` [2] =
 * (Σ_i ℓ_i, Σ_i n_t), the numerator and denominator of the weighted mean, where the count
 * weights n (`countWeights`) are the class weights unless given apart (focal loss: α weights
 * the terms, not the count); without either, every non-ignored pixel counts 1. Backward:
 * dx_ic = dy_i·k_i·(p_ic − [c = t]) for a per-pixel dy [N], or dy·scale·k_i·(…) for a scalar
 * dy (attribute `scale`: 1 for the sum, 1/Σw for the mean).
 */
import * as tf from '@tensorflow/tfjs-core';

import { kernelIgnoreIndex } from './kernel-backend.js';
import type { KernelArgs } from './kernel-backend.js';
import { runNativeKernel } from './native/loss-kernels.js';

export const softmaxCrossEntropyKernel = 'SeglossesSoftmaxCrossEntropy';
export const softmaxCrossEntropyGradKernel = 'SeglossesSoftmaxCrossEntropyGrad';

/**
 * Kernel attributes; empty `classWeights` / `gammas` mean 1 / 0 for every class, empty
 * `countWeights` the class weights.
 */
export interface SoftmaxCrossEntropyAttrs {
  readonly hasIgnoreIndex: boolean;
  readonly ignoreIndex: number;
  readonly classWeights: number[];
  readonly countWeights: number[];
  /** Every non-ignored pixel counts 1 in the denominator, whatever the weights. */
  readonly countPixels: boolean;
  readonly gammas: number[];
  readonly power: number;
  readonly epsilon: number;
  /** Backward only: the factor of a scalar dy. */
  readonly scale: number;
}

/** Forward kernel: [terms, p, coef, sums]. */
export function softmaxCrossEntropyForward(args: KernelArgs) {
  const { logits, labels } = args.inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
  const attrs = args.attrs as unknown as SoftmaxCrossEntropyAttrs;
  return runNativeKernel(softmaxCrossEntropyKernel, args.backend, (kb, call) => {
    const classes = logits.shape[logits.shape.length - 1];
    const n = tf.util.sizeFromShape(labels.shape);
    const probs = kb.allocate(logits.shape);
    const terms = kb.allocate(labels.shape);
    const coef = kb.allocate(labels.shape);
    const sums = kb.allocate([2]);

    const at = {
      x: call.input(logits),
      y: call.input(labels),
      p: call.output(probs),
      terms: call.output(terms),
      coef: call.output(coef),
      sums: call.scratch(2, 8),
      weights: call.scratch(classes, 8),
      counts: call.scratch(classes, 8),
      gammas: call.scratch(classes, 8),
    };
    call.commit();
    const ones = new Array<number>(classes).fill(1);
    const weights = attrs.classWeights.length === 0 ? ones : attrs.classWeights;
    const counts = attrs.countPixels
      ? ones
      : attrs.countWeights.length === 0
        ? weights
        : attrs.countWeights;
    // An unlabelled pixel (label outside 0..C−1) counts only when pixels are simply counted.
    const countsPixels = counts === ones;
    call.f64(at.weights, classes).set(weights);
    call.f64(at.counts, classes).set(counts);
    call
      .f64(at.gammas, classes)
      .set(attrs.gammas.length === 0 ? new Array(classes).fill(0) : attrs.gammas);
    call.exports.softmax_cross_entropy(
      at.x,
      at.y,
      n,
      classes,
      at.weights,
      at.counts,
      at.gammas,
      attrs.power,
      attrs.epsilon,
      attrs.hasIgnoreIndex ? 1 : 0,
      attrs.ignoreIndex,
      countsPixels ? 1 : 0,
      at.p,
      at.terms,
      at.coef,
      at.sums,
    );
    const [sumTerms, sumCounts] = call.f64(at.sums, 2);
    call.finish();
    kb.floats(sums).set([sumTerms, sumCounts]);
    return [kb.release(terms), kb.release(probs), kb.release(coef), kb.release(sums)];
  });
}

/** Backward kernel: ∂L/∂logits [N, C] from p, k, the labels and dy. */
export function softmaxCrossEntropyBackward(args: KernelArgs) {
  const { p, coef, labels, dy } = args.inputs as Record<string, tf.TensorInfo>;
  const attrs = args.attrs as unknown as SoftmaxCrossEntropyAttrs;
  return runNativeKernel(softmaxCrossEntropyGradKernel, args.backend, (kb, call) => {
    const classes = p.shape[p.shape.length - 1];
    const n = tf.util.sizeFromShape(labels.shape);
    const dx = kb.allocate(p.shape);
    const at = {
      p: call.input(p),
      y: call.input(labels),
      coef: call.input(coef),
      dy: call.input(dy),
      dx: call.output(dx),
    };
    call.commit();
    call.exports.softmax_cross_entropy_grad(
      at.p,
      at.y,
      at.coef,
      at.dy,
      tf.util.sizeFromShape(dy.shape) > 1 ? 1 : 0,
      attrs.scale,
      n,
      classes,
      at.dx,
    );
    call.finish();
    return kb.release(dx);
  });
}

export interface SoftmaxCrossEntropyOptions {
  readonly ignoreIndex: number | null;
  readonly classWeights: readonly number[] | null;
  /**
   * Weights of the mean's denominator per class, when not the class weights; 'pixels': every
   * non-ignored pixel counts 1; null/absent: the class weights, or 'pixels' without them.
   */
  readonly countWeights?: readonly number[] | 'pixels' | null;
  /** Focusing exponent γ per class (focal loss); null: 0 for every class. */
  readonly gammas?: readonly number[] | null;
  /** Power κ of the log-loss; default 1. */
  readonly power?: number;
  /** Clamp p_t to [ε, 1 − ε] (no gradient where clamped); default 0: no clamp. */
  readonly epsilon?: number;
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
    ...kernelIgnoreIndex(options.ignoreIndex),
    classWeights: options.classWeights === null ? [] : [...options.classWeights],
    countWeights: Array.isArray(options.countWeights) ? [...options.countWeights] : [],
    countPixels: options.countWeights === 'pixels',
    gammas: options.gammas === null || options.gammas === undefined ? [] : [...options.gammas],
    power: options.power ?? 1,
    epsilon: options.epsilon ?? 0,
    scale: 1,
  };
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [terms, p, coef, sums] = tf
      .engine()
      .runKernel(
        softmaxCrossEntropyKernel,
        { logits: x, labels },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
    save([p, coef, labels]);
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
      gradFunc: (dy: tf.Tensor, [sp, sc, sy]: tf.Tensor[]) =>
        tf
          .engine()
          .runKernel(
            softmaxCrossEntropyGradKernel,
            { p: sp, coef: sc, labels: sy, dy },
            backwardAttrs,
          ),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits);
}
