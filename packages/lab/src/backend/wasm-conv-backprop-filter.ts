/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships none: the gradient of a 2-D
 * convolution with respect to its filter, built from the wasm `Conv2D` kernel (XNNPACK).
 *
 * Forward convolution, NHWC, stride (sh, sw), top/left padding (pt, pl), dilation 1, with xp the
 * zero-padded input, xp[b, r, s, c] = x[b, r − pt, s − pl, c]:
 *
 *   y[b,i,j,o] = Σ_{p,q,c} xp[b, i·sh + p, j·sw + q, c] · W[p,q,c,o]
 *
 * so that
 *
 *   dW[p,q,c,o] = Σ_{b,i,j} xp[b, p + i·sh, q + j·sw, c] · dy[b,i,j,o].
 *
 * Read c as a batch index, b as an input channel, (i, j) as filter taps and (p, q) as output
 * pixels: with X' = xpᵀ of shape [C, Hp, Wp, B] and F = dyᵀ of shape [Ho, Wo, B, O],
 *
 *   dW[p,q,c,o] = Σ_{i,j,b} X'[c, p + i·sh, q + j·sw, b] · F[i,j,b,o]
 *
 * is a stride-1 forward convolution of X' with F at dilation (sh, sw), whose [C, fh, fw, O]
 * result transposes to [fh, fw, C, O]. The padding is the forward top/left padding, and the
 * bottom/right padding is chosen so that the output has exactly fh × fw pixels: the dilated
 * filter spans (Ho−1)·sh + 1 rows, so the padded input needs (Ho−1)·sh + fh rows, and
 * bottom = (Ho−1)·sh + fh − H − pt. When the forward convolution left rows unread (stride > 1
 * with a remainder) this is negative: the convolution runs unpadded at the bottom and the
 * surplus output rows, which belong to taps p ≥ fh, are sliced off (likewise for columns).
 *
 * Block case (fh = sh, fw = sw, no top/left padding, H = Ho·sh, W = Wo·sw; the 2×2 stride-2
 * convolution and every 1×1 stride-1 convolution): each x pixel meets exactly one tap, so after
 * a space-to-depth rearrangement x_{N×(fh·fw·C)} with N = B·Ho·Wo rows,
 *
 *   dW[p,q,c,o] = Σ_n x[n, (p,q,c)] · dy[n, o] = (x_{N×(fh·fw·C)}ᵀ · dy_{N×O})
 *
 * is one matrix product (formed as dyᵀ · x when O > fh·fw·C, so that the narrower operand is
 * the one the wasm BatchMatMul packs).
 *
 * Stride-1 convolutions whose output keeps the input's size (3×3 'same') take a third route,
 * one matrix product of the transposed im2col matrix with dy (`wasm-conv-filter-gemm.ts`).
 *
 * Only NHWC is supported; NCHW throws.
 */
import * as tf from '@tensorflow/tfjs';

import {
  backpropConvInfo,
  expectFloat4D,
  explicitPad,
  isBlockConvolution,
  type BackpropConvAttrs,
} from './conv-backprop-geometry.js';
import { gemmFilterGradient, isSameSizeStrideOne } from './wasm-conv-filter-gemm.js';
import { WasmKernelScope } from './wasm-kernel-scope.js';

const who = 'Conv2DBackpropFilter (wasm)';

interface BackpropFilterAttrs extends BackpropConvAttrs {
  filterShape: [number, number, number, number];
}

/** dW as one matrix product of the space-to-depth input with dy (see the block case above). */
function blockFilterGradient(
  scope: WasmKernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth } = info;
  const rows = batchSize * outHeight * outWidth;
  const taps = filterHeight * filterWidth * inChannels;
  // x as [B·Ho, fh, Wo, fw·C]: rows n = (b, i, j) and columns k = (p, q, c) interleaved.
  const blocks = scope.run(
    'Reshape',
    { x },
    { shape: [batchSize * outHeight, filterHeight, outWidth, filterWidth * inChannels] },
  );
  const dyRows = scope.run('Reshape', { x: dy }, { shape: [rows, outChannels] });
  // The wasm BatchMatMul packs its right operand anew for every new tensor and is ~10× slower
  // with a transposed operand. So both operands are laid out explicitly, and the narrower of
  // dy (N × O) and x (N × fh·fw·C) goes on the right.
  if (outChannels <= taps) {
    // dW = xᵀ · dy, xᵀ = [fh, fw·C, B·Ho, Wo] = [fh·fw·C, N] in memory.
    const columnsT = scope.run('Transpose', { x: blocks }, { perm: [1, 3, 0, 2] });
    const product = scope.run(
      'BatchMatMul',
      { a: scope.run('Reshape', { x: columnsT }, { shape: [taps, rows] }), b: dyRows },
      { transposeA: false, transposeB: false },
    );
    return scope.run('Reshape', { x: product }, { shape: info.filterShape });
  }
  // dWᵀ = dyᵀ · x, x = [B·Ho, Wo, fh, fw·C] = [N, fh·fw·C] in memory.
  const columns = scope.run('Transpose', { x: blocks }, { perm: [0, 2, 1, 3] });
  const product = scope.run(
    'BatchMatMul',
    {
      a: scope.run('Transpose', { x: dyRows }, { perm: [1, 0] }),
      b: scope.run('Reshape', { x: columns }, { shape: [rows, taps] }),
    },
    { transposeA: false, transposeB: false },
  );
  const gradientT = scope.run(
    'Reshape',
    { x: product },
    { shape: [outChannels, filterHeight, filterWidth, inChannels] },
  );
  return scope.run('Transpose', { x: gradientT }, { perm: [1, 2, 3, 0] });
}

/** dW as a dilated forward convolution of the transposed input with the transposed dy. */
function convolutionFilterGradient(
  scope: WasmKernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const bottom = (outHeight - 1) * strideHeight + filterHeight - inHeight - top;
  const right = (outWidth - 1) * strideWidth + filterWidth - inWidth - left;
  const channelsAsBatch = scope.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyAsFilter = scope.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  let gradient = scope.run(
    'Conv2D',
    { x: channelsAsBatch, filter: dyAsFilter },
    {
      strides: 1,
      dilations: [strideHeight, strideWidth],
      pad: explicitPad(top, Math.max(bottom, 0), left, Math.max(right, 0)),
      dataFormat: 'NHWC',
    },
  );
  if (bottom < 0 || right < 0) {
    gradient = scope.run(
      'Slice',
      { x: gradient },
      { begin: [0, 0, 0, 0], size: [inChannels, filterHeight, filterWidth, outChannels] },
    );
  }
  return scope.run('Transpose', { x: gradient }, { perm: [1, 2, 0, 3] });
}

/** The kernel function registered for `Conv2DBackpropFilter` on `'wasm'`. */
export function wasmConv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const x = expectFloat4D(who, 'x', args.inputs.x);
  const dy = expectFloat4D(who, 'dy', args.inputs.dy);
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  const info = backpropConvInfo(who, x.shape, attrs.filterShape, dy.shape, attrs);
  const scope = new WasmKernelScope(who, args.backend);
  try {
    const dW = isBlockConvolution(info)
      ? blockFilterGradient(scope, x, dy, info)
      : isSameSizeStrideOne(info)
        ? gemmFilterGradient(scope, x, dy, info)
        : convolutionFilterGradient(scope, x, dy, info);
    return scope.release(dW);
  } finally {
    scope.dispose();
  }
}

export const wasmConv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: wasmConv2DBackpropFilter as tf.KernelFunc,
};
