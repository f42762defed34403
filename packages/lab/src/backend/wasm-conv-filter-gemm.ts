/**
 * The filter gradient of a stride-1 convolution whose output keeps the input's size (a 3×3
 * 'same' convolution of a UNet) as a matrix product — the formulation XNNPACK runs fastest
 * (about 30 GFLOP/s on one wasm thread, twice the dilated-convolution form of
 * `wasm-conv-backprop-filter.ts` on these shapes).
 *
 * With x: [B, H, W, C], dy: [B, H, W, O], padding (top, left) and N = B·H·W output pixels,
 *
 *   dW[p,q,c,o] = Σ_{b,i,j} x[b, i + p − top, j + q − left, c] · dy[b,i,j,o]     (x = 0 outside)
 *              = Σ_n A[(p,q,c), n] · dy[n, o],
 *
 * so dW = A · dy_{N×O} with A the transposed im2col matrix, [fh·fw·C, N]: its row (p,q,c) is
 * channel c of every image shifted by (p − top, q − left). In the channels-first layout
 * xᵀ: [C, B, H, W] each image plane of a row is one contiguous copy of the plane offset by
 * d = (p − top)·W + (q − left) — the entries that fall outside the image (top or bottom rows,
 * and the columns that wrap around a row end) are then set to 0. Building A moves fh·fw·|x|
 * floats at memcpy speed; A stays under `maxColumns` floats by taking the batch in chunks whose
 * products are added.
 */
import * as tf from '@tensorflow/tfjs';

import type { WasmKernelScope } from './wasm-kernel-scope.js';

/** The largest A, in floats (64 MiB), before the batch is split into chunks. */
const maxColumns = 16 * 2 ** 20;

/** Whether the convolution is stride 1 with an output of the input's size (see above). */
export function isSameSizeStrideOne(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth
  );
}

/** Writes A for images [b0, b0 + count) of xᵀ (see the module comment). */
function fillColumns(
  source: Float32Array,
  columns: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  b0: number,
  count: number,
): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels, filterHeight, filterWidth } = info;
  const plane = h * w;
  const rowLength = count * plane;
  for (let p = 0; p < filterHeight; p++) {
    for (let q = 0; q < filterWidth; q++) {
      const dr = p - info.padInfo.top;
      const dc = q - info.padInfo.left;
      const shift = dr * w + dc;
      const lo = Math.max(0, -shift);
      const hi = Math.min(plane, plane - shift);
      for (let c = 0; c < inChannels; c++) {
        const row = ((p * filterWidth + q) * inChannels + c) * rowLength;
        for (let k = 0; k < count; k++) {
          const to = row + k * plane;
          const from = (c * batchSize + b0 + k) * plane + shift;
          if (hi > lo) columns.set(source.subarray(from + lo, from + hi), to + lo);
          columns.fill(0, to, to + Math.max(lo, 0));
          columns.fill(0, to + Math.max(hi, lo), to + plane);
          // Columns that wrapped around from the neighbouring row.
          const first = dc > 0 ? w - dc : 0;
          const last = dc > 0 ? w : Math.min(-dc, w);
          if (last > first) {
            for (let i = 0; i < h; i++) columns.fill(0, to + i * w + first, to + i * w + last);
          }
        }
      }
    }
  }
}

/**
 * dW [fh, fw, C, O] for a convolution `isSameSizeStrideOne` accepts; `limit` is the largest A
 * in floats (the default, `maxColumns`, except in tests of the chunking).
 */
export function gemmFilterGradient(
  scope: WasmKernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  limit = maxColumns,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outChannels } = info;
  const plane = inHeight * inWidth;
  const taps = info.filterHeight * info.filterWidth * inChannels;
  // Chunks of equal size: a short last chunk would cost a product of its own for little work.
  const fitting = Math.max(1, Math.min(batchSize, Math.floor(limit / (taps * plane))));
  const perChunk = Math.ceil(batchSize / Math.ceil(batchSize / fitting));
  const channelsFirst = scope.run('Transpose', { x }, { perm: [3, 0, 1, 2] });
  const dyRows = scope.run('Reshape', { x: dy }, { shape: [batchSize * plane, outChannels] });
  let total: tf.TensorInfo | null = null;
  for (let b0 = 0; b0 < batchSize; b0 += perChunk) {
    const count = Math.min(perChunk, batchSize - b0);
    const columns = scope.allocateFloat32([1, taps, count * plane]);
    fillColumns(scope.heapView(channelsFirst), scope.heapView(columns), info, b0, count);
    const rows =
      count === batchSize
        ? dyRows
        : scope.run(
            'Slice',
            { x: dyRows },
            { begin: [b0 * plane, 0], size: [count * plane, outChannels] },
          );
    const right = scope.run('Reshape', { x: rows }, { shape: [1, count * plane, outChannels] });
    const product = scope.run(
      'BatchMatMul',
      { a: columns, b: right },
      { transposeA: false, transposeB: false },
    );
    total = total === null ? product : scope.run('Add', { a: total, b: product });
  }
  return scope.run('Reshape', { x: total as tf.TensorInfo }, { shape: info.filterShape });
}
