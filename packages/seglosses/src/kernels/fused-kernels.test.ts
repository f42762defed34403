/**
 * The fused kernels against the composed form they replace: for every case the same loss is
 * evaluated (value and gradient w.r.t. the logits) with the fused kernels on and off, on each
 * test backend, and the two must agree to `fusedRelTol`. The composed form is itself checked
 * against the oracles (losses/oracle-parity.test.ts), so this keeps the fast path on them too.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { createLoss } from '../index.js';
import { describeOnBackends, type Shape4 } from '../test-support/hand-cases.js';
import { tf } from '../test-support/backends.js';
import { seededRandom } from '../test-support/loss-properties.js';
import { fusedRelTol, relativeMaxError } from '../test-support/tolerances.js';
import { fusedKernelsActive, setFusedKernels } from './fused-kernels.js';

interface Inputs {
  readonly shape: Shape4;
  readonly logits: Float32Array;
  readonly labels: Int32Array;
}

/**
 * Seeded logits uniform in [−scale, scale] and labels uniform in 0..C−1, with a share of them
 * replaced by `special` (the ignore index, or a label outside 0..C−1).
 */
function randomInputs(shape: Shape4, seed: number, scale: number, special = 255, share = 0.2) {
  const random = seededRandom(seed);
  const [b, h, w, c] = shape;
  const logits = Float32Array.from({ length: b * h * w * c }, () => (random() * 2 - 1) * scale);
  const labels = Int32Array.from({ length: b * h * w }, () =>
    random() < share ? special : Math.floor(random() * c),
  );
  return { shape, logits, labels };
}

/** Value and gradient of `name` with `options`, fused kernels on or off. */
function evaluate(name: string, options: Record<string, unknown>, input: Inputs, fused: boolean) {
  setFusedKernels(fused);
  const loss = createLoss(name, options);
  const [b, h, w] = input.shape;
  try {
    return tf.tidy(() => {
      const yTrue = tf.tensor3d(input.labels, [b, h, w], 'int32');
      const yPred = tf.tensor4d(input.logits, input.shape);
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tf.sum(loss(yTrue, x)))(yPred);
      return { value: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
    });
  } finally {
    setFusedKernels(true);
  }
}

interface FusedCase {
  readonly name: string;
  readonly loss: string;
  readonly options: Record<string, unknown>;
  readonly input: Inputs;
}

const small: Shape4 = [2, 5, 7, 4];

const inputs = {
  mixed: randomInputs(small, 1, 4),
  saturated: randomInputs(small, 2, 100),
  allIgnored: randomInputs(small, 3, 3, 255, 1),
  outOfRange: randomInputs(small, 4, 3, 9, 0.3),
  ignoreInRange: randomInputs(small, 5, 3, 0, 0),
  manyClasses: randomInputs([1, 6, 6, 19], 6, 5),
  // In float32's exp range, but Σ_{c≠t} e_c / e_t can exceed float32's (up to e^150).
  wide: randomInputs(small, 7, 75),
  moderate: randomInputs(small, 8, 10),
  pooled: randomInputs([2, 12, 15, 3], 9, 6),
};

const crossEntropyCases: FusedCase[] = [
  { name: 'default, 20% ignored', loss: 'cross-entropy', options: {}, input: inputs.mixed },
  {
    name: 'class weights',
    loss: 'cross-entropy',
    options: { classWeights: [0.5, 2, 0, 1.5] },
    input: inputs.mixed,
  },
  { name: 'sum', loss: 'cross-entropy', options: { reduction: 'sum' }, input: inputs.mixed },
  { name: 'none', loss: 'cross-entropy', options: { reduction: 'none' }, input: inputs.mixed },
  { name: 'logits ±100', loss: 'cross-entropy', options: {}, input: inputs.saturated },
  { name: 'all pixels ignored', loss: 'cross-entropy', options: {}, input: inputs.allIgnored },
  {
    name: 'all ignored, class weights',
    loss: 'cross-entropy',
    options: { classWeights: [1, 2, 3, 4] },
    input: inputs.allIgnored,
  },
  {
    name: 'labels outside 0..C−1, no ignore index',
    loss: 'cross-entropy',
    options: { ignoreIndex: null },
    input: inputs.outOfRange,
  },
  {
    name: 'labels outside 0..C−1, class weights',
    loss: 'cross-entropy',
    options: { ignoreIndex: null, classWeights: [1, 2, 3, 4] },
    input: inputs.outOfRange,
  },
  {
    name: 'ignore index 0 (a class)',
    loss: 'cross-entropy',
    options: { ignoreIndex: 0 },
    input: inputs.mixed,
  },
  { name: '19 classes', loss: 'cross-entropy', options: {}, input: inputs.manyClasses },
  { name: 'logits ±75', loss: 'cross-entropy', options: {}, input: inputs.wide },
  {
    name: 'an ignore index beyond int32 (ignores nothing)',
    loss: 'cross-entropy',
    options: { ignoreIndex: 2 ** 32 + 1 },
    input: inputs.mixed,
  },
];

/** Losses built on the cross-entropy kernel's per-pixel terms (γ, κ, ε, weights, 'none'). */
const pixelTermCases: FusedCase[] = [
  { name: 'default (γ 2)', loss: 'focal', options: {}, input: inputs.mixed },
  {
    name: 'γ 0.5, α 0.25, class weights',
    loss: 'focal',
    options: { gamma: 0.5, alpha: 0.25, classWeights: [0.5, 2, 0, 1.5] },
    input: inputs.mixed,
  },
  {
    name: "denominator 'elements', no ignore index",
    loss: 'focal',
    options: { denominator: 'elements', ignoreIndex: null },
    input: inputs.outOfRange,
  },
  { name: 'logits ±100', loss: 'focal', options: { gamma: 3 }, input: inputs.saturated },
  {
    name: 'sum, 19 classes',
    loss: 'focal',
    options: { reduction: 'sum' },
    input: inputs.manyClasses,
  },
  { name: 'default (k 10)', loss: 'topk', options: {}, input: inputs.mixed },
  {
    name: 'k 30, ignored pixels not counted',
    loss: 'topk',
    options: { k: 30, countIgnored: false },
    input: inputs.mixed,
  },
  { name: 'k 50, logits ±100', loss: 'topk', options: { k: 50 }, input: inputs.saturated },
  {
    name: 'all pixels ignored and not counted',
    loss: 'topk',
    options: { countIgnored: false },
    input: inputs.allIgnored,
  },
  { name: 'default', loss: 'distance-map-ce', options: {}, input: inputs.mixed },
  { name: 'default', loss: 'combo', options: {}, input: inputs.mixed },
  { name: 'logits ±100 (ε clamps)', loss: 'combo', options: {}, input: inputs.saturated },
  { name: "form 'paper'", loss: 'exp-log', options: { form: 'paper' }, input: inputs.mixed },
  {
    name: 'class weights',
    loss: 'exp-log',
    options: { classWeights: [0.5, 2, 1, 1.5] },
    input: inputs.mixed,
  },
  // Beyond about ±10 the composed (−log p)^γ loses its gradient in float32; see the test below.
  { name: 'logits ±10', loss: 'exp-log', options: { form: 'paper' }, input: inputs.moderate },
  { name: 'asymmetric (default)', loss: 'unified-focal', options: {}, input: inputs.mixed },
  {
    name: 'symmetric, 19 classes',
    loss: 'unified-focal',
    options: { form: 'symmetric' },
    input: inputs.manyClasses,
  },
  { name: 'logits ±100 (ε clamps)', loss: 'unified-focal', options: {}, input: inputs.saturated },
];

/** Losses built on the overlap kernel's second-order sums, its clamp or its confusion matrix. */
const secondOrderCases: FusedCase[] = [
  // The binary cross-entropy kernel (its BCE term); the statistics are the same either way.
  { name: 'default', loss: 'region-mutual-information', options: {}, input: inputs.pooled },
  { name: 'default', loss: 'generalized-wasserstein-dice', options: {}, input: inputs.mixed },
  {
    name: "weighting 'GDL', a distance matrix, logits ±100",
    loss: 'generalized-wasserstein-dice',
    options: {
      weighting: 'GDL',
      distanceMatrix: [
        [0, 1, 1, 1],
        [1, 0, 0.5, 0.8],
        [1, 0.5, 0, 0.6],
        [1, 0.8, 0.6, 0],
      ],
    },
    input: inputs.saturated,
  },
  {
    name: 'labels outside 0..C−1',
    loss: 'generalized-wasserstein-dice',
    options: { ignoreIndex: null },
    input: inputs.outOfRange,
  },
  { name: 'default', loss: 'sensitivity-specificity', options: {}, input: inputs.mixed },
  ...(['class', 'image', 'all'] as const).map((pooling) => ({
    name: `pooling ${pooling}, background, r 0.3`,
    loss: 'sensitivity-specificity',
    options: { pooling, includeBackground: true, sensitivityWeight: 0.3 },
    input: inputs.outOfRange,
  })),
  {
    name: 'logits ±100',
    loss: 'sensitivity-specificity',
    options: {},
    input: inputs.saturated,
  },
  { name: 'default', loss: 'robust-t', options: {}, input: inputs.mixed },
  {
    name: 'background, 19 classes',
    loss: 'robust-t',
    options: { includeBackground: true },
    input: inputs.manyClasses,
  },
  {
    name: 'clip 1e-3',
    loss: 'focal-tversky',
    options: { clip: 1e-3, smooth: 1e-6 },
    input: inputs.mixed,
  },
  {
    name: 'clip 1e-7, logits ±100',
    loss: 'focal-tversky',
    options: { clip: 1e-7, smooth: 1e-6 },
    input: inputs.saturated,
  },
];

const overlapCases: FusedCase[] = [
  ...['dice', 'jaccard', 'tversky', 'focal-tversky', 'log-cosh-dice'].map((loss) => ({
    name: 'default',
    loss,
    options: {},
    input: inputs.mixed,
  })),
  ...(['image-class', 'class', 'image', 'all'] as const).map((pooling) => ({
    name: `pooling ${pooling}, no background`,
    loss: 'dice',
    options: { pooling, includeBackground: false },
    input: inputs.mixed,
  })),
  {
    name: 'squared denominator, class weights',
    loss: 'dice',
    options: { squaredDenominator: true, classWeights: [1, 2, 3, 4] },
    input: inputs.mixed,
  },
  {
    name: "absentClasses 'zero', smooth 0",
    loss: 'dice',
    options: { absentClasses: 'zero', smooth: 0, pooling: 'class' },
    input: inputs.mixed,
  },
  {
    name: "absentClasses 'drop'",
    loss: 'jaccard',
    options: { absentClasses: 'drop' },
    input: inputs.manyClasses,
  },
  { name: 'logits ±100', loss: 'dice', options: {}, input: inputs.saturated },
  {
    name: 'an ignore index beyond int32 (ignores nothing)',
    loss: 'dice',
    options: { ignoreIndex: -(2 ** 31) - 1 },
    input: inputs.outOfRange,
  },
  { name: 'logits ±100', loss: 'tversky', options: {}, input: inputs.saturated },
  { name: 'all pixels ignored', loss: 'dice', options: {}, input: inputs.allIgnored },
  {
    name: 'labels outside 0..C−1, no ignore index',
    loss: 'jaccard',
    options: { ignoreIndex: null },
    input: inputs.outOfRange,
  },
  {
    name: 'ignore index 0 (a class)',
    loss: 'dice',
    options: { ignoreIndex: 0 },
    input: inputs.mixed,
  },
  {
    name: '19 classes, reduction none',
    loss: 'dice',
    options: { reduction: 'none' },
    input: inputs.manyClasses,
  },
];

describeOnBackends('fused kernels agree with the composed losses', () => {
  after(() => setFusedKernels(true));

  test('are active on this backend unless switched off', () => {
    assert.equal(fusedKernelsActive(), true);
    setFusedKernels(false);
    assert.equal(fusedKernelsActive(), false);
    setFusedKernels(true);
  });

  test('run as the kernels of cross-entropy and dice, forward and backward', async () => {
    const ran = async (fused: boolean) => {
      const info = await tf.profile(() => {
        evaluate('cross-entropy', {}, inputs.mixed, fused);
        evaluate('dice', {}, inputs.mixed, fused);
      });
      return info.kernels.map((k) => k.name).filter((name) => name.startsWith('Seglosses'));
    };
    assert.deepEqual(await ran(true), [
      'SeglossesSoftmaxCrossEntropy',
      'SeglossesSoftmaxCrossEntropyGrad',
      'SeglossesSoftmaxOverlap',
      'SeglossesSoftmaxOverlapGrad',
    ]);
    assert.deepEqual(await ran(false), []);
  });

  for (const c of [...crossEntropyCases, ...overlapCases, ...pixelTermCases, ...secondOrderCases]) {
    test(`${c.loss}: ${c.name}`, () => {
      const composed = evaluate(c.loss, c.options, c.input, false);
      const fused = evaluate(c.loss, c.options, c.input, true);
      const scale = Math.max(Math.abs(composed.value), 1e-6);
      assert.ok(
        Math.abs(fused.value - composed.value) <= fusedRelTol * scale,
        `value: fused ${fused.value}, composed ${composed.value}`,
      );
      assert.ok(Number.isFinite(fused.value) && fused.grad.every(Number.isFinite));
      const error = relativeMaxError(fused.grad, composed.grad);
      assert.ok(error <= fusedRelTol, `gradient: relative max error ${error}`);
    });
  }

  test('(−log p_t)^γ keeps its gradient at a confident pixel, where float32 loses it', () => {
    // One pixel, label 2, p_t = 1 − 2.7e-11: the exact gradient of L^γ, L = −log p_t, is
    // γ L^(γ−1) (p_c − [c = t]), about 2e-4 at class 0; the composed form gives ~1e-11.
    const x = [65.42608642578125, -10.866157531738281, 89.76769256591797, -85.77040100097656];
    const t = 2;
    const gamma = 0.3;
    const others = x.reduce((sum, v, c) => sum + (c === t ? 0 : Math.exp(v - x[t])), 0);
    const lossT = Math.log1p(others);
    const p = x.map((v) => Math.exp(v - x[t]) / (1 + others));
    const expected = p.map(
      (pc, c) => gamma * lossT ** (gamma - 1) * (c === t ? -others / (1 + others) : pc),
    );
    const fused = evaluate(
      'exp-log',
      { form: 'paper', gamma, diceWeight: 0, ceWeight: 1 },
      { shape: [1, 1, 1, 4], logits: Float32Array.from(x), labels: Int32Array.from([t]) },
      true,
    );
    assert.ok(Math.abs(fused.value - lossT ** gamma) <= 1e-6 * lossT ** gamma);
    for (let c = 0; c < 4; c++) {
      const tolerance = 1e-5 * Math.abs(expected[c]) + 1e-30;
      assert.ok(
        Math.abs(fused.grad[c] - expected[c]) <= tolerance,
        `class ${c}: ${fused.grad[c]} vs ${expected[c]}`,
      );
    }
    assert.ok(Math.abs(expected[0]) > 1e-4);
  });

  test('cross-entropy of a target 80–750 below the row maximum stays float32-accurate', () => {
    // One pixel, logits (0, −g, −5, −5), label 1: L = g + log(1 + 2e^−5 + e^−g), exact in
    // float64. The float32 e_t is subnormal for g ≳ 87 and 0 beyond ≈ 104.
    for (const gap of [80, 90, 100, 103.5, 200, 750]) {
      const logits = Float32Array.from([0, -gap, -5, -5]);
      const expected = gap + Math.log(1 + 2 * Math.exp(-5) + Math.exp(-gap));
      const { value } = evaluate(
        'cross-entropy',
        {},
        { shape: [1, 1, 1, 4], logits, labels: Int32Array.from([1]) },
        true,
      );
      const scale = Math.fround(gap);
      assert.ok(
        Math.abs(value - expected) <= 2e-7 * expected + Math.abs(scale - gap),
        `gap ${gap}: ${value} vs ${expected}`,
      );
    }
  });

  test('an all-ignored batch gives 0 and a zero gradient (cross-entropy, dice)', () => {
    for (const loss of ['cross-entropy', 'dice']) {
      const { value, grad } = evaluate(loss, {}, inputs.allIgnored, true);
      assert.equal(value, 0);
      assert.ok(grad.every((g) => g === 0));
    }
  });

  test('leave no tensor behind, with and without a gradient', () => {
    for (const loss of ['cross-entropy', 'dice']) {
      const before = tf.memory().numTensors;
      evaluate(loss, {}, inputs.mixed, true);
      const fn = createLoss(loss);
      tf.tidy(() => {
        const [b, h, w] = inputs.mixed.shape;
        fn(
          tf.tensor3d(inputs.mixed.labels, [b, h, w], 'int32'),
          tf.tensor4d(inputs.mixed.logits, small),
        );
      });
      assert.equal(tf.memory().numTensors, before);
    }
  });
});
