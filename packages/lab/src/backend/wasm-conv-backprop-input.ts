/**
 * `Conv2DBackpropInput` for the wasm backend: the gradient of a 2-D convolution with respect to
 * its input, which is also the forward pass of `tf.conv2dTranspose`. It is built from the wasm
 * `Conv2D` kernel (XNNPACK), which is several times faster than the built-in direct loop.
 *
 * Forward convolution, NHWC, stride (sh, sw), top/left padding (pt, pl), dilation 1:
 *
 *   y[b,i,j,o] = Σ_{p,q,c} x[b, i·sh + p − pt, j·sw + q − pl, c] · W[p,q,c,o]
 *
 * (x read as 0 outside the image). Each x[b,h,w,c] collects the terms with h + pt = i·sh + p
 * and w + pl = j·sw + q:
 *
 *   dx[b,h,w,c] = Σ_{i,j,p,q,o : i·sh+p = h+pt, j·sw+q = w+pl} dy[b,i,j,o] · W[p,q,c,o].
 *
 * Stride 1. With the flipped tap p' = fh − 1 − p this is a forward convolution of dy,
 *
 *   dx[b,h,w,c] = Σ_{p',q',o} dy[b, h + p' − (fh−1−pt), w + q' − (fw−1−pl), o] · W'[p',q',o,c],
 *   W'[p',q',o,c] = W[fh−1−p', fw−1−q', c, o],
 *
 * padded by fh−1−pt on top; the bottom padding H + fh − 1 − Ho − top makes the output H rows.
 *
 * Stride s > 1 (one axis shown; the other is alike). Only taps with p ≡ h + pt (mod s) reach
 * row h, so dy need not be spread with zeros. Split the rows of dx into s phases,
 * h = u·s + ρ with ρ < s, and let r = (ρ + pt) mod s, δ_ρ = ⌊(ρ + pt)/s⌋, K = ⌈fh/s⌉. Then
 * p = k·s + r and i = u + δ_ρ − k:
 *
 *   dx[u·s + ρ] = Σ_{k<K} dy[u + δ_ρ − k] · W[k·s + r]        (W taps ≥ fh read as 0),
 *
 * a stride-1 correlation of dy with a K-tap sub-filter. All phases share dy, so they run as
 * one `Conv2D` whose s_h·s_w·C output channels hold every phase ("sub-pixel" convolution): with
 * T = K + δ_{s−1} − δ_0 taps and top padding K − 1 − δ_0, tap t of phase ρ is W[k·s + r] for
 * k = K − 1 − δ_0 + δ_ρ − t (zero when k ∉ [0, K) or k·s + r ≥ fh). The filter is assembled in
 * JavaScript from the (small) W. The output, ⌈H/s⌉ rows of s phases each, is interleaved into
 * rows by a reshape–transpose–reshape (depth-to-space) and cropped to H. Compared with
 * convolving a zero-spread dy, this skips the s_h·s_w-fold multiplications by inserted zeros;
 * for the UNet's 2×2 stride-2 transposed convolution (K = T = 1) it is a single 1×1
 * convolution, i.e. one matrix product, and a depth-to-space.
 *
 * Negative paddings (an explicit padding wider than the filter, or `dimRoundingMode: 'ceil'`)
 * mean rows of the convolution that no x pixel reads or that read past dy: the convolution runs
 * unpadded on that side and the surplus rows are sliced off.
 *
 * Only NHWC is supported; NCHW throws.
 */
import * as tf from '@tensorflow/tfjs';

import {
  backpropConvInfo,
  expectFloat4D,
  explicitPad,
  type BackpropConvAttrs,
} from './conv-backprop-geometry.js';
import { WasmKernelScope } from './wasm-kernel-scope.js';

const who = 'Conv2DBackpropInput (wasm)';

interface BackpropInputAttrs extends BackpropConvAttrs {
  inputShape: [number, number, number, number];
}

/** The sub-pixel decomposition along one spatial axis (see the derivation above). */
interface PhasePlan {
  stride: number;
  /** Taps T of the combined filter. */
  taps: number;
  /** Padding of dy before and after (negative: rows to crop from the convolution). */
  before: number;
  after: number;
  /** ⌈size/stride⌉: convolution output rows, each holding `stride` dx rows. */
  blocks: number;
  /** The W tap that tap t of phase ρ reads, or −1 for a zero tap. */
  source(phase: number, tap: number): number;
}

function phasePlan(
  filterSize: number,
  stride: number,
  padBefore: number,
  inSize: number,
  outSize: number,
): PhasePlan {
  const perPhase = Math.ceil(filterSize / stride);
  const delta = (phase: number): number => Math.floor((phase + padBefore) / stride);
  const taps = perPhase + delta(stride - 1) - delta(0);
  const before = perPhase - 1 - delta(0);
  const blocks = Math.ceil(inSize / stride);
  return {
    stride,
    taps,
    before,
    after: blocks + taps - 1 - outSize - before,
    blocks,
    source(phase, tap) {
      const k = before + delta(phase) - tap;
      const p = k * stride + ((phase + padBefore) % stride);
      return k >= 0 && k < perPhase && p < filterSize ? p : -1;
    },
  };
}

/** The combined filter [Th, Tw, O, sh·sw·C]: every phase's sub-filter, flipped, c and o swapped. */
function subPixelFilter(
  weights: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  rows: PhasePlan,
  cols: PhasePlan,
): Float32Array {
  const { filterWidth, inChannels, outChannels } = info;
  const phases = rows.stride * cols.stride;
  const out = new Float32Array(rows.taps * cols.taps * outChannels * phases * inChannels);
  for (let th = 0; th < rows.taps; th++) {
    for (let tw = 0; tw < cols.taps; tw++) {
      for (let ph = 0; ph < rows.stride; ph++) {
        const p = rows.source(ph, th);
        if (p < 0) continue;
        for (let pw = 0; pw < cols.stride; pw++) {
          const q = cols.source(pw, tw);
          if (q < 0) continue;
          const phase = ph * cols.stride + pw;
          for (let c = 0; c < inChannels; c++) {
            const from = ((p * filterWidth + q) * inChannels + c) * outChannels;
            const to = (th * cols.taps + tw) * outChannels * phases * inChannels;
            for (let o = 0; o < outChannels; o++) {
              out[to + (o * phases + phase) * inChannels + c] = weights[from + o];
            }
          }
        }
      }
    }
  }
  return out;
}

/** Runs `Conv2D` with paddings that may be negative, cropping where they are. */
function convWithSignedPad(
  scope: WasmKernelScope,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  pads: { top: number; bottom: number; left: number; right: number },
  outRows: number,
  outCols: number,
): tf.TensorInfo {
  const { top, bottom, left, right } = pads;
  const pad = explicitPad(
    Math.max(top, 0),
    Math.max(bottom, 0),
    Math.max(left, 0),
    Math.max(right, 0),
  );
  const out = scope.run(
    'Conv2D',
    { x, filter },
    { strides: 1, dilations: 1, pad, dataFormat: 'NHWC' },
  );
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return out;
  return scope.run(
    'Slice',
    { x: out },
    {
      begin: [0, Math.max(-top, 0), Math.max(-left, 0), 0],
      size: [out.shape[0], outRows, outCols, out.shape[3]],
    },
  );
}

/** dx of a stride-1 convolution: a forward convolution of dy with the flipped filter. */
function stride1InputGradient(
  scope: WasmKernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const flipped = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
  const kernel = scope.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  const top = filterHeight - 1 - info.padInfo.top;
  const left = filterWidth - 1 - info.padInfo.left;
  const bottom = inHeight + filterHeight - 1 - outHeight - top;
  const right = inWidth + filterWidth - 1 - outWidth - left;
  return convWithSignedPad(scope, dy, kernel, { top, bottom, left, right }, inHeight, inWidth);
}

/** dx of a strided convolution: one sub-pixel convolution of dy and a depth-to-space. */
function subPixelInputGradient(
  scope: WasmKernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const rows = phasePlan(
    info.filterHeight,
    info.strideHeight,
    info.padInfo.top,
    inHeight,
    outHeight,
  );
  const cols = phasePlan(info.filterWidth, info.strideWidth, info.padInfo.left, inWidth, outWidth);
  const phases = rows.stride * cols.stride;
  const kernel = scope.fromFloat32(
    [rows.taps, cols.taps, outChannels, phases * inChannels],
    subPixelFilter(scope.readFloat32(filter), info, rows, cols),
  );
  const pads = { top: rows.before, bottom: rows.after, left: cols.before, right: cols.after };
  const blocks = convWithSignedPad(scope, dy, kernel, pads, rows.blocks, cols.blocks);
  // [B·Qh, Qw, sh, sw·C] → [B·Qh, sh, Qw, sw·C] is [B, Qh·sh, Qw·sw, C] in memory.
  const split = scope.run(
    'Reshape',
    { x: blocks },
    { shape: [batchSize * rows.blocks, cols.blocks, rows.stride, cols.stride * inChannels] },
  );
  const interleaved = scope.run('Transpose', { x: split }, { perm: [0, 2, 1, 3] });
  const fullHeight = rows.blocks * rows.stride;
  const fullWidth = cols.blocks * cols.stride;
  const dx = scope.run(
    'Reshape',
    { x: interleaved },
    { shape: [batchSize, fullHeight, fullWidth, inChannels] },
  );
  if (fullHeight === inHeight && fullWidth === inWidth) return dx;
  return scope.run(
    'Slice',
    { x: dx },
    { begin: [0, 0, 0, 0], size: [batchSize, inHeight, inWidth, inChannels] },
  );
}

/** The kernel function registered for `Conv2DBackpropInput` on `'wasm'`. */
export function wasmConv2DBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const dy = expectFloat4D(who, 'dy', args.inputs.dy);
  const filter = expectFloat4D(who, 'filter', args.inputs.filter);
  const attrs = args.attrs as unknown as BackpropInputAttrs;
  const info = backpropConvInfo(who, attrs.inputShape, filter.shape, dy.shape, attrs);
  const scope = new WasmKernelScope(who, args.backend);
  try {
    const strided = info.strideHeight > 1 || info.strideWidth > 1;
    const dx = strided
      ? subPixelInputGradient(scope, dy, filter, info)
      : stride1InputGradient(scope, dy, filter, info);
    return scope.release(dx);
  } finally {
    scope.dispose();
  }
}

export const wasmConv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: wasmConv2DBackpropInput as tf.KernelFunc,
};
