/**
 * Checks that the backward pass of a small UNet runs on the wasm backend and shows where its
 * time goes, kernel by kernel, forward and backward.
 *
 *   npx tsx scripts/check-wasm-unet-backward.ts [--batch 4] [--size 64] [--backend wasm]
 *
 * The network has every op a segmentation UNet of the lab uses: 3×3 'same' convolutions with a
 * bias, batch normalisation from batch moments (as tfjs-layers' BatchNormalization does in
 * training: `tf.moments` + `tf.batchNorm`, i.e. the FusedBatchNorm kernel), ReLU, 2×2 max
 * pooling, a 2×2 stride-2 transposed convolution, nearest-neighbour and bilinear upsampling,
 * skip concatenations, a 1×1 head and a sigmoid cross-entropy loss. `tf.profile` records every
 * kernel the forward pass and `tf.grads` run; the table sums their time per kernel name. A kernel
 * the backend lacks makes `tf.grads` throw, and the script reports which.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';

import { initBackend, type BackendName } from '../packages/lab/src/backend/backend.js';

type Params = Record<string, tf.Variable>;

function makeParams(channelsIn: number): Params {
  const params: Params = {};
  let seed = 100;
  const add = (name: string, shape: number[], init: 'he' | 'zeros' | 'ones'): void => {
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const value =
      init === 'he'
        ? tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed++)
        : init === 'zeros'
          ? tf.zeros(shape)
          : tf.ones(shape);
    params[name] = tf.variable(value, true, name);
  };
  const block = (name: string, cin: number, cout: number): void => {
    add(`${name}.w1`, [3, 3, cin, cout], 'he');
    add(`${name}.b1`, [cout], 'zeros');
    add(`${name}.g1`, [cout], 'ones');
    add(`${name}.beta1`, [cout], 'zeros');
    add(`${name}.w2`, [3, 3, cout, cout], 'he');
    add(`${name}.b2`, [cout], 'zeros');
    add(`${name}.g2`, [cout], 'ones');
    add(`${name}.beta2`, [cout], 'zeros');
  };
  block('enc1', channelsIn, 16);
  block('enc2', 16, 32);
  block('mid', 32, 64);
  add('up2.w', [2, 2, 32, 64], 'he');
  block('dec2', 64, 32);
  add('up1.w', [1, 1, 32, 16], 'he');
  block('dec1', 16 + 16, 16);
  add('head.w', [1, 1, 16, 1], 'he');
  add('head.b', [1], 'zeros');
  return params;
}

function convBnRelu(p: Params, x: tf.Tensor4D, name: string, i: 1 | 2): tf.Tensor4D {
  const conv: tf.Tensor4D = tf
    .conv2d(x, p[`${name}.w${i}`] as tf.Tensor4D, 1, 'same')
    .add(p[`${name}.b${i}`]);
  const { mean, variance } = tf.moments(conv, [0, 1, 2]);
  const normed = tf.batchNorm(
    conv,
    mean,
    variance,
    p[`${name}.beta${i}`],
    p[`${name}.g${i}`],
    1e-3,
  );
  return tf.relu(normed) as tf.Tensor4D;
}

function block(p: Params, x: tf.Tensor4D, name: string): tf.Tensor4D {
  return convBnRelu(p, convBnRelu(p, x, name, 1), name, 2);
}

function unetLoss(p: Params, x: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  const [, height, width] = x.shape;
  const enc1 = block(p, x, 'enc1');
  const enc2 = block(p, tf.maxPool(enc1, 2, 2, 'valid'), 'enc2');
  const mid = block(p, tf.maxPool(enc2, 2, 2, 'valid'), 'mid');
  const up2 = tf.conv2dTranspose(
    mid,
    p['up2.w'] as tf.Tensor4D,
    [enc2.shape[0], enc2.shape[1], enc2.shape[2], 32],
    2,
    'same',
  );
  const dec2 = block(p, tf.concat4d([up2, enc2], 3), 'dec2');
  // Two upsampling kinds, averaged, so that both resize gradients run.
  const nearest = tf.image.resizeNearestNeighbor(dec2, [height, width]);
  const bilinear = tf.image.resizeBilinear(dec2, [height, width]);
  const upsampled: tf.Tensor4D = nearest.add(bilinear).mul(0.5);
  const up1 = tf.conv2d(upsampled, p['up1.w'] as tf.Tensor4D, 1, 'same');
  const dec1 = block(p, tf.concat4d([up1, enc1], 3), 'dec1');
  const logits = tf.conv2d(dec1, p['head.w'] as tf.Tensor4D, 1, 'same').add(p['head.b']);
  return tf.losses.sigmoidCrossEntropy(target, logits) as tf.Scalar;
}

interface KernelTotals {
  calls: number;
  ms: number;
}

async function profileKernels(f: () => tf.TensorContainer): Promise<Map<string, KernelTotals>> {
  const info = await tf.profile(() => {
    const out = f();
    tf.dispose(out);
    return [];
  });
  const totals = new Map<string, KernelTotals>();
  for (const kernel of info.kernels) {
    const entry = totals.get(kernel.name) ?? { calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += Number(kernel.kernelTimeMs);
    totals.set(kernel.name, entry);
  }
  return totals;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      batch: { type: 'string', default: '4' },
      size: { type: 'string', default: '64' },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  const batch = Number(values.batch);
  const size = Number(values.size);
  await initBackend(values.backend as BackendName);

  const params = makeParams(3);
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const target = tf.tidy(() =>
    tf.cast(tf.greater(x.slice([0, 0, 0, 0], [batch, size, size, 1]), 0.5), 'float32'),
  ) as tf.Tensor4D;
  const variables = Object.values(params);
  const loss = (): tf.Scalar => unetLoss(params, x, target);

  // Warm-up, which also finds missing kernels.
  try {
    tf.tidy(() => tf.variableGrads(loss));
  } catch (error) {
    console.log(`backward pass FAILED on ${tf.getBackend()}: ${String(error)}`);
    process.exitCode = 1;
    return;
  }
  const tensorsBefore = tf.memory().numTensors;
  let start = performance.now();
  tf.tidy(() => loss().dataSync());
  const forwardMs = performance.now() - start;
  start = performance.now();
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss);
    value.dataSync();
    for (const g of Object.values(grads)) g.dataSync();
  });
  const stepMs = performance.now() - start;
  const leaked = tf.memory().numTensors - tensorsBefore;

  const forward = await profileKernels(loss);
  const both = await profileKernels(() => tf.variableGrads(loss));
  const rows = [...both.entries()]
    .map(([name, total]) => {
      const fwd = forward.get(name) ?? { calls: 0, ms: 0 };
      return { name, fwd, bwd: { calls: total.calls - fwd.calls, ms: total.ms - fwd.ms } };
    })
    .sort((a, b) => b.bwd.ms + b.fwd.ms - (a.bwd.ms + a.fwd.ms));

  console.log(
    `UNet-like net, ${variables.length} variables, input ${x.shape.join('×')}, ` +
      `backend ${tf.getBackend()}`,
  );
  console.log(
    `forward ${forwardMs.toFixed(0)} ms, forward + backward ${stepMs.toFixed(0)} ms, ` +
      `tensors leaked by one step: ${leaked}`,
  );
  console.log(
    'kernel'.padEnd(28) +
      'fwd calls'.padStart(10) +
      'fwd ms'.padStart(10) +
      'bwd calls'.padStart(10) +
      'bwd ms'.padStart(10),
  );
  for (const { name, fwd, bwd } of rows) {
    console.log(
      name.padEnd(28) +
        String(fwd.calls).padStart(10) +
        fwd.ms.toFixed(1).padStart(10) +
        String(bwd.calls).padStart(10) +
        bwd.ms.toFixed(1).padStart(10),
    );
  }
  tf.dispose([x, target, ...variables]);
}

await main();
