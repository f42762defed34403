/**
 * The weights of the Lovász extension (Berman et al. 2018): per group (an image, or the batch)
 * and class, the valid pixels sorted by decreasing error — ties in PyTorch's CPU order
 * (`core/descending-order.ts`) — and at rank r the increment of the Jaccard loss
 * J_r = 1 − (M − I_r)/(M + O_r) (M: the class's target mass; I_r, O_r: target and non-target
 * mass among the first r pixels). Computed by the WebAssembly kernel `lovasz_weights`
 * (native/loss-kernels.c) where it runs, else in JavaScript; both give the same float32 values.
 */
import { descendingOrder } from '../../core/descending-order.js';
import { ownMemoryKernels } from '../../kernels/native/loss-kernels.js';

/** Weights [groups, pixels, classes] (0 where unset) and which (group, class) terms count. */
export interface LovaszWeights {
  readonly weights: Float32Array;
  readonly counted: Float32Array;
}

/**
 * The Lovász weights g of errors and targets laid out [groups, pixels, classes] (`valid`:
 * [groups, pixels]), scattered back to that layout, and which (group, class) terms count
 * (with `presentOnly`, the classes with target mass in the group).
 */
export function lovaszWeights(
  errors: ArrayLike<number>,
  target: ArrayLike<number>,
  valid: ArrayLike<number>,
  dims: number[],
  presentOnly: boolean,
): LovaszWeights {
  const native = ownMemoryKernels();
  if (native === null) return lovaszWeightsInJavaScript(errors, target, valid, dims, presentOnly);
  const [groups, pixels, classes] = dims;
  const { exports, arena } = native;
  // float32 copies of each input, whatever its array type (targets and masks may be integers).
  const at = {
    errors: arena.reserve(errors.length * 4),
    target: arena.reserve(target.length * 4),
    valid: arena.reserve(valid.length * 4),
    weights: arena.reserve(errors.length * 4),
    counted: arena.reserve(groups * classes * 4),
    kept: arena.reserve(pixels * 4),
    order: arena.reserve(pixels * 8),
  };
  arena.commit();
  const floats = (offset: number, count: number) => new Float32Array(arena.buffer, offset, count);
  floats(at.errors, errors.length).set(errors);
  floats(at.target, target.length).set(target);
  floats(at.valid, valid.length).set(valid);
  exports.lovasz_weights(
    at.errors,
    at.target,
    at.valid,
    groups,
    pixels,
    classes,
    presentOnly ? 1 : 0,
    at.weights,
    at.counted,
    at.kept,
    at.order,
  );
  return {
    weights: floats(at.weights, errors.length).slice(),
    counted: floats(at.counted, groups * classes).slice(),
  };
}

/**
 * {@link lovaszWeights} in JavaScript: the fallback where WebAssembly cannot run, and the
 * reference the WebAssembly kernel is tested against.
 */
export function lovaszWeightsInJavaScript(
  errors: ArrayLike<number>,
  target: ArrayLike<number>,
  valid: ArrayLike<number>,
  [groups, pixels, classes]: number[],
  presentOnly: boolean,
): LovaszWeights {
  const weights = new Float32Array(errors.length);
  const counted = new Float32Array(groups * classes);
  for (let g = 0; g < groups; g++) {
    const kept: number[] = [];
    for (let p = 0; p < pixels; p++) if (valid[g * pixels + p] > 0) kept.push(g * pixels + p);
    const n = kept.length;
    if (n === 0) continue;
    const keys = new Float32Array(n);
    for (let c = 0; c < classes; c++) {
      let mass = 0;
      for (let j = 0; j < n; j++) {
        keys[j] = errors[kept[j] * classes + c];
        mass += target[kept[j] * classes + c];
      }
      if (presentOnly && mass === 0) continue;
      counted[g * classes + c] = 1;
      const order = descendingOrder(keys);
      let inside = 0;
      let outside = 0;
      let previous = 0;
      for (let k = 0; k < n; k++) {
        const at = kept[order[k]] * classes + c;
        inside += target[at];
        outside += 1 - target[at];
        const jaccard = 1 - (mass - inside) / (mass + outside);
        weights[at] = jaccard - previous;
        previous = jaccard;
      }
    }
  }
  return { weights, counted };
}
