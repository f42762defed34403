/**
 * Fused soft overlap statistics of softmax probabilities against integer labels, per image b
 * and class c, and their gradient with respect to the logits — the sums every overlap-based
 * region loss (Dice, Jaccard, Tversky, sensitivity-specificity, robust T, …) is built from, in
 * one pass each way. Kernels `SeglossesSoftmaxOverlap` (forward) and
 * `SeglossesSoftmaxOverlapGrad` (backward), both in WebAssembly (`native/loss-kernels.c`,
 * functions `softmax_overlap*`).
 *
 * With p = softmax(x) per pixel, t the one-hot label and v the validity (0 at the ignore
 * index), over the pixels i of image b:
 *
 *   TP = Σ v p t,   PM = Σ v p (Σ v p² when squared),   TM = Σ v t,
 *   FP = Σ v p (1 − t),   FN = Σ v (1 − p) t,
 *   FP2 = Σ v p² (1 − t),   FN2 = Σ v (1 − p)² t,   VM = Σ v,
 *
 * stacked as `stats` [8, B, C] in that order (VM is the same for every c) and accumulated in
 * float64. With `confusion`, C more rows follow: row 8 + t holds the soft confusion matrix
 * S[b, t, c] = Σ v p_c over the pixels labelled t, and its gradient adds G_S[b, t, c] to g_c at
 * those pixels. 1 − p_t is formed as Σ_{c≠t} p_c, without the cancellation of 1 − p_t when p_t ≈ 1.
 *
 * Backward, given G_k = ∂L/∂stat_k [8, B, C]: per valid pixel the gradient with respect to p is
 *
 *   g_c = G_PM·(1 or 2p_c) + G_FP + 2 p_c G_FP2                        (c ≠ t)
 *   g_t = G_PM·(1 or 2p_t) + G_TP − G_FN − 2 (1 − p_t) G_FN2
 *
 * (TM and VM do not depend on p), and through the softmax ∂L/∂x_c = p_c (g_c − ḡ) with
 * ḡ = Σ_j p_j g_j / Σ_j p_j. Dividing by Σ_j p_j, which is 1 up to the rounding of the stored
 * p, removes that rounding from g_c − ḡ: at a saturated pixel (p_a ≈ 1) the difference stays
 * the small Σ_{j≠a} p_j (g_a − g_j) instead of float32 noise. Ignored pixels get a zero gradient.
 *
 * With `clip` > 0, p and 1 − p_t are clamped to [clip, 1 − clip] before they are summed (as
 * Keras-style code clips probabilities), with a zero gradient where clamped.
 *
 * The forward kernel returns p [B, H, W, C] for the backward kernel.
 */
import * as tf from '@tensorflow/tfjs-core';

import { kernelIgnoreIndex } from './kernel-backend.js';
import type { KernelArgs } from './kernel-backend.js';
import { runNativeKernel } from './native/loss-kernels.js';

export const softmaxOverlapKernel = 'SeglossesSoftmaxOverlap';
export const softmaxOverlapGradKernel = 'SeglossesSoftmaxOverlapGrad';

/** The rows of the statistics tensor, in order. */
export const overlapStatisticNames = ['tp', 'pm', 'tm', 'fp', 'fn', 'fp2', 'fn2', 'vm'] as const;
const statCount = overlapStatisticNames.length;

export interface SoftmaxOverlapAttrs {
  readonly hasIgnoreIndex: boolean;
  readonly ignoreIndex: number;
  /** Σ p² instead of Σ p for the prediction mass. */
  readonly squared: boolean;
  /** Clamp p and 1 − p_t to [clip, 1 − clip] before summing (0: no clamp). */
  readonly clip: number;
  /** Append the soft confusion matrix: rows 8 + t of the statistics hold S[b, t, c]. */
  readonly confusion: boolean;
}

/** Forward kernel: [p [B,H,W,C], stats [8,B,C]]. */
export function softmaxOverlapForward(args: KernelArgs): tf.TensorInfo[] {
  const { logits, labels } = args.inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
  const attrs = args.attrs as unknown as SoftmaxOverlapAttrs;
  return runNativeKernel(softmaxOverlapKernel, args.backend, (kb, call) => {
    const batch = logits.shape[0];
    const classes = logits.shape[logits.shape.length - 1];
    const n = tf.util.sizeFromShape(labels.shape);
    const probs = kb.allocate(logits.shape);
    const rows = statCount + (attrs.confusion ? classes : 0);
    const stats = kb.allocate([rows, batch, classes]);
    const at = {
      x: call.input(logits),
      y: call.input(labels),
      p: call.output(probs),
      stats: call.scratch(rows * batch * classes, 8),
      acc: call.scratch((statCount + 3 + classes) * classes, 8),
      block: call.scratch((classes + 2) * (classes + 4), 4),
    };
    call.commit();
    call.exports.softmax_overlap(
      at.x,
      at.y,
      batch,
      n / batch,
      classes,
      attrs.hasIgnoreIndex ? 1 : 0,
      attrs.ignoreIndex,
      attrs.squared ? 1 : 0,
      attrs.clip,
      attrs.confusion ? 1 : 0,
      at.p,
      at.stats,
      at.acc,
      at.block,
    );
    const values = Float32Array.from(call.f64(at.stats, rows * batch * classes));
    call.finish();
    kb.floats(stats).set(values);
    return [kb.release(probs), kb.release(stats)];
  });
}

/** Backward kernel: ∂L/∂logits [B,H,W,C] from p, the labels and ∂L/∂stats. */
export function softmaxOverlapBackward(args: KernelArgs): tf.TensorInfo {
  const { p, labels, dstats } = args.inputs as Record<string, tf.TensorInfo>;
  const attrs = args.attrs as unknown as SoftmaxOverlapAttrs;
  return runNativeKernel(softmaxOverlapGradKernel, args.backend, (kb, call) => {
    const batch = p.shape[0];
    const classes = p.shape[p.shape.length - 1];
    const n = tf.util.sizeFromShape(labels.shape);
    const dx = kb.allocate(p.shape);
    const at = {
      p: call.input(p),
      y: call.input(labels),
      dstats: call.input(dstats),
      dx: call.output(dx),
      acc: call.scratch((4 + classes) * classes, 8),
    };
    call.commit();
    call.exports.softmax_overlap_grad(
      at.p,
      at.y,
      at.dstats,
      batch,
      n / batch,
      classes,
      attrs.hasIgnoreIndex ? 1 : 0,
      attrs.ignoreIndex,
      attrs.squared ? 1 : 0,
      attrs.clip,
      attrs.confusion ? 1 : 0,
      at.dx,
      at.acc,
    );
    call.finish();
    return kb.release(dx);
  });
}

export interface SoftmaxOverlapOptions {
  readonly ignoreIndex: number | null;
  readonly squared: boolean;
  /** Clamp p and 1 − p_t to [clip, 1 − clip] first (no gradient where clamped); default 0. */
  readonly clip?: number;
  /** Append the soft confusion matrix S (rows 8 … 8 + C − 1); default false. */
  readonly confusion?: boolean;
}

/**
 * The statistics [8, B, C] (TP, PM, TM, FP, FN, FP2, FN2, VM; see the module comment), and
 * with `confusion` the soft confusion matrix as rows 8 + t (S[b, t, c]: [8 + C, B, C]), of
 * softmax(`logits`) [B,H,W,C] against `labels` [B,H,W], through the fused kernels, which must
 * be registered for the active backend. Differentiable with respect to the logits.
 */
export function fusedSoftmaxOverlap(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options: SoftmaxOverlapOptions,
): tf.Tensor {
  const attrs: SoftmaxOverlapAttrs = {
    ...kernelIgnoreIndex(options.ignoreIndex),
    squared: options.squared,
    clip: options.clip ?? 0,
    confusion: options.confusion ?? false,
  };
  const namedAttrs = attrs as unknown as tf.NamedAttrMap;
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [p, stats] = tf
      .engine()
      .runKernel(softmaxOverlapKernel, { logits: x, labels }, namedAttrs) as tf.Tensor[];
    save([p, labels]);
    return {
      value: stats,
      gradFunc: (dy: tf.Tensor, [sp, sy]: tf.Tensor[]) =>
        tf
          .engine()
          .runKernel(softmaxOverlapGradKernel, { p: sp, labels: sy, dstats: dy }, namedAttrs),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits);
}
