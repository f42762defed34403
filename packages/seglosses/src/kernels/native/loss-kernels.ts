/**
 * The WebAssembly loss kernels (native/loss-kernels.c, 128-bit SIMD): loading them and giving
 * them their tensors.
 *
 * The module imports its linear memory and touches nothing in it but what its pointer
 * arguments name (no stack, no static data; scripts/build-native-kernels.sh checks both). So
 * one compiled module serves two kinds of instance:
 *
 * - on the wasm backend, an instance on the backend's own memory: the kernels read and write
 *   the tensors where they are, at their `memoryOffset`, with no copy;
 * - on the cpu backend (tensors are JavaScript typed arrays), an instance on a memory of its
 *   own, into which a {@link NativeCall} copies the inputs and from which it copies the outputs
 *   (about 0.25 ns per byte here).
 *
 * Loading is synchronous and happens once, the first time a kernel is asked for. Where
 * WebAssembly or its SIMD instructions are missing (or a browser refuses to compile this module
 * synchronously on its main thread), {@link lossKernelsAvailable} is false and the losses use
 * their composed form.
 */
import type * as tf from '@tensorflow/tfjs-core';

import type { KernelBackend } from '../kernel-backend.js';
import { lossKernelsBinary } from './loss-kernels-binary.js';

/** The module's exports; pointers are byte offsets into its memory. */
export interface LossKernelExports {
  readonly __heap_base: WebAssembly.Global;
  softmax_cross_entropy(
    x: number,
    y: number,
    n: number,
    classes: number,
    weights: number,
    counts: number,
    gammas: number,
    kappa: number,
    eps: number,
    hasIgnore: number,
    ignore: number,
    unlabelledCount: number,
    p: number,
    terms: number,
    coef: number,
    sums: number,
  ): void;
  softmax_cross_entropy_grad(
    p: number,
    y: number,
    coef: number,
    dy: number,
    perPixel: number,
    scale: number,
    n: number,
    classes: number,
    dx: number,
  ): void;
  softmax_overlap(
    x: number,
    y: number,
    batch: number,
    pixels: number,
    classes: number,
    hasIgnore: number,
    ignore: number,
    squared: number,
    clip: number,
    p: number,
    stats: number,
    acc: number,
    block: number,
  ): void;
  softmax_overlap_grad(
    p: number,
    y: number,
    dstats: number,
    batch: number,
    pixels: number,
    classes: number,
    hasIgnore: number,
    ignore: number,
    squared: number,
    clip: number,
    dx: number,
    acc: number,
  ): void;
}

interface Instance {
  readonly memory: WebAssembly.Memory;
  readonly exports: LossKernelExports;
}

/** The compiled module, null when it cannot compile here, undefined before the first try. */
let compiled: WebAssembly.Module | null | undefined;
let loadError: unknown = null;
/** Instances by memory: one on the wasm backend's memory, one on a memory of their own. */
const instances = new WeakMap<WebAssembly.Memory, Instance>();
let ownMemory: WebAssembly.Memory | null = null;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(decodeBase64(lossKernelsBinary));
      // Instantiating checks the SIMD instructions too.
      instanceOn(new WebAssembly.Memory({ initial: 2 }));
    } catch (error) {
      loadError = error;
      compiled = null;
    }
  }
  return compiled;
}

function instanceOn(memory: WebAssembly.Memory): Instance {
  let instance = instances.get(memory);
  if (instance === undefined) {
    const made = new WebAssembly.Instance(compiled as WebAssembly.Module, { env: { memory } });
    instance = { memory, exports: made.exports as unknown as LossKernelExports };
    instances.set(memory, instance);
  }
  return instance;
}

/** Whether the kernels can run here (loading them the first time). */
export function lossKernelsAvailable(): boolean {
  return module() !== null;
}

/** Why the module did not load (null when it did or was not tried). */
export function lossKernelsLoadError(): unknown {
  return loadError;
}

const pageBytes = 65536;

/**
 * One kernel call's tensors in the module's memory. Lay out first — `input`, `output` and
 * `scratch` return byte offsets, allocating on the backend where needed — then `commit()`
 * (copies the inputs in when the memory is the module's own), write small arrays through
 * `f64`, run the kernel on `exports`, and `finish()` (copies the outputs back).
 */
export class NativeCall {
  readonly exports: LossKernelExports;
  private readonly instance: Instance;
  /** The wasm backend's memory holds the tensors themselves. */
  private readonly shared: boolean;
  private top: number;
  private readonly copiesIn: [number, tf.TensorInfo][] = [];
  private readonly copiesOut: [number, tf.TensorInfo][] = [];

  constructor(
    who: string,
    private readonly kb: KernelBackend,
  ) {
    if (module() === null) {
      throw new Error(`${who}: the WebAssembly loss kernels must load, got ${String(loadError)}`);
    }
    const backendMemory = kb.wasmMemory();
    this.shared = backendMemory !== null;
    ownMemory ??= new WebAssembly.Memory({ initial: 2 });
    this.instance = instanceOn(backendMemory ?? ownMemory);
    this.exports = this.instance.exports;
    this.top = this.exports.__heap_base.value as number;
  }

  /** The offset of a tensor the kernel reads. */
  input(info: tf.TensorInfo): number {
    if (this.shared) return this.kb.offset(info);
    const at = this.reserve(this.kb.view(info).byteLength);
    this.copiesIn.push([at, info]);
    return at;
  }

  /** The offset of a tensor the kernel writes (allocated by the caller on the backend). */
  output(info: tf.TensorInfo): number {
    if (this.shared) return this.kb.offset(info);
    const at = this.reserve(this.kb.view(info).byteLength);
    this.copiesOut.push([at, info]);
    return at;
  }

  /** The offset of `count` values of `bytesEach` bytes of scratch, 16-byte aligned. */
  scratch(count: number, bytesEach: 4 | 8): number {
    if (!this.shared) return this.reserve(count * bytesEach);
    const words = Math.ceil((count * bytesEach + 16) / 4);
    const at = this.kb.offset(this.kb.allocate([words]));
    return Math.ceil(at / 16) * 16;
  }

  /** Makes the layout real: grows the module's own memory and copies the inputs in. */
  commit(): void {
    if (this.shared) return;
    const memory = this.instance.memory;
    const missing = this.top - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / pageBytes));
    for (const [at, info] of this.copiesIn) this.bytes(at, info).set(this.tensorBytes(info));
  }

  /** A view of `count` float64 values at `offset` (valid until the next allocation). */
  f64(offset: number, count: number): Float64Array {
    return new Float64Array(this.instance.memory.buffer, offset, count);
  }

  /** Copies the outputs back when the memory is the module's own. */
  finish(): void {
    for (const [at, info] of this.copiesOut) this.tensorBytes(info).set(this.bytes(at, info));
  }

  private reserve(bytes: number): number {
    const at = this.top;
    this.top = at + Math.ceil(bytes / 16) * 16;
    return at;
  }

  private bytes(at: number, info: tf.TensorInfo): Uint8Array {
    return new Uint8Array(this.instance.memory.buffer, at, this.kb.view(info).byteLength);
  }

  private tensorBytes(info: tf.TensorInfo): Uint8Array {
    const view = this.kb.view(info);
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
}
