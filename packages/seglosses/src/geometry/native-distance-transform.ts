/**
 * The WebAssembly form of the exact distance transform (native/distance-transform.c): the same
 * passes and the same float64 arithmetic as `distance-transform.ts`, in the same order, so both
 * give the same bits. The module runs on a memory of its own (geometry works on plain typed
 * arrays): each call lays out the field, the mask and the scratch in it with an {@link Arena},
 * copies the input in once (bytes for a mask, float64 for the in-place form) and the result out
 * once.
 *
 * That memory keeps the size of the largest field transformed so far (a WebAssembly memory
 * cannot shrink): 8 bytes per element plus 1 for the mask, e.g. 54 MiB after a 96×256×256
 * volume.
 */
import { distanceTransformBinary } from '../kernels/native/distance-transform-binary.js';
import { Arena, NativeModule } from '../kernels/native/wasm-module.js';
import type { Grid } from './grid.js';

/** The module's export; pointers are byte offsets into its memory (see the C source). */
interface DistanceTransformExports {
  readonly __heap_base: WebAssembly.Global;
  distance_transform(
    values: number,
    sites: number,
    rank: number,
    shape: number,
    spacing: number,
    root: number,
    below: number,
    lines: number,
    v: number,
    h: number,
    fv: number,
    z: number,
  ): void;
}

const edtModule = new NativeModule<DistanceTransformExports>(distanceTransformBinary);

/** Lines of a strided axis the module gathers at a time (LINES_PER_BLOCK in the C source). */
const linesPerBlock = 16;

/** Whether the module runs here (compiling it the first time). */
export function nativeDistanceTransformAvailable(): boolean {
  return edtModule.available();
}

/** Compiles the module asynchronously (see `NativeModule.prepare`). */
export function prepareNativeDistanceTransform(): Promise<boolean> {
  return edtModule.prepare();
}

/**
 * Distances (`root`) or squared distances of every element of `grid` to the nearest site: the
 * zeros of `mask`, or, when `mask` is null, the zeros of `values` (0 at the sites and ∞
 * elsewhere), which then also receives the result. Returns the result, or null when the
 * module's memory cannot grow to hold the field (the caller then runs the JavaScript form).
 */
export function nativeSquaredDistance(
  grid: Grid,
  mask: ArrayLike<number> | null,
  values: Float64Array | null,
  root: boolean,
): Float64Array | null {
  const memory = edtModule.ownMemory();
  const exports = edtModule.instanceOn(memory);
  const arena = new Arena(memory, exports.__heap_base);
  const { shape, size, spacing } = grid;
  const rank = shape.length;
  const longest = Math.max(...shape);
  const slab = size / shape[0];
  const at = {
    values: arena.reserve(8 * size),
    sites: mask === null ? 0 : arena.reserve(size),
    shape: arena.reserve(4 * rank),
    spacing: arena.reserve(8 * rank),
    below: arena.reserve(8 * slab),
    lines: arena.reserve(rank > 2 ? 8 * linesPerBlock * longest : 0),
    v: arena.reserve(4 * longest),
    h: arena.reserve(8 * longest),
    fv: arena.reserve(8 * longest),
    z: arena.reserve(8 * (longest + 1)),
  };
  try {
    arena.commit();
  } catch (error) {
    if (error instanceof RangeError) return null; // more than the 4 GiB a memory may hold
    throw error;
  }
  const buffer = arena.buffer;
  const field = new Float64Array(buffer, at.values, size);
  if (mask !== null) copySites(new Uint8Array(buffer, at.sites, size), mask);
  else field.set(values as Float64Array);
  new Int32Array(buffer, at.shape, rank).set(shape);
  new Float64Array(buffer, at.spacing, rank).set(spacing);
  exports.distance_transform(
    at.values,
    at.sites,
    rank,
    at.shape,
    at.spacing,
    root ? 1 : 0,
    at.below,
    at.lines,
    at.v,
    at.h,
    at.fv,
    at.z,
  );
  if (values === null) return field.slice();
  values.set(field);
  return values;
}

/**
 * sites[i] = 0 where mask[i] === 0 (±0), 1 elsewhere (NaN included), as the JavaScript form's
 * `sites[j] === 0` test. Byte arrays are copied as they are (a non-zero byte stays non-zero).
 */
function copySites(sites: Uint8Array, mask: ArrayLike<number>): void {
  if (
    mask instanceof Uint8Array ||
    mask instanceof Int8Array ||
    mask instanceof Uint8ClampedArray
  ) {
    sites.set(mask);
    return;
  }
  for (let i = 0; i < sites.length; i++) sites[i] = mask[i] === 0 ? 0 : 1;
}
