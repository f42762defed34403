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

import { KernelBackend } from '../kernel-backend.js';
import { lossKernelsBinary } from './loss-kernels-binary.js';
import { Arena, NativeModule } from './wasm-module.js';

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
    confusion: number,
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
    confusion: number,
    dx: number,
    acc: number,
  ): void;
  lovasz_weights(
    errors: number,
    target: number,
    valid: number,
    groups: number,
    pixels: number,
    classes: number,
    presentOnly: number,
    weights: number,
    counted: number,
    kept: number,
    order: number,
  ): void;
  top_selection(scores: number, n: number, count: number, work: number, weights: number): number;
  binary_cross_entropy(x: number, t: number, n: number, terms: number, slope: number): void;
  rmi_terms(
    probs: number,
    labels: number,
    batch: number,
    h: number,
    w: number,
    classes: number,
    radius: number,
    alpha: number,
    values: number,
    gradient: number,
    scratch: number,
  ): number;
}

const lossModule = new NativeModule<LossKernelExports>(lossKernelsBinary);

/** Whether the kernels can run here (loading them the first time). */
export function lossKernelsAvailable(): boolean {
  return lossModule.available();
}

/** Compiles the loss kernels asynchronously (see `NativeModule.prepare`). */
export function prepareLossKernels(): Promise<boolean> {
  return lossModule.prepare();
}

/**
 * The kernels on a memory of their own, for callers holding plain typed arrays (they lay out
 * and copy with an {@link Arena}); null where the module cannot run.
 */
export function ownMemoryKernels(): { exports: LossKernelExports; arena: Arena } | null {
  if (!lossModule.available()) return null;
  const memory = lossModule.ownMemory();
  const exports = lossModule.instanceOn(memory);
  return { exports, arena: new Arena(memory, exports.__heap_base) };
}

/**
 * One kernel call's tensors in the module's memory. Lay out first — `input`, `output` and
 * `scratch` return byte offsets, allocating on the backend where needed — then `commit()`
 * (copies the inputs in when the memory is the module's own), write small arrays through
 * `f64`, run the kernel on `exports`, and `finish()` (copies the outputs back).
 */
export class NativeCall {
  readonly exports: LossKernelExports;
  private readonly memory: WebAssembly.Memory;
  /** The wasm backend's memory holds the tensors themselves. */
  private readonly shared: boolean;
  private readonly arena: Arena;
  private readonly copiesIn: [number, tf.TensorInfo][] = [];
  private readonly copiesOut: [number, tf.TensorInfo][] = [];

  constructor(
    who: string,
    private readonly kb: KernelBackend,
  ) {
    if (!lossModule.available()) {
      throw new Error(
        `${who}: the WebAssembly loss kernels must load, got ${lossModule.loadError()}`,
      );
    }
    const backendMemory = kb.wasmMemory();
    this.shared = backendMemory !== null;
    this.memory = backendMemory ?? lossModule.ownMemory();
    this.exports = lossModule.instanceOn(this.memory);
    this.arena = new Arena(this.memory, this.exports.__heap_base);
  }

  /** The offset of a tensor the kernel reads. */
  input(info: tf.TensorInfo): number {
    if (this.shared) return this.kb.offset(info);
    const at = this.arena.reserve(this.kb.view(info).byteLength);
    this.copiesIn.push([at, info]);
    return at;
  }

  /** The offset of a tensor the kernel writes (allocated by the caller on the backend). */
  output(info: tf.TensorInfo): number {
    if (this.shared) return this.kb.offset(info);
    const at = this.arena.reserve(this.kb.view(info).byteLength);
    this.copiesOut.push([at, info]);
    return at;
  }

  /** The offset of `count` values of `bytesEach` bytes of scratch, 16-byte aligned. */
  scratch(count: number, bytesEach: 4 | 8): number {
    if (!this.shared) return this.arena.reserve(count * bytesEach);
    const words = Math.ceil((count * bytesEach + 16) / 4);
    const at = this.kb.offset(this.kb.allocate([words]));
    return Math.ceil(at / 16) * 16;
  }

  /** Makes the layout real: grows the module's own memory and copies the inputs in. */
  commit(): void {
    if (this.shared) return;
    this.arena.commit();
    for (const [at, info] of this.copiesIn) this.bytes(at, info).set(this.tensorBytes(info));
  }

  /** A view of `count` float64 values at `offset` (valid until the next allocation). */
  f64(offset: number, count: number): Float64Array {
    return new Float64Array(this.memory.buffer, offset, count);
  }

  /** Copies the outputs back when the memory is the module's own. */
  finish(): void {
    for (const [at, info] of this.copiesOut) this.tensorBytes(info).set(this.bytes(at, info));
  }

  private bytes(at: number, info: tf.TensorInfo): Uint8Array {
    return new Uint8Array(this.memory.buffer, at, this.kb.view(info).byteLength);
  }

  private tensorBytes(info: tf.TensorInfo): Uint8Array {
    const view = this.kb.view(info);
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
}

/**
 * One call of a native kernel: `body` allocates its outputs with `kb`, lays out and runs with
 * `call`, and returns what it releases; everything else it allocated is freed, also when it
 * throws.
 */
export function runNativeKernel<T>(
  who: string,
  backend: unknown,
  body: (kb: KernelBackend, call: NativeCall) => T,
): T {
  const kb = new KernelBackend(who, backend);
  try {
    return body(kb, new NativeCall(who, kb));
  } finally {
    kb.dispose();
  }
}
