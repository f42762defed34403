/**
 * Fused soft overlap statistics of softmax probabilities against integer labels, per image b
 * and class c, and their gradient with respect to the logits — the sums every overlap-based
 * region loss (Dice, Jaccard, Tversky, …) is built from, in one pass each way over the
 * exponentials of `exponentials.ts`. Kernels `SeglossesSoftmaxOverlap` (forward) and
 * `SeglossesSoftmaxOverlapGrad` (backward).
 *
 * With p = softmax(x) = e/S per pixel, t the one-hot label and v the validity (0 at the ignore
 * index), over the pixels i of image b:
 *
 *   TP = Σ v p t,   PM = Σ v p (Σ v p² when squared),   TM = Σ v t,
 *   FP = Σ v p (1 − t),   FN = Σ v (1 − p) t,
 *
 * stacked as `stats` [5, B, C] in that order and accumulated in float64; PM = TP + FP when not
 * squared. 1 − p_t is summed as O/S with O = Σ_{c≠t} e_c, without the cancellation of 1 − p_t
 * when p_t ≈ 1.
 *
 * Backward, given G_k = ∂L/∂stat_k [5, B, C]: per valid pixel the gradient with respect to p is
 *
 *   g_c = G_PM·(1 or 2p_c) + G_FP        (c ≠ t)
 *   g_t = G_PM·(1 or 2p_t) + G_TP − G_FN
 *
 * (TM does not depend on p), and through the softmax ∂L/∂x_c = p_c (g_c − ḡ) with
 * ḡ = Σ_j p_j g_j / Σ_j p_j. Dividing by Σ_j p_j, which is 1 up to the rounding of the stored
 * p, removes that rounding from g_c − ḡ: at a saturated pixel (p_a ≈ 1) the difference stays
 * the small Σ_{j≠a} p_j (g_a − g_j) instead of float32 noise. Ignored pixels get a zero gradient.
 *
 * The forward kernel returns e [B, H, W, C] and 1/S [B, H, W] for the backward kernel.
 */
import * as tf from '@tensorflow/tfjs-core';

import { exactRow, exponentials, rowSum } from './exponentials.js';
import { KernelBackend } from './kernel-backend.js';

export const softmaxOverlapKernel = 'SeglossesSoftmaxOverlap';
export const softmaxOverlapGradKernel = 'SeglossesSoftmaxOverlapGrad';

export interface SoftmaxOverlapAttrs {
  readonly hasIgnoreIndex: boolean;
  readonly ignoreIndex: number;
  /** Σ p² instead of Σ p for the prediction mass. */
  readonly squared: boolean;
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** Forward kernel: [e [B,H,W,C], inverse [B,H,W], stats [5,B,C]]. */
export function softmaxOverlapForward(backendName: string, args: KernelArgs): tf.TensorInfo[] {
  const { logits, labels } = args.inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
  const attrs = args.attrs as unknown as SoftmaxOverlapAttrs;
  const kb = new KernelBackend(softmaxOverlapKernel, backendName, args.backend);
  try {
    const batch = logits.shape[0];
    const classes = logits.shape[logits.shape.length - 1];
    const e = exponentials(kb, logits);
    const inverse = kb.allocate(labels.shape);
    const stats = kb.allocate([5, batch, classes]);
    const sums = accumulate(
      kb.floats(logits),
      kb.floats(e),
      kb.ints(labels),
      kb.floats(inverse),
      batch,
      classes,
      attrs,
    );
    kb.floats(stats).set(sums);
    return [kb.release(e), kb.release(inverse), kb.release(stats)];
  } finally {
    kb.dispose();
  }
}

function accumulate(
  x: Float32Array,
  e: Float32Array,
  labels: Int32Array,
  inverse: Float32Array,
  batch: number,
  classes: number,
  attrs: SoftmaxOverlapAttrs,
): Float64Array {
  const ignore = attrs.hasIgnoreIndex ? attrs.ignoreIndex : NaN;
  const pixels = labels.length / batch;
  const plane = batch * classes;
  const sums = new Float64Array(5 * plane);
  // Per image: Σ p over c ≠ t (FP) and, when squared, Σ p² over all c, by class.
  const fp = new Float64Array(classes);
  const squares = new Float64Array(classes);
  for (let b = 0; b < batch; b++) {
    fp.fill(0);
    squares.fill(0);
    const row = b * classes;
    for (let i = b * pixels; i < (b + 1) * pixels; i++) {
      const base = i * classes;
      let total = rowSum(e, base, classes);
      if (total < 0) total = exactRow(x, e, base, classes);
      const invS = 1 / total;
      inverse[i] = invS;
      const t = labels[i];
      if (t === ignore) continue;
      if (attrs.squared) {
        for (let c = 0; c < classes; c++) {
          const p = e[base + c] * invS;
          squares[c] += p * p;
        }
      }
      if (t < 0 || t >= classes) {
        for (let c = 0; c < classes; c++) fp[c] += e[base + c] * invS;
        continue;
      }
      let others = 0;
      for (let c = 0; c < t; c++) {
        const v = e[base + c];
        fp[c] += v * invS;
        others += v;
      }
      for (let c = t + 1; c < classes; c++) {
        const v = e[base + c];
        fp[c] += v * invS;
        others += v;
      }
      sums[row + t] += e[base + t] * invS;
      sums[2 * plane + row + t] += 1;
      sums[4 * plane + row + t] += others * invS;
    }
    for (let c = 0; c < classes; c++) {
      sums[3 * plane + row + c] = fp[c];
      sums[plane + row + c] = attrs.squared ? squares[c] : fp[c] + sums[row + c];
    }
  }
  return sums;
}

/** Backward kernel: ∂L/∂logits [B,H,W,C] from e, 1/S, the labels and ∂L/∂stats. */
export function softmaxOverlapBackward(backendName: string, args: KernelArgs): tf.TensorInfo {
  const { e, inverse, labels, dstats } = args.inputs as Record<string, tf.TensorInfo>;
  const attrs = args.attrs as unknown as SoftmaxOverlapAttrs;
  const kb = new KernelBackend(softmaxOverlapGradKernel, backendName, args.backend);
  try {
    const batch = e.shape[0];
    const classes = e.shape[e.shape.length - 1];
    const dx = kb.allocate(e.shape);
    propagate(
      kb.floats(e),
      kb.floats(inverse),
      kb.ints(labels),
      kb.floats(dstats),
      kb.floats(dx),
      batch,
      classes,
      attrs,
    );
    return kb.release(dx);
  } finally {
    kb.dispose();
  }
}

function propagate(
  e: Float32Array,
  inverse: Float32Array,
  labels: Int32Array,
  dstats: Float32Array,
  dx: Float32Array,
  batch: number,
  classes: number,
  attrs: SoftmaxOverlapAttrs,
): void {
  const ignore = attrs.hasIgnoreIndex ? attrs.ignoreIndex : NaN;
  const pixels = labels.length / batch;
  const plane = batch * classes;
  // g_c of a pixel whose label is not c (`other`), and the change when it is (`own`).
  const other = new Float64Array(classes);
  const own = new Float64Array(classes);
  const mass = new Float64Array(classes);
  const g = new Float64Array(classes);
  for (let b = 0; b < batch; b++) {
    const row = b * classes;
    for (let c = 0; c < classes; c++) {
      mass[c] = dstats[plane + row + c];
      other[c] = (attrs.squared ? 0 : mass[c]) + dstats[3 * plane + row + c];
      own[c] = dstats[row + c] - dstats[3 * plane + row + c] - dstats[4 * plane + row + c];
    }
    for (let i = b * pixels; i < (b + 1) * pixels; i++) {
      const base = i * classes;
      const t = labels[i];
      if (t === ignore) {
        dx.fill(0, base, base + classes);
        continue;
      }
      const invS = inverse[i];
      let dot = 0;
      let total = 0;
      for (let c = 0; c < classes; c++) {
        const p = e[base + c] * invS;
        g[c] = attrs.squared ? other[c] + 2 * p * mass[c] : other[c];
        if (c === t) g[c] += own[c];
        dot += p * g[c];
        total += p;
      }
      const mean = dot / total;
      for (let c = 0; c < classes; c++) {
        const p = e[base + c] * invS;
        dx[base + c] = p * (g[c] - mean);
      }
    }
  }
}

export interface SoftmaxOverlapOptions {
  readonly ignoreIndex: number | null;
  readonly squared: boolean;
}

/**
 * The statistics [5, B, C] (TP, PM, TM, FP, FN; see the module comment) of softmax(`logits`)
 * [B,H,W,C] against `labels` [B,H,W], through the fused kernels, which must be registered for
 * the active backend. Differentiable with respect to the logits.
 */
export function fusedSoftmaxOverlap(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options: SoftmaxOverlapOptions,
): tf.Tensor {
  const attrs: SoftmaxOverlapAttrs = {
    hasIgnoreIndex: options.ignoreIndex !== null,
    ignoreIndex: options.ignoreIndex ?? 0,
    squared: options.squared,
  };
  const namedAttrs = attrs as unknown as tf.NamedAttrMap;
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [e, inverse, stats] = tf
      .engine()
      .runKernel(softmaxOverlapKernel, { logits: x, labels }, namedAttrs) as tf.Tensor[];
    save([e, inverse, labels]);
    return {
      value: stats,
      gradFunc: (dy: tf.Tensor, [se, si, sy]: tf.Tensor[]) =>
        tf
          .engine()
          .runKernel(
            softmaxOverlapGradKernel,
            { e: se, inverse: si, labels: sy, dstats: dy },
            namedAttrs,
          ),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits);
}
