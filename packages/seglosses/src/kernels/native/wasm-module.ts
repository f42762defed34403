/**
 * Loading one of the library's WebAssembly modules (compiled from `native/*.c` by
 * scripts/build-native-kernels.sh and shipped as base64): compiled once, synchronously, the
 * first time it is asked for, and instantiated once per linear memory it runs on — the modules
 * import their memory and write nothing in it but what their pointer arguments name.
 *
 * Where WebAssembly or its SIMD instructions are missing, `available()` is false and the
 * callers use their JavaScript or composed form. Browsers refuse to compile a module of this
 * size synchronously on their main thread: there `prepare()` (exported as
 * `prepareNativeKernels()`) compiles it asynchronously first, after which `available()` is true.
 */

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const pageBytes = 65536;

export class NativeModule<Exports extends { readonly __heap_base: WebAssembly.Global }> {
  /** The compiled module, null when it cannot compile here, undefined before the first try. */
  private compiled: WebAssembly.Module | null | undefined;
  private error: unknown = null;
  private readonly instances = new WeakMap<WebAssembly.Memory, Exports>();
  private own: WebAssembly.Memory | null = null;

  constructor(private readonly base64: string) {}

  /**
   * Compiles the module asynchronously (where synchronous compilation is not allowed, e.g. on a
   * browser's main thread); resolves to whether it runs here. Harmless when already compiled.
   */
  async prepare(): Promise<boolean> {
    if (this.compiled === undefined || this.compiled === null) {
      try {
        this.compiled = await WebAssembly.compile(decodeBase64(this.base64));
        this.instanceOn(this.ownMemory());
        this.error = null;
      } catch (error) {
        this.error = error;
        this.compiled = null;
      }
    }
    return this.compiled !== null;
  }

  /** Whether the module runs here (compiling it the first time). */
  available(): boolean {
    if (this.compiled === undefined) {
      try {
        this.compiled = new WebAssembly.Module(decodeBase64(this.base64));
        // Instantiating checks the SIMD instructions too.
        this.instanceOn(this.ownMemory());
      } catch (error) {
        this.error = error;
        this.compiled = null;
      }
    }
    return this.compiled !== null;
  }

  /** Why the module did not load (null when it did or was not tried). */
  loadError(): unknown {
    return this.error;
  }

  /** The exports of the instance on `memory` (the module must be available). */
  instanceOn(memory: WebAssembly.Memory): Exports {
    let exports = this.instances.get(memory);
    if (exports === undefined) {
      if (!this.compiled) throw new Error(`WebAssembly module must be compiled, got ${this.error}`);
      const instance = new WebAssembly.Instance(this.compiled, { env: { memory } });
      exports = instance.exports as unknown as Exports;
      this.instances.set(memory, exports);
    }
    return exports;
  }

  /** A memory of the module's own, for callers whose data is not in a backend's memory. */
  ownMemory(): WebAssembly.Memory {
    this.own ??= new WebAssembly.Memory({ initial: 2 });
    return this.own;
  }
}

/**
 * A layout in a memory of a module's own: `reserve` hands out 16-byte aligned offsets from
 * `__heap_base`, `commit` grows the memory to hold them all; views taken afterwards stay valid
 * until the next `commit`.
 */
export class Arena {
  private top: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    heapBase: WebAssembly.Global,
  ) {
    this.top = heapBase.value as number;
  }

  reserve(bytes: number): number {
    const at = this.top;
    this.top = at + Math.ceil(bytes / 16) * 16;
    return at;
  }

  commit(): void {
    const missing = this.top - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / pageBytes));
  }

  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }
}
