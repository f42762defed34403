/**
 * A fast path for `ResizeNearestNeighborGrad` on the wasm backend when the forward resize
 * upsampled by a power-of-two factor (the 2× `UpSampling2D` of a UNet decoder). The built-in
 * kernel searches a window of dy for every input pixel and is about 50× slower than the forward
 * resize.
 *
 * Without corner alignment, nearest-neighbour upsampling by an integer factor s reads
 * x[⌊r/s⌋] for output row r, with or without half-pixel centres (⌊(r + ½)/s⌋ = ⌊r/s⌋ for an
 * integer s), so each input pixel is copied to one s_h × s_w block and
 *
 *   dx[b,i,j,c] = Σ_{p<s_h, q<s_w} dy[b, i·s_h+p, j·s_w+q, c] = s_h·s_w · avgpool(dy)[b,i,j,c],
 *
 * an XNNPACK average pool over disjoint s_h × s_w windows, scaled back to a sum. Powers of two
 * only: the cpu backend maps rows through the float product r · (1/s), which is exact for them
 * and may round down across a block edge for other factors; with 1/s a power of two the
 * average's scale is exact too, so the result is the plain block sum.
 *
 * `alignCorners`, other factors and dtypes other than float32 go to the built-in kernel.
 */
import * as tf from '@tensorflow/tfjs';

import { WasmKernelScope } from './wasm-kernel-scope.js';

const who = 'ResizeNearestNeighborGrad (wasm)';

/** The integer factor `large / small` when it is a power of two, else null. */
function powerOfTwoFactor(large: number, small: number): number | null {
  if (small <= 0 || large % small !== 0) return null;
  const factor = large / small;
  return (factor & (factor - 1)) === 0 ? factor : null;
}

/** A `ResizeNearestNeighborGrad` config with the block-sum fast path, deferring to `builtin`. */
export function createWasmResizeNearestNeighborGradConfig(
  builtin: tf.KernelConfig,
): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { images, dy } = args.inputs;
    const attrs = args.attrs as unknown as tf.ResizeNearestNeighborGradAttrs;
    if (images === undefined || dy === undefined || dy.shape.length !== 4) {
      throw new Error(`${who}: images and a rank-4 dy must be given, got ${dy?.shape.length}`);
    }
    const factorH = powerOfTwoFactor(dy.shape[1], images.shape[1]);
    const factorW = powerOfTwoFactor(dy.shape[2], images.shape[2]);
    if (attrs.alignCorners || dy.dtype !== 'float32' || factorH === null || factorW === null) {
      return builtin.kernelFunc(args);
    }
    const scope = new WasmKernelScope(who, args.backend);
    try {
      if (factorH === 1 && factorW === 1) return scope.release(scope.run('Identity', { x: dy }));
      const mean = scope.run(
        'AvgPool',
        { x: dy },
        { filterSize: [factorH, factorW], strides: [factorH, factorW], pad: 'valid' },
      );
      const blockSize = scope.run(
        'Fill',
        {},
        { shape: [], value: factorH * factorW, dtype: 'float32' },
      );
      return scope.release(scope.run('Multiply', { a: mean, b: blockSize }));
    } finally {
      scope.dispose();
    }
  };
  return {
    kernelName: tf.ResizeNearestNeighborGrad,
    backendName: 'wasm',
    setupFunc: builtin.setupFunc,
    disposeFunc: builtin.disposeFunc,
    kernelFunc,
  };
}
