/**
 * Trains the InverseForm inverse-transformation network (Borse et al. 2021) that the
 * `inverse-form` loss ships with, measures how well it recovers known transforms on held-out
 * pairs, and writes the weights module packages/seglosses/src/inverse-form/weights.ts.
 *
 *   npx tsx scripts/train-inverse-form.ts [--steps 3000] [--backend wasm|cpu] [--no-write]
 *     [--hidden 128,32] [--pool 2] [--range scale,shear,shift] [--weighted] [--seed 2021]
 *
 * Training data (as in the paper): pairs of a boundary map and the boundary map of an affinely
 * transformed copy; the network regresses the transform. See synthetic-pairs.ts for the scenes and
 * transforms, network.ts for the architecture, and inverse-form/README.md for the recorded run.
 * Each step draws a fresh batch (no pair is seen twice); the test pairs come from a separate seed.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { affineAt, affineExp } from '../packages/seglosses/src/inverse-form/affine.js';
import { softBoundary } from '../packages/seglosses/src/inverse-form/boundary-map.js';
import { encodeHalfBase64 } from '../packages/seglosses/src/inverse-form/float16.js';
import type {
  InverseFormArchitecture,
  InverseFormParameters,
  InverseFormWeights,
  ParameterName,
} from '../packages/seglosses/src/inverse-form/network.js';
import {
  InverseFormNetwork,
  inverseFormForward,
  parameterNames,
  parameterShapes,
} from '../packages/seglosses/src/inverse-form/network.js';
import type {
  PairOptions,
  TransformRange,
} from '../packages/seglosses/src/inverse-form/synthetic-pairs.js';
import {
  defaultTransformRange,
  generatePairs,
} from '../packages/seglosses/src/inverse-form/synthetic-pairs.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '3000' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.003' },
    hidden: { type: 'string', default: '128,32' },
    pool: { type: 'string', default: '2' },
    seed: { type: 'string', default: '2021' },
    test: { type: 'string', default: '2000' },
    range: { type: 'string', default: '' },
    weighted: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    out: { type: 'string', default: 'packages/seglosses/src/inverse-form/weights.ts' },
  },
});

const steps = Number(args.steps);
const batchSize = Number(args.batch);
const maxLr = Number(args.lr);
const seed = Number(args.seed);
const testCount = Number(args.test);
const [h1, h2] = args.hidden.split(',').map(Number);
const architecture: InverseFormArchitecture = {
  tile: 32,
  pool: Number(args.pool),
  hidden: [h1, h2],
};
const pairOptions: PairOptions = {
  tile: architecture.tile,
  canvas: 56,
  classes: 4,
  range: parseRange(args.range),
};

/** `--range scale,shear,shift` (empty: the library's default range). */
function parseRange(text: string): TransformRange {
  if (text === '') return defaultTransformRange;
  const [scale, shear, shift] = text.split(',').map(Number);
  return { scale, shear, shift };
}
/** Pixels per normalised unit (half a tile). */
const unit = architecture.tile / 2;

/** Boundary tiles of `count` pairs: a = boundary of the warped copy, b = of the original. */
function makeBatch(
  count: number,
  batchSeed: number,
): { a: tf.Tensor4D; b: tf.Tensor4D; m: tf.Tensor2D } {
  const pairs = generatePairs(count, batchSeed, pairOptions);
  const { canvas, classes, tile } = pairOptions;
  const lo = (canvas - tile) / 2;
  return tf.tidy(() => {
    const crop = (oneHot: Float32Array): tf.Tensor4D => {
      const x = tf.tensor4d(oneHot, [count, canvas, canvas, classes]);
      return tf.slice(softBoundary(x), [0, lo, lo, 0], [count, tile, tile, 1]);
    };
    return {
      a: crop(pairs.warped),
      b: crop(pairs.original),
      m: tf.tensor2d(pairs.generators, [count, 6]),
    };
  });
}

function initialParameters(): Record<ParameterName, tf.Variable> {
  const shapes = parameterShapes(architecture);
  let s = seed;
  const he = (shape: number[], gain = 1) =>
    tf.variable(tf.randomNormal(shape, 0, gain * Math.sqrt(2 / shape[0]), 'float32', s++));
  return {
    w1: he(shapes.w1),
    b1: tf.variable(tf.zeros(shapes.b1)),
    w2: he(shapes.w2),
    b2: tf.variable(tf.zeros(shapes.b2)),
    w3: he(shapes.w3, 0.1),
  };
}

/** Adam (β = 0.9, 0.999) on explicit variables; the caller passes each step's learning rate. */
class Adam {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;

  dispose(): void {
    tf.dispose([...this.m.values(), ...this.v.values()]);
  }

  step(grads: tf.NamedTensorMap, variables: readonly tf.Variable[], lr: number): void {
    this.t++;
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    tf.tidy(() => {
      for (const variable of variables) {
        const g = grads[variable.name];
        if (!this.m.has(variable.name)) {
          this.m.set(variable.name, tf.variable(tf.zerosLike(variable), false));
          this.v.set(variable.name, tf.variable(tf.zerosLike(variable), false));
        }
        const m = this.m.get(variable.name) as tf.Variable;
        const v = this.v.get(variable.name) as tf.Variable;
        m.assign(tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1)));
        v.assign(tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001)));
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), 1e-8));
        variable.assign(tf.sub(variable, tf.mul(update, lr)));
      }
    });
  }
}

interface Recovery {
  /** Mean |m̂ − m| over the six generator entries. */
  generator: number;
  /** Mean |â − a| over the four entries of the linear part of T = exp(M). */
  linear: number;
  /** Mean |t̂ − t| of the translation, in pixels. */
  translationPx: number;
}

function recovery(predicted: Float32Array, truth: Float32Array): Recovery {
  let generator = 0;
  let linear = 0;
  let translation = 0;
  const n = truth.length / 6;
  for (let i = 0; i < n; i++) {
    const m = affineAt(truth, i);
    const p = affineAt(predicted, i);
    const a = affineExp(m);
    const b = affineExp(p);
    for (let k = 0; k < 6; k++) generator += Math.abs(m[k] - p[k]) / 6;
    for (const k of [0, 1, 3, 4]) linear += Math.abs(a[k] - b[k]) / 4;
    for (const k of [2, 5]) translation += (Math.abs(a[k] - b[k]) * unit) / 2;
  }
  return { generator: generator / n, linear: linear / n, translationPx: translation / n };
}

function evaluate(
  regress: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor2D,
  test: { a: tf.Tensor4D; b: tf.Tensor4D; m: tf.Tensor2D },
): { model: Recovery; identity: Recovery; swapped: number } {
  const predicted = tf.tidy(() => regress(test.a, test.b).dataSync() as Float32Array);
  const swapped = tf.tidy(() => regress(test.b, test.a).dataSync() as Float32Array);
  const truth = test.m.dataSync() as Float32Array;
  // The swapped pair must give exactly the negated generator (antisymmetric network).
  let antisymmetry = 0;
  for (let i = 0; i < truth.length; i++) {
    antisymmetry = Math.max(antisymmetry, Math.abs(predicted[i] + swapped[i]));
  }
  return {
    model: recovery(predicted, truth),
    identity: recovery(new Float32Array(truth.length), truth),
    swapped: antisymmetry,
  };
}

function formatRecovery(r: Recovery): string {
  return (
    `generator MAE ${r.generator.toFixed(4)}, linear-part MAE ${r.linear.toFixed(4)}, ` +
    `translation MAE ${r.translationPx.toFixed(3)} px`
  );
}

function chunks(text: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width));
  return out;
}

/** A TypeScript literal of a flat record, in the formatting prettier keeps. */
function literal(record: Readonly<Record<string, number | string>>, indent: string): string[] {
  return Object.entries(record).map(
    ([key, value]) => `${indent}${key}: ${typeof value === 'string' ? `'${value}'` : value},`,
  );
}

function weightsModule(weights: InverseFormWeights): string {
  const { tile, pool, hidden } = weights.architecture;
  const lines = [
    '/**',
    ' * The frozen InverseForm network shipped with seglosses: half-precision weights in base64.',
    ' * Generated by scripts/train-inverse-form.ts; do not edit. How it was trained and what it',
    ' * recovers on held-out pairs: inverse-form/README.md and `training` below.',
    ' */',
    "import type { InverseFormWeights } from './network.js';",
    '',
    'export const shippedInverseFormWeights: InverseFormWeights = {',
    "  format: 'seglosses-inverse-form/1',",
    `  architecture: { tile: ${tile}, pool: ${pool}, hidden: [${hidden[0]}, ${hidden[1]}] },`,
    '  training: {',
    ...literal(weights.training, '    '),
    '  },',
    '  parameters: {',
  ];
  for (const name of parameterNames) {
    lines.push(`    ${name}: [`);
    for (const piece of chunks(weights.parameters[name], 88)) lines.push(`      '${piece}',`);
    lines.push("    ].join(''),");
  }
  lines.push('  },', '};', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  await tf.setBackend(args.backend);
  await tf.ready();
  const params = initialParameters();
  const variables = parameterNames.map((n) => params[n]);
  const adam = new Adam();
  const started = performance.now();
  const test = makeBatch(testCount, seed + 1_000_003);
  // Each generator entry's error is measured relative to its sampling range, so the small
  // linear-part entries weigh as much as the translations.
  const r = pairOptions.range;
  const entryWeights = tf.tensor1d(
    [r.scale, r.shear, r.shift, r.shear, r.scale, r.shift].map((v) =>
      args.weighted ? 1 / (v * v) : 1,
    ),
  );
  let running = 0;
  for (let step = 0; step < steps; step++) {
    const batch = makeBatch(batchSize, seed + step);
    const lr = 0.5 * maxLr * (1 + Math.cos((Math.PI * step) / steps));
    const value = tf.tidy(() => {
      const { value: loss, grads } = tf.variableGrads(() => {
        const predicted = inverseFormForward(params, architecture, batch.a, batch.b);
        return tf.mean(tf.mul(tf.square(tf.sub(predicted, batch.m)), entryWeights)) as tf.Scalar;
      }, variables);
      adam.step(grads, variables, lr);
      return loss.dataSync()[0];
    });
    tf.dispose([batch.a, batch.b, batch.m]);
    running = step === 0 ? value : 0.98 * running + 0.02 * value;
    if ((step + 1) % 250 === 0 || step === steps - 1) {
      const seconds = (performance.now() - started) / 1000;
      console.log(`step ${step + 1}/${steps}  mse ${running.toFixed(5)}  ${seconds.toFixed(0)} s`);
    }
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const float32 = evaluate(
    (a, b) => inverseFormForward(params as InverseFormParameters, architecture, a, b),
    test,
  );
  const parameters = {} as Record<ParameterName, string>;
  for (const name of parameterNames) parameters[name] = encodeHalfBase64(params[name].dataSync());
  const draft: InverseFormWeights = {
    format: 'seglosses-inverse-form/1',
    architecture,
    parameters,
    training: {},
  };
  const shipped = new InverseFormNetwork(draft);
  const half = evaluate((a, b) => shipped.regress(a, b), test);
  console.log(
    `train: ${steps} steps of ${batchSize} pairs in ${trainSeconds.toFixed(0)} s on ${tf.getBackend()}`,
  );
  console.log(`held-out ${testCount} pairs, float32 weights: ${formatRecovery(float32.model)}`);
  console.log(`held-out ${testCount} pairs, shipped half weights: ${formatRecovery(half.model)}`);
  console.log(`held-out ${testCount} pairs, identity baseline: ${formatRecovery(half.identity)}`);
  console.log(`antisymmetry |f(a,b) + f(b,a)| max: ${half.swapped}`);
  console.log(`parameters: ${shipped.parameterCount}`);
  const weights: InverseFormWeights = {
    ...draft,
    training: {
      script: 'scripts/train-inverse-form.ts',
      backend: tf.getBackend(),
      steps,
      batch: batchSize,
      maxLr,
      seed,
      weighted: String(args.weighted),
      canvas: pairOptions.canvas,
      classes: pairOptions.classes,
      rangeScale: pairOptions.range.scale,
      rangeShear: pairOptions.range.shear,
      rangeShift: pairOptions.range.shift,
      trainSeconds: Math.round(trainSeconds),
      testPairs: testCount,
      testGeneratorMae: round(half.model.generator),
      testLinearMae: round(half.model.linear),
      testTranslationMaePx: round(half.model.translationPx),
      identityGeneratorMae: round(half.identity.generator),
      identityLinearMae: round(half.identity.linear),
      identityTranslationMaePx: round(half.identity.translationPx),
    },
  };
  if (!args['no-write']) {
    writeFileSync(args.out, weightsModule(weights));
    console.log(`wrote ${args.out}`);
  }
  adam.dispose();
  tf.dispose([test.a, test.b, test.m, entryWeights, ...variables]);
}

function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}

await main();
