/**
 * Runs a benchmark: loads the dataset, trains one model per loss expression (in parallel worker
 * threads when `workers` > 1), evaluates each on the held-out slices, then writes `results.json`
 * and `report.html` into the run folder — both atomically and only once every run finished.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { lossFromExpression } from 'seglosses';

import { initBackend } from '../backend/backend.js';
import type { SliceDataset } from '../data/index.js';
import { loadBrainDataset, loadNiftiFolderDataset } from '../data/index.js';
import { renderHtmlReport } from '../report/html-report.js';
import type { StepReport } from '../training/trainer.js';
import { labVersion } from '../version.js';
import type { BenchConfig } from './bench-config.js';
import type { ResultsFile, RunRecord } from './run-record.js';
import { writeJsonAtomic, writeTextAtomic } from './run-record.js';
import type { TrainOneResult } from './train-one.js';
import { trainOne } from './train-one.js';
import type { WorkerInput, WorkerMessage } from './worker-protocol.js';

export interface BenchEvents {
  onDatasetLoaded?(dataset: SliceDataset): void;
  onRunStart?(expression: string): void;
  onStep?(expression: string, report: StepReport): void;
  onRunDone?(expression: string, record: RunRecord): void;
}

/** Loads the dataset a benchmark config names. */
export function loadBenchDataset(config: BenchConfig): SliceDataset {
  const slicing = { axis: config.axis, size: [config.size, config.size] as [number, number] };
  if (config.dataset.kind === 'brain') return loadBrainDataset(slicing);
  const { imagesDir, labelsDir, labelMap, classes } = config.dataset;
  return loadNiftiFolderDataset({
    imagesDir,
    labelsDir,
    ...(labelMap !== undefined ? { labelMap } : {}),
    ...(classes !== undefined ? { classes: [...classes] } : {}),
    ...slicing,
  });
}

/**
 * Starts the worker module. Compiled, it is the sibling worker.js. Run from source through tsx
 * (tests, development), worker threads do not inherit tsx's loader, so a small bootstrap
 * registers it in the worker before importing worker.ts.
 */
function startWorker(workerData: WorkerInput): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  }
  const target = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  const bootstrap = `import('tsx/esm/api').then((t) => { t.register(); return import(${target}); })`;
  // The worker must resolve 'seglosses' to the same (source) files as this thread.
  return new Worker(bootstrap, { eval: true, workerData, execArgv: ['--conditions=source'] });
}

function runInWorker(input: WorkerInput, events: BenchEvents, active: Set<Worker>) {
  return new Promise<TrainOneResult>((resolve, reject) => {
    const worker = startWorker(input);
    active.add(worker);
    let settled = false;
    const finish = (error: Error | null, result?: TrainOneResult) => {
      if (settled) return;
      settled = true;
      active.delete(worker);
      void worker.terminate();
      if (error !== null) reject(error);
      else resolve(result as TrainOneResult);
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'step') events.onStep?.(input.expression, message.report);
      else if (message.type === 'done') finish(null, message.result);
      else finish(new Error(`${input.expression}: ${message.message}`));
    });
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) => {
      if (!settled) finish(new Error(`${input.expression}: worker exited with code ${code}`));
    });
  });
}

/** Trains every loss of `config` and writes the run folder `outDir`. */
export async function runBench(
  config: BenchConfig,
  outDir: string,
  events: BenchEvents = {},
): Promise<ResultsFile> {
  if (existsSync(`${outDir}/results.json`)) {
    throw new Error(`bench: ${outDir}/results.json already exists; choose another --out folder`);
  }
  // Build every loss once up front, so a bad name fails before any training starts.
  for (const expression of config.losses) lossFromExpression(expression).dispose();
  const dataset = loadBenchDataset(config);
  if (dataset.train.length < 2 || dataset.test.length < 1) {
    throw new Error(
      `bench: the dataset must give at least 2 training and 1 test slice, got ` +
        `${dataset.train.length} and ${dataset.test.length}`,
    );
  }
  events.onDatasetLoaded?.(dataset);
  mkdirSync(outDir, { recursive: true });

  const results = new Array<TrainOneResult>(config.losses.length);
  if (config.workers <= 1) {
    await initBackend(config.backend);
    config.losses.forEach((expression, i) => {
      events.onRunStart?.(expression);
      results[i] = trainOne(config, dataset, expression, (r) => events.onStep?.(expression, r));
      events.onRunDone?.(expression, results[i].record);
    });
  } else {
    const active = new Set<Worker>();
    let next = 0;
    const lane = async () => {
      while (next < config.losses.length) {
        const i = next++;
        const expression = config.losses[i];
        events.onRunStart?.(expression);
        results[i] = await runInWorker({ config, dataset, expression }, events, active);
        events.onRunDone?.(expression, results[i].record);
      }
    };
    try {
      await Promise.all(
        Array.from({ length: Math.min(config.workers, config.losses.length) }, lane),
      );
    } finally {
      await Promise.all([...active].map((w) => w.terminate()));
    }
  }

  const file: ResultsFile = {
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    tool: { name: 'seglosses', version: labVersion },
    backend: config.workers <= 1 ? tf.getBackend() : config.backend,
    dataset: {
      name: config.dataset.kind === 'brain' ? 'brain-mri-aal (embedded)' : config.dataset.imagesDir,
      classes: dataset.classes,
      size: dataset.size,
      trainSlices: dataset.train.length,
      testSlices: dataset.test.length,
      testCases: results[0].testCases,
    },
    model: {
      name: 'unet',
      parameters: results[0].parameters,
      baseChannels: config.baseChannels,
      depth: config.depth,
    },
    config: { ...config },
    emptyMaskPolicy: results[0].emptyMaskPolicy,
    runs: results.map((r) => r.record),
  };
  writeJsonAtomic(outDir, 'results.json', file);
  writeTextAtomic(outDir, 'report.html', renderHtmlReport(file));
  return file;
}
