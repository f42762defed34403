/**
 * `Identity` on wasm without a copy. tfjs clones every tensor it saves for a gradient
 * (`tf.customGrad`'s saved tensors, the inputs and outputs a kernel's gradient needs) with
 * `Identity`, whose built-in wasm kernel copies the values — 431 calls and about 12 ms of each
 * demo UNet step, and a full copy of the probabilities of every fused loss. Tensors are
 * immutable, so the clone can share the values instead, as the wasm `Reshape` kernel and the
 * cpu backend's `Identity` already do: the output takes the input's data id and the backend's
 * reference count on it goes up by one (disposing either tensor then frees nothing while the
 * other lives).
 *
 * Strings keep the built-in kernel.
 */
import * as tf from '@tensorflow/tfjs';

interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

/** The `Identity` kernel for wasm, with the built-in one for string tensors. */
export function createWasmIdentityConfig(builtin: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Identity,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return builtin.kernelFunc(args);
      (args.backend as unknown as RefCounting).incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    },
  };
}
