/**
 * Training and test data for the InverseForm network, as in Borse et al. (2021): a label map and
 * an affinely transformed copy, whose transform the network learns to recover. The paper draws its
 * label maps from Cityscapes; here they are random scenes of ellipses, rotated rectangles and
 * star-shaped polygons in up to three classes on a background, drawn on a canvas larger than the
 * network's tile so that content moves in from outside the tile as it would in a larger image.
 *
 * A pair is the one-hot canvas and its warp W(p) = L(T⁻¹ p) by T = exp(M) (see `affine.ts`),
 * sampled bilinearly (so the warped copy is soft at its edges, like a prediction) with background
 * outside the canvas. The caller turns both into boundary maps with `softBoundary` and crops the
 * central tile. Deterministic for a seed; no platform API, so tests and the training script share
 * it.
 */
import { seededRandom } from '../core/seeded-random.js';
import type { Affine6 } from './affine.js';
import { affineExp, applyAffine, inverseGenerator } from './affine.js';

/** Largest |entry| of a sampled generator M, per entry (normalised units: half a tile). */
export interface TransformRange {
  /** m0, m4: log-scale along x and y. */
  readonly scale: number;
  /** m1, m3: rotation and shear. */
  readonly shear: number;
  /** m2, m5: translation (0.25 = 4 pixels on a 32-pixel tile). */
  readonly shift: number;
}

export const defaultTransformRange: TransformRange = { scale: 0.2, shear: 0.2, shift: 0.25 };

export interface PairOptions {
  /** Side of the network's tile in pixels. */
  readonly tile: number;
  /** Side of the canvas the tile is cut from (≥ tile). */
  readonly canvas: number;
  /** Number of one-hot channels (background + up to classes − 1 shape classes). */
  readonly classes: number;
  readonly range: TransformRange;
}

/** `count` pairs: one-hot canvases `[count, canvas, canvas, classes]`, generators `[count, 6]`. */
export interface PairBatch {
  readonly original: Float32Array;
  readonly warped: Float32Array;
  readonly generators: Float32Array;
}

/** A shape: its membership test and a disk (cx, cy, radius) that contains it. */
interface Shape {
  readonly inside: (x: number, y: number) => boolean;
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
}

/** A random ellipse, rotated rectangle or star-shaped blob around a random centre. */
function randomShape(random: () => number, canvas: number): Shape {
  const cx = random() * canvas;
  const cy = random() * canvas;
  const angle = random() * Math.PI;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const kind = Math.floor(random() * 3);
  if (kind === 0) {
    const rx = 3 + random() * 13;
    const ry = 3 + random() * 13;
    const inside = (x: number, y: number) => {
      const u = ((x - cx) * cos + (y - cy) * sin) / rx;
      const v = (-(x - cx) * sin + (y - cy) * cos) / ry;
      return u * u + v * v <= 1;
    };
    return { inside, cx, cy, radius: Math.max(rx, ry) };
  }
  if (kind === 1) {
    const hx = 3 + random() * 11;
    const hy = 3 + random() * 11;
    const inside = (x: number, y: number) => {
      const u = (x - cx) * cos + (y - cy) * sin;
      const v = -(x - cx) * sin + (y - cy) * cos;
      return Math.abs(u) <= hx && Math.abs(v) <= hy;
    };
    return { inside, cx, cy, radius: Math.hypot(hx, hy) };
  }
  // A star-shaped blob: the radius varies linearly in angle between 5–9 random spokes.
  const spokes = 5 + Math.floor(random() * 5);
  const base = 5 + random() * 11;
  const radii = Array.from({ length: spokes }, () => base * (0.55 + 0.65 * random()));
  const inside = (x: number, y: number) => {
    let t = ((Math.atan2(y - cy, x - cx) - angle) / (2 * Math.PI)) * spokes;
    t = ((t % spokes) + spokes) % spokes;
    const k = Math.floor(t);
    const edge = radii[k] + (radii[(k + 1) % spokes] - radii[k]) * (t - k);
    return Math.hypot(x - cx, y - cy) <= edge;
  };
  return { inside, cx, cy, radius: Math.max(...radii) };
}

/** A label canvas with 1–4 random shapes in classes 1..classes−1 on background 0. */
function randomLabels(random: () => number, canvas: number, classes: number): Int32Array {
  const labels = new Int32Array(canvas * canvas);
  const shapes = 1 + Math.floor(random() * 4);
  for (let s = 0; s < shapes; s++) {
    const shape = randomShape(random, canvas);
    const label = 1 + Math.floor(random() * (classes - 1));
    // Only the pixels of the shape's bounding square can be inside.
    const lo = (c: number) => Math.max(0, Math.floor(c - shape.radius - 1));
    const hi = (c: number) => Math.min(canvas, Math.ceil(c + shape.radius + 1));
    for (let y = lo(shape.cy); y < hi(shape.cy); y++) {
      for (let x = lo(shape.cx); x < hi(shape.cx); x++) {
        if (shape.inside(x + 0.5, y + 0.5)) labels[y * canvas + x] = label;
      }
    }
  }
  return labels;
}

/** A generator M with entries uniform in ±range, all scaled by one uniform factor in [0, 1). */
export function randomGenerator(random: () => number, range: TransformRange): Affine6 {
  const u = (limit: number) => (2 * random() - 1) * limit;
  const k = random();
  return [
    k * u(range.scale),
    k * u(range.shear),
    k * u(range.shift),
    k * u(range.shear),
    k * u(range.scale),
    k * u(range.shift),
  ];
}

/** Samples the one-hot of `labels` at T⁻¹ p for every pixel p (bilinear, background outside). */
function warpOneHot(
  labels: Int32Array,
  canvas: number,
  classes: number,
  inverse: Affine6,
  unit: number,
  out: Float32Array,
  offset: number,
): void {
  const centre = canvas / 2;
  const at = (x: number, y: number): number =>
    x < 0 || y < 0 || x >= canvas || y >= canvas ? 0 : labels[y * canvas + x];
  for (let r = 0; r < canvas; r++) {
    for (let c = 0; c < canvas; c++) {
      const [qx, qy] = applyAffine(inverse, (c + 0.5 - centre) / unit, (r + 0.5 - centre) / unit);
      const sx = qx * unit + centre - 0.5;
      const sy = qy * unit + centre - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const base = offset + (r * canvas + c) * classes;
      out[base + at(x0, y0)] += (1 - fx) * (1 - fy);
      out[base + at(x0 + 1, y0)] += fx * (1 - fy);
      out[base + at(x0, y0 + 1)] += (1 - fx) * fy;
      out[base + at(x0 + 1, y0 + 1)] += fx * fy;
    }
  }
}

/** `count` random pairs; the same seed gives the same pairs. */
export function generatePairs(count: number, seed: number, options: PairOptions): PairBatch {
  const { canvas, classes, tile } = options;
  const random = seededRandom(seed);
  const area = canvas * canvas * classes;
  const original = new Float32Array(count * area);
  const warped = new Float32Array(count * area);
  const generators = new Float32Array(count * 6);
  const lo = (canvas - tile) / 2;
  for (let n = 0; n < count; n++) {
    // Keep scenes whose central tile holds a boundary: an empty tile carries no transform.
    let labels = randomLabels(random, canvas, classes);
    while (!tileHasEdge(labels, canvas, lo, tile)) labels = randomLabels(random, canvas, classes);
    for (let i = 0; i < canvas * canvas; i++) original[n * area + i * classes + labels[i]] = 1;
    const m = randomGenerator(random, options.range);
    generators.set(m, n * 6);
    const inverse = affineExp(inverseGenerator(m));
    warpOneHot(labels, canvas, classes, inverse, tile / 2, warped, n * area);
  }
  return { original, warped, generators };
}

function tileHasEdge(labels: Int32Array, canvas: number, lo: number, tile: number): boolean {
  let edges = 0;
  for (let y = lo; y < lo + tile; y++) {
    for (let x = lo; x < lo + tile - 1; x++) {
      if (labels[y * canvas + x] !== labels[y * canvas + x + 1]) edges++;
    }
  }
  return edges >= 4;
}
