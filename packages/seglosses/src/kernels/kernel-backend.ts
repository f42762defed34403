/**
 * What a fused loss kernel needs of the backend it runs on: new outputs, the place of every
 * tensor's values (their offset in the wasm heap, or a typed-array view), and the disposal of
 * its intermediates. Two backends qualify, recognised by their methods:
 *
 * - wasm: `makeOutput` allocates a tensor on the WebAssembly heap, whose memory and offsets the
 *   WebAssembly kernels use directly; `typedArrayFromHeap` gives a view. Allocating may grow
 *   the heap, which detaches every view taken before, so a kernel allocates first and takes its
 *   views afterwards: {@link view} builds a fresh view on every call.
 * - cpu: `readSync` returns the stored array itself and `makeTensorInfo` adopts a new one.
 *
 * Any other backend (webgl, webgpu, node) has no fused kernels; the losses then use their
 * composed form (see `fused-kernels.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';

type Values = Float32Array | Int32Array;

interface WasmLike {
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
  /** The Emscripten module; its `asm.memory` is the heap every tensor lives in. */
  wasm?: { asm?: { memory?: unknown } };
  dataIdMap?: { get(dataId: tf.DataId): { memoryOffset?: number } | undefined };
}

interface CpuLike {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Values): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

function isWasmLike(backend: object): backend is WasmLike {
  const b = backend as Partial<WasmLike>;
  return typeof b.typedArrayFromHeap === 'function' && typeof b.makeOutput === 'function';
}

function isCpuLike(backend: object): backend is CpuLike {
  const b = backend as Partial<CpuLike>;
  return typeof b.readSync === 'function' && typeof b.makeTensorInfo === 'function';
}

/**
 * The ignore index as the kernels take it (an int32 compared with int32 labels): an index
 * outside int32 can match no label, so it means no ignored pixels — as in the composed form.
 */
export function kernelIgnoreIndex(ignoreIndex: number | null): {
  hasIgnoreIndex: boolean;
  ignoreIndex: number;
} {
  const usable =
    ignoreIndex !== null &&
    Number.isInteger(ignoreIndex) &&
    ignoreIndex >= -(2 ** 31) &&
    ignoreIndex < 2 ** 31;
  return { hasIgnoreIndex: usable, ignoreIndex: usable ? ignoreIndex : 0 };
}

/** The arguments tfjs passes a kernel function. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** The backends whose kernels can be fused here. */
export const fusableBackends: readonly string[] = ['wasm', 'cpu'];

/**
 * A fused kernel's access to its backend. Every tensor it allocates is tracked; `release`
 * hands one over as a kernel output and `dispose` frees the rest, so a kernel written as
 * `try { …; return kb.release(out); } finally { kb.dispose(); }` leaks nothing when it throws.
 */
export class KernelBackend {
  private readonly owned: tf.TensorInfo[] = [];
  private readonly wasm: WasmLike | null;
  private readonly cpu: CpuLike | null;

  constructor(
    private readonly who: string,
    backend: unknown,
  ) {
    const b = (typeof backend === 'object' && backend !== null ? backend : {}) as object;
    this.wasm = isWasmLike(b) ? b : null;
    this.cpu = this.wasm === null && isCpuLike(b) ? b : null;
    if (this.wasm === null && this.cpu === null) {
      throw new Error(`${who}: backend must be wasm- or cpu-like, got ${String(backend)}`);
    }
  }

  /**
   * A new float32 tensor of `shape`, owned by this kernel until released. Its values are
   * undefined on wasm (fresh heap memory): the kernel must write every entry.
   */
  allocate(shape: number[]): tf.TensorInfo {
    let info: tf.TensorInfo;
    if (this.wasm !== null) {
      info = this.wasm.makeOutput(shape, 'float32');
    } else {
      const size = shape.reduce((a, b) => a * b, 1);
      info = (this.cpu as CpuLike).makeTensorInfo(shape, 'float32', new Float32Array(size));
    }
    this.owned.push(info);
    return info;
  }

  /** A view of a float32 tensor's values; valid until the next allocation. */
  floats(info: tf.TensorInfo): Float32Array {
    const values = this.view(info);
    if (!(values instanceof Float32Array)) {
      throw new Error(`${this.who}: a float32 tensor must hold a Float32Array, got ${info.dtype}`);
    }
    return values;
  }

  /** A view (wasm) or the stored array itself (cpu) of a tensor's values. */
  view(info: tf.TensorInfo): tf.backend_util.TypedArray {
    if (this.wasm !== null) return this.wasm.typedArrayFromHeap(info);
    return (this.cpu as CpuLike).readSync(info.dataId) as tf.backend_util.TypedArray;
  }

  /**
   * The WebAssembly memory the tensors live in (wasm backend), or null (cpu, or a wasm
   * backend that does not expose it: then kernels copy, as on cpu).
   */
  wasmMemory(): WebAssembly.Memory | null {
    const memory = this.wasm?.wasm?.asm?.memory;
    const offsets = this.wasm?.dataIdMap;
    return memory instanceof WebAssembly.Memory && offsets !== undefined ? memory : null;
  }

  /** The byte offset of a tensor's values in {@link wasmMemory}. */
  offset(info: tf.TensorInfo): number {
    const offset = this.wasm?.dataIdMap?.get(info.dataId)?.memoryOffset;
    if (typeof offset !== 'number') {
      throw new Error(`${this.who}: a wasm tensor must have a memory offset, got ${offset}`);
    }
    return offset;
  }

  /** Stops tracking `info` (it becomes a kernel output) and returns it. */
  release(info: tf.TensorInfo): tf.TensorInfo {
    const index = this.owned.indexOf(info);
    if (index < 0) throw new Error(`${this.who}: released tensors must come from this kernel`);
    this.owned.splice(index, 1);
    return info;
  }

  /** Frees every tensor allocated and not released. */
  dispose(): void {
    for (const info of this.owned.splice(0)) this.free(info);
  }

  private free(info: tf.TensorInfo): void {
    (this.wasm ?? (this.cpu as CpuLike)).disposeData(info.dataId);
  }
}
