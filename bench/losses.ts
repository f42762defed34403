/**
 * `npm run bench:losses`: every registered loss, forward + backward w.r.t. the logits, on the
 * default Node backend (wasm with the lab's training kernels) against the same computation in
 * PyTorch on CPU (bench/peers/losses_peer.py, /usr/bin/python3).
 *
 *   npm run bench:losses -- [--repeats 7] [--warm-up 2] [--rounds 1] [--threads 1,2]
 *                           [--only dice,cross-entropy] [--settings synapse,cityscapes]
 *                           [--profile] [--skip-peer]
 *
 * Settings: Synapse-like (B=4, C=9, 224×224) and Cityscapes-like (B=2, C=19, 256×512, with
 * ignored pixels, label 255). Logits are N(0, 2²), labels piecewise constant on 16×16 cells;
 * both sides read the same bytes. Per loss the table gives the median milliseconds of
 * `tf.valueAndGrad` (ours) and of `loss.backward()` (PyTorch at each thread count), the ratio
 * ours/PyTorch (below 1: faster), the relative difference of the two values (a check that the
 * peer computes the same thing), the peak of `tf.memory().numBytes` above the inputs during one
 * step, and the peak RSS of each process while the loss ran (VmHWM, reset per loss; the wasm
 * heap never shrinks, so ours is mostly the heap's high-water mark so far). With `--profile`,
 * the five most expensive kernels of each loss (tf.profile) are printed too.
 *
 * Each loss runs in a child process of its own (`--child`), so that its peak RSS is its own and
 * a loss that exhausts the wasm heap cannot take the others down. Losses that need inputs this
 * script cannot build generically are skipped with the reason; extra model heads get random
 * tensors (the `features` map 16 channels, the demo UNet's width) and target maps are
 * precomputed (untimed), as the lab's trainer caches them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../packages/lab/src/backend/backend.js';
import { createRandom } from '../packages/lab/src/util/random.js';
import { createLoss, listLosses } from '../packages/seglosses/src/index.js';
import type { LossExtras, LossFunction } from '../packages/seglosses/src/index.js';
import { describeEnvironment, loadNow, probePython, runPeer } from './support/environment.js';
import {
  markdownTable,
  median,
  msText,
  peakRssMiB,
  ratioText,
  resetPeakRss,
  timeCalls,
} from './support/measure.js';

interface Setting {
  readonly key: string;
  readonly name: string;
  readonly shape: [number, number, number, number];
  /** Fraction of the 16×16 label cells set to the ignore index 255. */
  readonly ignoredCells: number;
}

const allSettings: readonly Setting[] = [
  { key: 'synapse', name: 'Synapse-like', shape: [4, 224, 224, 9], ignoredCells: 0 },
  { key: 'cityscapes', name: 'Cityscapes-like', shape: [2, 256, 512, 19], ignoredCells: 0.05 },
];

interface Variant {
  readonly label: string;
  readonly name: string;
  readonly category: string;
  readonly options: (classes: number) => Record<string, unknown>;
}

/** Class weights for the weighted cross-entropy row: 0.5, 1, 1.5, … (fixed, not tuned). */
function classWeights(classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => 0.5 * (1 + (c % 4)));
}

function variants(): Variant[] {
  const out: Variant[] = [];
  for (const info of listLosses()) {
    out.push({ label: info.name, name: info.name, category: info.category, options: () => ({}) });
    if (info.name === 'cross-entropy') {
      out.push({
        label: 'cross-entropy (class weights)',
        name: info.name,
        category: info.category,
        options: (classes) => ({ classWeights: classWeights(classes) }),
      });
    }
  }
  return out;
}

interface SettingData {
  readonly logits: Float32Array;
  readonly labels: Int32Array;
}

function makeData(setting: Setting, seed: number): SettingData {
  const [b, h, w, c] = setting.shape;
  const logits = tf.tidy(() => tf.randomNormal(setting.shape, 0, 2, 'float32', seed).dataSync());
  const random = createRandom(seed);
  const labels = new Int32Array(b * h * w);
  const cell = 16;
  const cellsPerRow = Math.ceil(w / cell);
  const cells = b * Math.ceil(h / cell) * cellsPerRow;
  const cellLabel = Array.from({ length: cells }, () =>
    random.next() < setting.ignoredCells ? 255 : random.int(c),
  );
  for (let i = 0; i < labels.length; i++) {
    const x = i % w;
    const y = Math.floor(i / w) % h;
    const image = Math.floor(i / (w * h));
    const row = image * Math.ceil(h / cell) + Math.floor(y / cell);
    labels[i] = cellLabel[row * cellsPerRow + Math.floor(x / cell)];
  }
  return { logits: Float32Array.from(logits), labels };
}

interface OurResult {
  ms: number[];
  value: number;
  tfPeakMiB: number;
  rssPeakMiB: number;
  leaked: number;
  kernels: string;
}

interface PeerLoss {
  ms: number[];
  value: number;
  peakRssMiB: number;
}

interface PeerOutput {
  threads: Record<string, Record<string, Record<string, PeerLoss>>>;
  available: string[];
}

/** Extras for a loss: random tensors for its heads, precomputed target maps. */
function buildExtras(
  loss: LossFunction,
  setting: Setting,
  labels: Int32Array,
): { extras: LossExtras; skip: string | null } {
  const [b, h, w, c] = setting.shape;
  const extras: Record<string, tf.Tensor> = {};
  for (const head of loss.heads(c)) {
    // `features` (channels 0: the model's own width) gets the demo UNet's 16 channels.
    const channels = head.name === 'features' && head.channels === 0 ? 16 : head.channels;
    extras[head.name] = tf.randomNormal([b, h, w, channels], 0, 1, 'float32', 7);
  }
  for (const map of loss.targetMaps) {
    const channels = map.channels === 0 ? c : map.channels;
    const values = new Float32Array(b * h * w * channels);
    for (let image = 0; image < b; image++) {
      const label = labels.subarray(image * h * w, (image + 1) * h * w);
      values.set(map.compute(label, h, w, c), image * h * w * channels);
    }
    extras[map.name] = tf.tensor4d(values, [b, h, w, channels]);
  }
  const missing = loss.needs.filter((need) => extras[need] === undefined);
  if (missing.length > 0) {
    tf.dispose(Object.values(extras));
    return { extras: {}, skip: `needs extras ${missing.join(', ')} that no generic input builds` };
  }
  return { extras, skip: null };
}

async function measureOurs(
  loss: LossFunction,
  extras: LossExtras,
  yTrue: tf.Tensor,
  logits: tf.Tensor,
  timing: { warmUp: number; repeats: number },
  profile: boolean,
): Promise<OurResult> {
  const gradient = tf.valueAndGrad((x: tf.Tensor) => loss(yTrue, x, extras) as tf.Scalar);
  let value = NaN;
  const step = () => {
    const { value: v, grad } = gradient(logits);
    value = v.dataSync()[0];
    tf.dispose([v, grad]);
  };
  const before = tf.memory().numTensors;
  resetPeakRss();
  const ms = timeCalls(step, timing);
  const rssPeakMiB = peakRssMiB();
  const startBytes = tf.memory().numBytes;
  const info = await tf.profile(step);
  const leaked = tf.memory().numTensors - before;
  let kernels = '';
  if (profile) {
    const byName = new Map<string, number>();
    for (const k of info.kernels) {
      const t = (await k.kernelTimeMs) as number;
      byName.set(k.name, (byName.get(k.name) ?? 0) + (typeof t === 'number' ? t : 0));
    }
    kernels = [...byName]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, t]) => `${name} ${t.toFixed(1)}`)
      .join(', ');
  }
  return {
    ms,
    value,
    tfPeakMiB: (info.peakBytes - startBytes) / 2 ** 20,
    rssPeakMiB,
    leaked,
    kernels,
  };
}

interface ChildJob {
  readonly dir: string;
  readonly setting: string;
  readonly label: string;
  readonly warmUp: number;
  readonly repeats: number;
  readonly profile: boolean;
}

/** Child mode: measures one loss on one setting and prints the result as JSON. */
async function runChild(job: ChildJob): Promise<void> {
  await initBackend('wasm');
  const setting = allSettings.find((s) => s.key === job.setting) as Setting;
  const variant = variants().find((v) => v.label === job.label) as Variant;
  const [b, h, w] = setting.shape;
  const read = (file: string) => readFileSync(join(job.dir, file));
  const logitsBytes = read(`${setting.key}.logits.f32`);
  const labelsBytes = read(`${setting.key}.labels.i32`);
  const labels = new Int32Array(labelsBytes.buffer, labelsBytes.byteOffset, b * h * w);
  const logits = tf.tensor4d(
    new Float32Array(logitsBytes.buffer, logitsBytes.byteOffset, labels.length * setting.shape[3]),
    setting.shape,
  );
  const yTrue = tf.tensor3d(labels, [b, h, w], 'int32');
  const loss = createLoss(variant.name, variant.options(setting.shape[3]));
  const { extras, skip } = buildExtras(loss, setting, labels);
  if (skip !== null) {
    console.log(JSON.stringify({ skip }));
    return;
  }
  const timing = { warmUp: job.warmUp, repeats: job.repeats };
  try {
    const result = await measureOurs(loss, extras, yTrue, logits, timing, job.profile);
    console.log(JSON.stringify(result));
  } catch (error) {
    console.log(JSON.stringify({ skip: `failed: ${(error as Error).message.split('\n')[0]}` }));
  }
}

/** Runs one loss in a child process; its result, or the reason it has none. */
function spawnChild(job: ChildJob): OurResult | { skip: string } {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', script, '--child', JSON.stringify(job)],
    { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 },
  );
  const lines = child.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as OurResult | { skip: string };
  } catch {
    const why =
      child.stderr
        .trim()
        .split('\n')
        .find((l) => /Error|Abort/.test(l)) ?? '';
    return { skip: `failed: the child process exited with ${child.status} ${why}`.trim() };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '7' },
      'warm-up': { type: 'string', default: '2' },
      rounds: { type: 'string', default: '1' },
      threads: { type: 'string', default: '1,2' },
      only: { type: 'string' },
      settings: { type: 'string', default: 'synapse,cityscapes' },
      profile: { type: 'boolean', default: false },
      child: { type: 'string' },
      'skip-peer': { type: 'boolean', default: false },
    },
  });
  if (values.child !== undefined) {
    await runChild(JSON.parse(values.child) as ChildJob);
    return;
  }
  const timing = { warmUp: Number(values['warm-up']), repeats: Number(values.repeats) };
  const rounds = Number(values.rounds);
  const threads = values.threads.split(',').map(Number);
  const only = values.only?.split(',');
  const settings = allSettings.filter((s) => values.settings.split(',').includes(s.key));
  await initBackend('wasm');
  const peer = values['skip-peer']
    ? { versions: {}, missing: 'skipped (--skip-peer)' }
    : probePython(['torch', 'numpy', 'scipy']);
  const chosen = variants().filter((v) => only === undefined || only.includes(v.name));
  const dir = mkdtempSync(join(tmpdir(), 'seglosses-bench-losses-'));
  const ours = new Map<string, OurResult>();
  const skipped = new Map<string, string>();
  const theirs: PeerOutput['threads'] = {};
  let available: string[] = [];
  try {
    const data = settings.map((s, i) => makeData(s, 100 + i));
    settings.forEach((s, i) => {
      writeFileSync(join(dir, `${s.key}.logits.f32`), data[i].logits);
      writeFileSync(join(dir, `${s.key}.labels.i32`), data[i].labels);
    });
    const job = {
      dir,
      threads,
      warmUp: timing.warmUp,
      repeats: timing.repeats,
      losses: chosen.map((v) => v.label),
      settings: settings.map((s) => ({
        name: s.name,
        shape: s.shape,
        logits: `${s.key}.logits.f32`,
        labels: `${s.key}.labels.i32`,
        classWeights: classWeights(s.shape[3]),
      })),
    };
    writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
    for (let round = 0; round < rounds; round++) {
      for (const setting of settings) {
        for (const variant of chosen) {
          const key = `${setting.name}/${variant.label}`;
          const r = spawnChild({
            dir,
            setting: setting.key,
            label: variant.label,
            ...timing,
            profile: values.profile,
          });
          if ('skip' in r) {
            skipped.set(key, r.skip);
            process.stderr.write(`  seglosses ${key}: ${r.skip}\n`);
            continue;
          }
          const previous = ours.get(key);
          ours.set(key, previous === undefined ? r : { ...r, ms: [...previous.ms, ...r.ms] });
          process.stderr.write(`  seglosses ${key}: ${msText(median(r.ms))} ms\n`);
        }
      }
      if (peer.missing !== null) continue;
      const out = runPeer<PeerOutput>(
        'losses_peer.py',
        join(dir, 'job.json'),
        Math.max(...threads),
      );
      available = out.available;
      for (const [t, perSetting] of Object.entries(out.threads)) {
        theirs[t] ??= {};
        for (const [s, perLoss] of Object.entries(perSetting)) {
          theirs[t][s] ??= {};
          for (const [name, r] of Object.entries(perLoss)) {
            const previous = theirs[t][s][name];
            theirs[t][s][name] =
              previous === undefined ? r : { ...r, ms: [...previous.ms, ...r.ms] };
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const wasmNote =
    'seglosses: wasm backend (single-threaded XNNPACK) with the lab kernels; PyTorch at ' +
    `${threads.join(' and ')} thread(s) (torch.set_num_threads)`;
  console.log(
    describeEnvironment(
      peer,
      [
        wasmNote,
        `timing: median of ${rounds}×${timing.repeats} runs after ${timing.warmUp} warm-up runs`,
        `load average at end: ${loadNow()}`,
      ],
      tf.getBackend(),
    ),
  );
  for (const setting of settings) {
    const [b, h, w, c] = setting.shape;
    console.log(`\n### ${setting.name}: B=${b}, C=${c}, ${h}×${w}\n`);
    const header = ['loss', 'family', 'seglosses ms'];
    for (const t of threads) header.push(`torch ${t}t ms`, `ratio ${t}t`);
    header.push('value Δ rel', 'tf peak MiB', 'RSS ours MiB', `RSS torch ${threads[0]}t MiB`);
    const rows: string[][] = [];
    const notes: string[] = [];
    for (const variant of chosen) {
      const key = `${setting.name}/${variant.label}`;
      const mine = ours.get(key);
      if (mine === undefined) {
        notes.push(`- ${variant.label}: skipped, ${skipped.get(key) ?? 'not run'}`);
        continue;
      }
      const oursMs = median(mine.ms);
      const row = [variant.label, variant.category, msText(oursMs)];
      let valueDiff = '—';
      let peerRss = '—';
      for (const t of threads) {
        const other = theirs[String(t)]?.[setting.name]?.[variant.label];
        const theirMs = other === undefined ? null : median(other.ms);
        row.push(msText(theirMs), ratioText(oursMs, theirMs));
        if (other !== undefined && t === threads[0]) {
          const rel = Math.abs(mine.value - other.value) / Math.max(Math.abs(other.value), 1e-12);
          valueDiff = rel.toExponential(1);
          peerRss = other.peakRssMiB.toFixed(0);
        }
      }
      row.push(valueDiff, mine.tfPeakMiB.toFixed(0), mine.rssPeakMiB.toFixed(0), peerRss);
      rows.push(row);
      if (!available.includes(variant.label) && peer.missing === null) {
        notes.push(`- ${variant.label}: no PyTorch equivalent written in losses_peer.py`);
      }
      if (mine.leaked !== 0) notes.push(`- ${variant.label}: LEAKED ${mine.leaked} tensors`);
      if (mine.kernels !== '') notes.push(`- ${variant.label} top kernels (ms): ${mine.kernels}`);
    }
    console.log(markdownTable(header, rows));
    if (notes.length > 0) console.log('\n' + notes.join('\n'));
  }
}

await main();
