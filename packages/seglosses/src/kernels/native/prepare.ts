/**
 * `prepareNativeKernels()`: compiles the library's WebAssembly modules asynchronously. Node and
 * workers compile them synchronously on first use and need not call it; a browser's main thread
 * does not allow synchronous compilation of modules this size, so a page should
 * `await prepareNativeKernels()` once before training on the wasm or cpu backend — without it,
 * the losses there use their composed form and the distance transform its JavaScript form.
 */
import { prepareNativeDistanceTransform } from '../../geometry/native-distance-transform.js';
import { prepareLossKernels } from './loss-kernels.js';

/** Resolves to whether both modules (loss kernels, distance transform) run here. */
export async function prepareNativeKernels(): Promise<boolean> {
  const [losses, geometry] = await Promise.all([
    prepareLossKernels(),
    prepareNativeDistanceTransform(),
  ]);
  return losses && geometry;
}
