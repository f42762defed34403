/**
 * Times the lab's wasm convolution-gradient kernels against the built-in wasm
 * `Conv2DBackpropInput` and against the cpu backend, and prints the median of each.
 *
 *   npx tsx scripts/bench-conv-kernels.ts [--runs 7] [--cpu-runs 1]
 *
 * Cases: the 3×3 stride-1 'same' convolution 8×128×128×32 → 16 (dx and dW), the same with
 * stride 2, and the 2×2 stride-2 transposed convolution of a UNet decoder, 8×64×64×32 → 8×128×
 * 128×16 (its forward pass is `Conv2DBackpropInput`; its filter gradient `Conv2DBackpropFilter`).
 * The wasm backend has no `Conv2DBackpropFilter` of its own, so that column reads "missing".
 * The cpu backend's filter gradient takes minutes on these sizes, so it runs once, without a
 * warm-up, by default; `--cpu-runs 0` leaves the cpu column out.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';

import { registerWasmTrainingKernels } from '../packages/lab/src/backend/register-wasm-kernels.js';

type Shape4D = [number, number, number, number];

interface KernelCase {
  label: string;
  kernelName: 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';
  /** Input name → shape; every input is seeded N(0, 1). */
  inputs: Record<string, Shape4D>;
  attrs: tf.NamedAttrMap;
}

function conv3x3(stride: number): KernelCase[] {
  const x: Shape4D = [8, 128, 128, 32];
  const dy: Shape4D = [8, 128 / stride, 128 / stride, 16];
  const attrs = { strides: stride, pad: 'same', dataFormat: 'NHWC' };
  const name = `3×3 s${stride} 8×128×128×32→16`;
  return [
    {
      label: `${name} dx`,
      kernelName: 'Conv2DBackpropInput',
      inputs: { dy, filter: [3, 3, 32, 16] },
      attrs: { ...attrs, inputShape: x },
    },
    {
      label: `${name} dW`,
      kernelName: 'Conv2DBackpropFilter',
      inputs: { x, dy },
      attrs: { ...attrs, filterShape: [3, 3, 32, 16] },
    },
  ];
}

const transposed2x2: KernelCase[] = [
  {
    label: 'convT 2×2 s2 8×64×64×32→8×128×128×16 forward',
    kernelName: 'Conv2DBackpropInput',
    inputs: { dy: [8, 64, 64, 32], filter: [2, 2, 16, 32] },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [8, 128, 128, 16] },
  },
  {
    label: 'convT 2×2 s2 8×64×64×32→8×128×128×16 dW',
    kernelName: 'Conv2DBackpropFilter',
    inputs: { x: [8, 128, 128, 16], dy: [8, 64, 64, 32] },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [2, 2, 16, 32] },
  },
];

const cases = [...conv3x3(1), ...conv3x3(2), ...transposed2x2];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time of `run` over `runs` calls, after one warm-up call if `warmUp`. */
function timeMedian(runs: number, run: () => void, warmUp = true): number {
  if (warmUp) run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

function makeInputs(c: KernelCase): Record<string, tf.Tensor> {
  const inputs: Record<string, tf.Tensor> = {};
  let seed = 1;
  for (const [name, shape] of Object.entries(c.inputs)) {
    inputs[name] = tf.randomNormal(shape, 0, 1, 'float32', seed++);
  }
  return inputs;
}

/** Times the kernel currently registered for the active backend, through the engine. */
function timeRegistered(c: KernelCase, runs: number, warmUp: boolean): number | undefined {
  if (runs === 0) return undefined;
  const inputs = makeInputs(c);
  const ms = timeMedian(
    runs,
    () => {
      const out = tf.engine().runKernel(c.kernelName, inputs, c.attrs) as tf.Tensor;
      out.dataSync();
      out.dispose();
    },
    warmUp,
  );
  process.stderr.write(`  ${tf.getBackend()} ${c.label}: ${ms.toFixed(1)} ms\n`);
  tf.dispose(Object.values(inputs));
  return ms;
}

/** Times a kernel function directly on the active (wasm) backend. */
function timeKernelFunc(c: KernelCase, config: tf.KernelConfig, runs: number): number {
  const inputs = makeInputs(c);
  const backend = tf.backend();
  const ms = timeMedian(runs, () => {
    const out = config.kernelFunc({ inputs, backend, attrs: c.attrs }) as tf.TensorInfo;
    backend.readSync(out.dataId);
    backend.disposeData(out.dataId);
  });
  tf.dispose(Object.values(inputs));
  return ms;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      'cpu-runs': { type: 'string', default: '1' },
    },
  });
  const runs = Number(values.runs);
  const cpuRuns = Number(values['cpu-runs']);

  await tf.setBackend('wasm');
  await tf.ready();
  // Captured before registration replaces it; its setup ran when the backend initialised.
  const builtinInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  registerWasmTrainingKernels();

  const ours = cases.map((c) => timeRegistered(c, runs, true) ?? NaN);
  const builtin = cases.map((c) =>
    c.kernelName === 'Conv2DBackpropInput' ? timeKernelFunc(c, builtinInput, runs) : undefined,
  );
  await tf.setBackend('cpu');
  await tf.ready();
  const cpu = cases.map((c) => timeRegistered(c, cpuRuns, false));

  const fmt = (ms: number | undefined): string => (ms === undefined ? 'missing' : ms.toFixed(1));
  const ratio = (ms: number | undefined, ref: number): string =>
    ms === undefined ? '—' : `${(ms / ref).toFixed(1)}×`;
  const cpuLabel = (ms: number | undefined): string => (cpuRuns === 0 ? 'skipped' : fmt(ms));
  const rows = [
    ['case', 'ours wasm ms', 'built-in wasm ms', 'cpu ms', 'built-in/ours', 'cpu/ours'],
    ...cases.map((c, i) => [
      c.label,
      fmt(ours[i]),
      fmt(builtin[i]),
      cpuLabel(cpu[i]),
      ratio(builtin[i], ours[i]),
      ratio(cpu[i], ours[i]),
    ]),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  console.log(
    `median of ${runs} wasm runs (after a warm-up) and of ${cpuRuns} cpu runs (no warm-up)`,
  );
  for (const r of rows) {
    console.log(
      r
        .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col])))
        .join('  '),
    );
  }
}

await main();
