/**
 * The WebAssembly loss kernels (native/loss-kernels.c, 128-bit SIMD): loading them and moving
 * tensors in and out of their memory.
 *
 * The module has a linear memory of its own. A kernel call lays out its inputs and outputs in
 * an {@link Arena} — offsets from `__heap_base`, 16-byte aligned, the memory grown once for the
 * whole layout — copies the inputs in, runs, and copies the outputs out. Copies cost about
 * 0.2 ns per byte here, a small part of a kernel that reads and writes each value several
 * times; in exchange the kernels never touch a backend's own memory and run the same on every
 * backend whose tensors are typed arrays.
 *
 * Loading is synchronous and happens once, the first time a kernel is asked for. Where
 * WebAssembly or its SIMD instructions are missing (or a browser refuses to compile this module
 * synchronously on its main thread), {@link lossKernels} returns null and the losses use their
 * composed form.
 */
import { lossKernelsBinary } from './loss-kernels-binary.js';

/** The module's exports; pointers are byte offsets into `memory`. */
export interface LossKernelExports {
  readonly memory: WebAssembly.Memory;
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

const pageBytes = 65536;

/**
 * A layout of one kernel call in the module's memory: `reserve` hands out aligned offsets,
 * `commit` grows the memory to hold them all, after which the typed views are valid (until the
 * next `commit`, which may grow the memory and detach them).
 */
export class Arena {
  private top: number;

  constructor(private readonly exports: LossKernelExports) {
    this.top = exports.__heap_base.value as number;
  }

  /** An offset for `count` values of `bytesEach` bytes, 16-byte aligned. */
  reserve(count: number, bytesEach: 4 | 8): number {
    const offset = this.top;
    this.top = offset + Math.ceil((count * bytesEach) / 16) * 16;
    return offset;
  }

  /** Grows the memory to hold every reservation so far. */
  commit(): void {
    const memory = this.exports.memory;
    const missing = this.top - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / pageBytes));
  }

  f32(offset: number, count: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, offset, count);
  }

  f64(offset: number, count: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, offset, count);
  }

  i32(offset: number, count: number): Int32Array {
    return new Int32Array(this.exports.memory.buffer, offset, count);
  }
}

/** The loaded module, null when it cannot load here, undefined before the first attempt. */
let loaded: LossKernelExports | null | undefined;
let loadError: unknown = null;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The kernels' exports, loading the module the first time; null where it cannot run. */
export function lossKernels(): LossKernelExports | null {
  if (loaded !== undefined) return loaded;
  try {
    const module = new WebAssembly.Module(decodeBase64(lossKernelsBinary));
    loaded = new WebAssembly.Instance(module, {}).exports as unknown as LossKernelExports;
  } catch (error) {
    loadError = error;
    loaded = null;
  }
  return loaded;
}

/** Why the module did not load (null when it did or was not tried). */
export function lossKernelsLoadError(): unknown {
  return loadError;
}
