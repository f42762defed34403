/**
 * `npm run bench:train`: one UNet training step — forward, CE + Dice, backward, AdamW — on the
 * wasm backend with the lab's kernels, against the same network and step in PyTorch on CPU
 * (bench/peers/train_peer.py), and a memory check over many steps.
 *
 *   npm run bench:train -- [--timed 10] [--warm-up 3] [--steps 200] [--threads 1,2]
 *                          [--configs demo64,demo96,base32-128] [--profile] [--skip-peer]
 *
 * Configurations: the demo's UNet (1 input channel, 9 classes, base 16, depth 4, batch 8) at
 * 64×64 and 96×96, and a larger one (base 32) at 128×128. The table gives the median
 * milliseconds per step over `--timed` steps after `--warm-up` steps, and the ratio
 * ours/PyTorch at each thread count (below 1: faster). The memory check then runs `--steps`
 * more steps of the first configuration on both sides, sampling tensor count, tf bytes and RSS
 * ten times: a flat run keeps the tensor count constant and the RSS within noise of its first
 * sample. `--profile` prints the kernels of one step by total time (tf.profile).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../packages/lab/src/backend/backend.js';
import { UNet } from '../packages/lab/src/models/unet.js';
import { AdamW, defaultAdamW } from '../packages/lab/src/training/adamw.js';
import { lossFromExpression } from '../packages/seglosses/src/index.js';
import { describeEnvironment, loadNow, probePython, runPeer } from './support/environment.js';
import { markdownTable, median, msText, ratioText, rssMiB, timeCalls } from './support/measure.js';

interface TrainConfig {
  readonly key: string;
  readonly name: string;
  readonly base: number;
  readonly depth: number;
  readonly classes: number;
  readonly batch: number;
  readonly size: number;
}

const allConfigs: readonly TrainConfig[] = [
  { key: 'demo64', name: 'demo UNet 64×64', base: 16, depth: 4, classes: 9, batch: 8, size: 64 },
  { key: 'demo96', name: 'demo UNet 96×96', base: 16, depth: 4, classes: 9, batch: 8, size: 96 },
  {
    key: 'base32-128',
    name: 'UNet base 32, 128×128',
    base: 32,
    depth: 4,
    classes: 9,
    batch: 8,
    size: 128,
  },
];

/** The demo's weight decay (packages/lab/src/bench/bench-config.ts). */
const weightDecay = 1e-4;

interface Trainer {
  step(): number;
  dispose(): void;
}

/** The lab trainer's step (packages/lab/src/training/trainer.ts) on fixed random data. */
function makeTrainer(config: TrainConfig): Trainer {
  const model = new UNet({
    inChannels: 1,
    numClasses: config.classes,
    baseChannels: config.base,
    depth: config.depth,
    seed: 1,
  });
  const loss = lossFromExpression('cross-entropy+dice');
  const optimizer = new AdamW({ ...defaultAdamW, weightDecay });
  const variables = [...model.trainable.values()];
  const { batch, size, classes } = config;
  const x = tf.randomNormal([batch, size, size, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const y = tf.tidy(() =>
    tf.cast(tf.floor(tf.randomUniform([batch, size, size], 0, classes, 'float32', 4)), 'int32'),
  ) as tf.Tensor3D;
  let stepIndex = 0;
  return {
    step: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => loss(y, model.apply(x, true), { step: stepIndex }) as tf.Scalar,
          variables,
        );
        optimizer.apply(grads, variables, 1e-3);
        stepIndex++;
        return value.dataSync()[0];
      }),
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      loss.dispose();
      tf.dispose([x, y]);
    },
  };
}

/** Total kernel time per kernel name over one step, largest first. */
async function profileStep(trainer: Trainer): Promise<[string, number, number][]> {
  const info = await tf.profile(() => {
    trainer.step();
  });
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += (await k.kernelTimeMs) as number;
    entry.calls++;
    byName.set(k.name, entry);
  }
  return [...byName]
    .map(([name, e]): [string, number, number] => [name, e.ms, e.calls])
    .sort((a, b) => b[1] - a[1]);
}

interface MemorySample {
  step: number;
  tensors: number;
  tfMiB: number;
  rssMiB: number;
}

type PeerOutput = Record<string, Record<string, { ms: number[]; rss: number[] }>>;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      timed: { type: 'string', default: '10' },
      'warm-up': { type: 'string', default: '3' },
      steps: { type: 'string', default: '200' },
      threads: { type: 'string', default: '1,2' },
      configs: { type: 'string', default: allConfigs.map((c) => c.key).join(',') },
      profile: { type: 'boolean', default: false },
      'skip-peer': { type: 'boolean', default: false },
    },
  });
  const timing = { warmUp: Number(values['warm-up']), repeats: Number(values.timed) };
  const memorySteps = Number(values.steps);
  const sampleEvery = Math.max(1, Math.floor(memorySteps / 10));
  const threads = values.threads.split(',').map(Number);
  const configs = allConfigs.filter((c) => values.configs.split(',').includes(c.key));
  await initBackend('wasm');
  const peer = values['skip-peer']
    ? { versions: {}, missing: 'skipped (--skip-peer)' }
    : probePython(['torch', 'numpy']);

  const ours = new Map<string, number[]>();
  const profiles = new Map<string, [string, number, number][]>();
  const memory: MemorySample[] = [];
  for (const [index, config] of configs.entries()) {
    const trainer = makeTrainer(config);
    try {
      const ms = timeCalls(() => trainer.step(), timing);
      ours.set(config.key, ms);
      process.stderr.write(`  seglosses ${config.name}: ${msText(median(ms))} ms/step\n`);
      if (values.profile) profiles.set(config.key, await profileStep(trainer));
      if (index === 0) {
        const sample = (step: number) =>
          memory.push({
            step,
            tensors: tf.memory().numTensors,
            tfMiB: tf.memory().numBytes / 2 ** 20,
            rssMiB: rssMiB(),
          });
        sample(0);
        for (let s = 1; s <= memorySteps; s++) {
          trainer.step();
          if (s % sampleEvery === 0) sample(s);
        }
      }
    } finally {
      trainer.dispose();
    }
  }

  let theirs: PeerOutput = {};
  if (peer.missing === null) {
    const dir = mkdtempSync(join(tmpdir(), 'seglosses-bench-train-'));
    try {
      const job = {
        threads,
        warmUp: timing.warmUp,
        steps: timing.repeats,
        memorySteps: 0,
        sampleEvery,
        weightDecay,
        configs: configs.map((c) => ({ ...c })),
      };
      writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
      theirs = runPeer<PeerOutput>('train_peer.py', join(dir, 'job.json'), Math.max(...threads));
      if (configs.length > 0) {
        const memoryJob = { ...job, threads: [threads[0]], configs: [configs[0]], memorySteps };
        writeFileSync(join(dir, 'memory.json'), JSON.stringify(memoryJob));
        const memoryRun = runPeer<PeerOutput>(
          'train_peer.py',
          join(dir, 'memory.json'),
          threads[0],
        );
        theirs.memory = memoryRun[String(threads[0])];
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  console.log(
    describeEnvironment(
      peer,
      [
        'seglosses: wasm backend (single-threaded XNNPACK) with the lab kernels; PyTorch at ' +
          `${threads.join(' and ')} thread(s)`,
        `step: forward, cross-entropy + Dice, backward, AdamW (weight decay ${weightDecay})`,
        `timing: median of ${timing.repeats} steps after ${timing.warmUp} warm-up steps`,
        `load average at end: ${loadNow()}`,
      ],
      tf.getBackend(),
    ),
  );
  const header = ['configuration', 'batch', 'seglosses ms'];
  for (const t of threads) header.push(`torch ${t}t ms`, `ratio ${t}t`);
  const rows = configs.map((c) => {
    const mine = median(ours.get(c.key) ?? [NaN]);
    const row = [c.name, String(c.batch), msText(mine)];
    for (const t of threads) {
      const other = theirs[String(t)]?.[c.name];
      const theirMs = other === undefined ? null : median(other.ms);
      row.push(msText(theirMs), ratioText(mine, theirMs));
    }
    return row;
  });
  console.log('\n' + markdownTable(header, rows));

  if (memory.length > 0) {
    const peerRss = theirs.memory?.[configs[0].name]?.rss ?? [];
    console.log(`\nMemory over ${memorySteps} steps of ${configs[0].name}:\n`);
    console.log(
      markdownTable(
        ['step', 'tensors', 'tf MiB', 'RSS ours MiB', `RSS torch ${threads[0]}t MiB`],
        memory.map((m, i) => [
          String(m.step),
          String(m.tensors),
          m.tfMiB.toFixed(1),
          m.rssMiB.toFixed(0),
          peerRss[i] === undefined ? '—' : peerRss[i].toFixed(0),
        ]),
      ),
    );
    const first = memory[0];
    const last = memory[memory.length - 1];
    const leaked = last.tensors - first.tensors;
    console.log(
      `\ntensor count ${leaked === 0 ? 'constant' : `changed by ${leaked}`}; RSS ` +
        `${first.rssMiB.toFixed(0)} → ${last.rssMiB.toFixed(0)} MiB ` +
        `(${(last.rssMiB - first.rssMiB).toFixed(0)} MiB over ${memorySteps} steps)`,
    );
  }
  for (const [key, kernels] of profiles) {
    const total = kernels.reduce((a, k) => a + k[1], 0);
    console.log(`\nProfile of one step, ${key} (tf.profile, ${total.toFixed(0)} ms in kernels):\n`);
    console.log(
      markdownTable(
        ['kernel', 'ms', 'share', 'calls'],
        kernels
          .slice(0, 15)
          .map(([name, ms, calls]) => [
            name,
            ms.toFixed(1),
            `${((100 * ms) / total).toFixed(0)}%`,
            String(calls),
          ]),
      ),
    );
  }
}

await main();
