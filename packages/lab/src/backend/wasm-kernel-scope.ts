/**
 * Calls registered wasm kernels from inside another wasm kernel and frees every intermediate.
 *
 * A kernel registered with `tf.registerKernel` receives raw `TensorInfo`s and a backend, not
 * tensors: nothing is tracked by the engine until the kernel returns. Composing other kernels
 * there (`Conv2D`, `Transpose`, `PadV2`, …) therefore needs its own bookkeeping. The scope keeps
 * every `TensorInfo` it produced; `release` hands one of them over to the caller (the kernel's
 * result) and `dispose` calls `backend.disposeData` on the rest, so that
 * `try { …; return scope.release(out); } finally { scope.dispose(); }` leaks nothing even when a
 * kernel throws half-way. Kernels such as `Reshape` share a `dataId` and raise its reference
 * count; disposing each returned `TensorInfo` once keeps those counts right.
 */
import * as tf from '@tensorflow/tfjs';

/** What the scope needs of the wasm backend (`BackendWasm` has all three). */
interface WasmBackendLike {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
}

function isWasmBackendLike(backend: unknown): backend is WasmBackendLike {
  if (typeof backend !== 'object' || backend === null) return false;
  const candidate = backend as Partial<WasmBackendLike>;
  return (
    typeof candidate.disposeData === 'function' &&
    typeof candidate.readSync === 'function' &&
    typeof candidate.typedArrayFromHeap === 'function' &&
    typeof candidate.makeOutput === 'function'
  );
}

export class WasmKernelScope {
  private readonly owned: tf.TensorInfo[] = [];
  private readonly backend: WasmBackendLike;

  /**
   * @param who the kernel using the scope, named in every error message.
   * @param backend the `backend` argument of the calling kernel function (the wasm backend).
   */
  constructor(
    private readonly who: string,
    backend: unknown,
  ) {
    if (!isWasmBackendLike(backend)) {
      throw new Error(
        `${who}: backend must provide disposeData, readSync, typedArrayFromHeap and ` +
          `makeOutput, got ` +
          `${String(backend)}`,
      );
    }
    this.backend = backend;
  }

  /** Runs the wasm kernel `kernelName` and tracks its single output. */
  run(
    kernelName: string,
    inputs: tf.NamedTensorInfoMap,
    attrs: tf.NamedAttrMap = {},
  ): tf.TensorInfo {
    const config = tf.getKernel(kernelName, 'wasm');
    if (config === undefined) {
      throw new Error(`${this.who}: wasm kernel ${kernelName} must be registered, got none`);
    }
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) {
      for (const info of out) this.backend.disposeData(info.dataId);
      throw new Error(`${this.who}: ${kernelName} must return one tensor, got ${out.length}`);
    }
    this.owned.push(out);
    return out;
  }

  /** A copy of a float32 tensor's values (meant for small tensors such as filters). */
  readFloat32(info: tf.TensorInfo): Float32Array {
    const values = this.backend.readSync(info.dataId);
    if (!(values instanceof Float32Array)) {
      throw new Error(`${this.who}: values must be float32, got ${info.dtype}`);
    }
    return values;
  }

  /** A new tracked float32 tensor holding `values`. */
  fromFloat32(shape: number[], values: Float32Array): tf.TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32', undefined, values);
    this.owned.push(out);
    return out;
  }

  /** A new tracked float32 tensor whose values the caller writes through `heapView`. */
  allocateFloat32(shape: number[]): tf.TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.owned.push(out);
    return out;
  }

  /**
   * A view of a float32 tensor on the wasm heap (no copy). Allocating may grow the heap and
   * detach it: take views after the last allocation and do not keep them.
   */
  heapView(info: tf.TensorInfo): Float32Array {
    const values = this.backend.typedArrayFromHeap(info);
    if (!(values instanceof Float32Array)) {
      throw new Error(`${this.who}: values must be float32, got ${info.dtype}`);
    }
    return values;
  }

  /** Stops tracking `info` (the caller now owns it) and returns it. */
  release(info: tf.TensorInfo): tf.TensorInfo {
    const index = this.owned.indexOf(info);
    if (index < 0) {
      throw new Error(
        `${this.who}: a released tensor must come from this scope, got a foreign one`,
      );
    }
    this.owned.splice(index, 1);
    return info;
  }

  /** Frees every tracked intermediate. */
  dispose(): void {
    for (const info of this.owned.splice(0)) this.backend.disposeData(info.dataId);
  }
}
