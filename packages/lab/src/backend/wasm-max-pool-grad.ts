/**
 * A fast path for `MaxPoolGrad` on the wasm backend when the pooling windows tile the input
 * (window = stride, no top/left padding, H = Ho·sh, W = Wo·sw: the 2×2 stride-2 pooling of a
 * UNet encoder). The built-in kernel is a scalar loop about 100× slower than the forward pool.
 *
 * Max pooling y[b,i,j,c] = max_{p,q} x[b, i·sh+p, j·sw+q, c] routes dy[b,i,j,c] to the window
 * position holding the maximum, so with disjoint windows
 *
 *   dx[b, i·sh+p, j·sw+q, c] = dy[b,i,j,c] · [ (p,q) = argmax_{p',q'} x[b, i·sh+p', j·sw+q', c] ].
 *
 * The kernel reshapes x to windows [B·Ho, sh, Wo, sw, C], moves the sh·sw window axis last,
 * takes `ArgMax` over it, expands the index with `OneHot`, multiplies by dy (adding +0 so that
 * 0 · negative dy gives +0, not −0) and moves the window axis back. Ties go to the first
 * maximum in row-major window order, as in the cpu backend (the built-in wasm kernel gives them
 * to the last); ties are common after a ReLU, where a window of zeros passes its gradient to
 * one position only. A non-finite dy multiplies the zeros of the
 * one-hot mask into NaN where the cpu backend writes 0.
 *
 * Overlapping or padded windows, and dtypes other than float32, go to the built-in kernel.
 */
import * as tf from '@tensorflow/tfjs';

import { isBlockConvolution } from './conv-backprop-geometry.js';
import { WasmKernelScope } from './wasm-kernel-scope.js';

const who = 'MaxPoolGrad (wasm)';

/** A `MaxPoolGrad` kernel config with the disjoint-window fast path, deferring to `builtin`. */
export function createWasmMaxPoolGradConfig(builtin: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { dy, input } = args.inputs;
    const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
    if (dy === undefined || input === undefined || input.shape.length !== 4) {
      throw new Error(`${who}: dy and a rank-4 input must be given, got ${input?.shape.length}`);
    }
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs.filterSize,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    if (input.dtype !== 'float32' || dy.dtype !== 'float32' || !isBlockConvolution(info)) {
      return builtin.kernelFunc(args);
    }
    const { batchSize, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
    const rows = batchSize * outHeight;
    const windowSize = filterHeight * filterWidth;
    const scope = new WasmKernelScope(who, args.backend);
    try {
      const windows = scope.run(
        'Reshape',
        { x: input },
        { shape: [rows, filterHeight, outWidth, filterWidth, inChannels] },
      );
      const windowLast = scope.run('Transpose', { x: windows }, { perm: [0, 2, 4, 1, 3] });
      const flat = scope.run(
        'Reshape',
        { x: windowLast },
        { shape: [rows, outWidth, inChannels, windowSize] },
      );
      const winner = scope.run('ArgMax', { x: flat }, { axis: 3 });
      // The wasm OneHot writes int32 whatever its dtype attribute says, hence the cast.
      const oneHot = scope.run(
        'OneHot',
        { indices: winner },
        { depth: windowSize, onValue: 1, offValue: 0, dtype: 'int32' },
      );
      const mask = scope.run('Cast', { x: oneHot }, { dtype: 'float32' });
      const dyColumn = scope.run('Reshape', { x: dy }, { shape: [rows, outWidth, inChannels, 1] });
      const product = scope.run('Multiply', { a: mask, b: dyColumn });
      // 0 · (negative dy) is −0; adding +0 turns it into the +0 that the cpu backend writes.
      const zero = scope.run('Fill', {}, { shape: [], value: 0, dtype: 'float32' });
      const routed = scope.run('Add', { a: product, b: zero });
      const unflat = scope.run(
        'Reshape',
        { x: routed },
        { shape: [rows, outWidth, inChannels, filterHeight, filterWidth] },
      );
      const back = scope.run('Transpose', { x: unflat }, { perm: [0, 3, 1, 4, 2] });
      return scope.release(scope.run('Reshape', { x: back }, { shape: input.shape }));
    } finally {
      scope.dispose();
    }
  };
  return {
    kernelName: tf.MaxPoolGrad,
    backendName: 'wasm',
    setupFunc: builtin.setupFunc,
    disposeFunc: builtin.disposeFunc,
    kernelFunc,
  };
}
