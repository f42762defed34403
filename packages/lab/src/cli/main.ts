/**
 * The `seglosses` command line: `bench` trains one model per loss on a dataset and compares them;
 * `losses` lists the registry.
 */
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Command, Option } from 'commander';
import { emptyMaskPolicies, listLosses, lossFromExpression } from 'seglosses';
import type { EmptyMaskPolicyName } from 'seglosses';

import type { BenchConfig, DatasetSpec, PresetName } from '../bench/bench-config.js';
import { presets } from '../bench/bench-config.js';
import { runBench } from '../bench/run-bench.js';
import { formatTable, resultsTables } from '../report/results-table.js';
import { labVersion } from '../version.js';
import { commaList, integerAtLeast, nonNegativeNumber, positiveNumber } from './parse-values.js';
import { ProgressView } from './progress.js';

interface BenchFlags {
  preset: PresetName;
  losses?: string[];
  images?: string;
  labels?: string;
  labelMap?: string;
  classes?: string[];
  size?: number;
  axis?: number;
  epochs?: number;
  batchSize?: number;
  maxLr?: number;
  weightDecay?: number;
  seed?: number;
  baseChannels?: number;
  depth?: number;
  augment: boolean;
  backend?: 'wasm' | 'cpu';
  workers?: number;
  emptyPolicy?: EmptyMaskPolicyName;
  out?: string;
}

function datasetFrom(flags: BenchFlags): DatasetSpec {
  if (flags.images === undefined && flags.labels === undefined) return { kind: 'brain' };
  if (flags.images === undefined || flags.labels === undefined) {
    throw new Error('bench: --images and --labels must be given together');
  }
  return {
    kind: 'nifti-folders',
    imagesDir: resolve(flags.images),
    labelsDir: resolve(flags.labels),
    ...(flags.labelMap !== undefined ? { labelMap: resolve(flags.labelMap) } : {}),
    ...(flags.classes !== undefined ? { classes: flags.classes } : {}),
  };
}

/** The preset with the flags that were given laid over it. */
export function configFrom(flags: BenchFlags): BenchConfig {
  const base = presets[flags.preset];
  const pick = <K extends keyof BenchConfig>(key: K, value: BenchConfig[K] | undefined) =>
    value === undefined ? base[key] : value;
  return {
    dataset: datasetFrom(flags),
    size: pick('size', flags.size),
    axis: pick('axis', flags.axis as 0 | 1 | 2 | undefined),
    losses: pick('losses', flags.losses),
    epochs: pick('epochs', flags.epochs),
    batchSize: pick('batchSize', flags.batchSize),
    maxLr: pick('maxLr', flags.maxLr),
    weightDecay: pick('weightDecay', flags.weightDecay),
    seed: pick('seed', flags.seed),
    baseChannels: pick('baseChannels', flags.baseChannels),
    depth: pick('depth', flags.depth),
    augment: flags.augment && base.augment,
    backend: pick('backend', flags.backend),
    workers: pick('workers', flags.workers),
    emptyPolicy: pick('emptyPolicy', flags.emptyPolicy),
  };
}

async function bench(flags: BenchFlags): Promise<void> {
  const config = configFrom(flags);
  const factor = 2 ** (config.depth - 1);
  if (config.size % factor !== 0) {
    throw new Error(
      `bench: --size must be divisible by ${factor} for --depth ${config.depth}, got ${config.size}`,
    );
  }
  for (const expression of config.losses) lossFromExpression(expression).dispose();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = resolve(flags.out ?? `runs/${stamp}`);
  const view = new ProgressView(process.stderr);
  const started = Date.now();
  const results = await runBench(config, outDir, {
    onDatasetLoaded: (d) =>
      view.message(
        `dataset: ${d.train.length} training / ${d.test.length} held-out slices, ` +
          `${d.classes.length} classes, ${d.size.join('×')} px; training ${config.losses.length} ` +
          `model(s) for ${config.epochs} epochs on ${config.backend} with ${config.workers} worker(s)`,
      ),
    onRunStart: (loss) => view.message(`started ${loss}`),
    onStep: (loss, report) => view.step(loss, report),
    onRunDone: (loss, record) => {
      view.finish(loss);
      const dice = record.metrics.meanDice === null ? '–' : record.metrics.meanDice.toFixed(3);
      view.message(`finished ${loss}: mean DSC ${dice} (${record.trainSeconds.toFixed(0)} s)`);
    },
  });
  process.stdout.write('\n' + resultsTables(results).map(formatTable).join('\n\n') + '\n\n');
  process.stdout.write(
    `empty-mask policy: ${results.emptyMaskPolicy}; total ${((Date.now() - started) / 1000).toFixed(0)} s\n` +
      `wrote ${outDir}/results.json and ${outDir}/report.html\n`,
  );
}

function listCommand(): void {
  const rows = listLosses().map((l) => `${l.name.padEnd(30)} ${l.category.padEnd(12)} ${l.title}`);
  process.stdout.write(rows.join('\n') + '\n');
}

export function buildProgram(): Command {
  const program = new Command('seglosses')
    .description('Loss functions for semantic segmentation: train and compare them on your data.')
    .version(labVersion)
    .showSuggestionAfterError(true);
  program
    .command('losses')
    .description('list every loss in the registry (name, family, title)')
    .action(listCommand);
  program
    .command('bench')
    .description(
      'train one UNet per loss and compare them on held-out slices (Dice, HD95, mIoU); ' +
        'writes results.json and report.html into the run folder',
    )
    .addOption(
      new Option('--preset <name>', 'base configuration')
        .choices(Object.keys(presets))
        .default('demo'),
    )
    .option(
      '--losses <list>',
      'comma-separated loss expressions: names, weighted sums and ramps, e.g. ' +
        '"dice,0.5*focal+dice,dice+ramp(0,1,500)*cross-entropy"',
      commaList,
    )
    .option('--images <dir>', 'folder of image NIfTI volumes (default: the embedded brain MRI)')
    .option('--labels <dir>', 'folder of label NIfTI volumes matching --images by name')
    .option('--label-map <file>', 'labels.json mapping source labels to classes')
    .option('--classes <list>', 'class names when labels are already 0..C-1', commaList)
    .option('--size <px>', 'side of the square training slices', integerAtLeast(8))
    .addOption(
      new Option('--axis <n>', 'axis to slice across').choices(['0', '1', '2']).argParser(Number),
    )
    .option('--epochs <n>', 'training epochs per loss', integerAtLeast(1))
    .option('--batch-size <n>', 'mini-batch size', integerAtLeast(2))
    .option('--max-lr <lr>', 'peak learning rate of the one-cycle schedule', positiveNumber)
    .option('--weight-decay <wd>', 'AdamW decoupled weight decay', nonNegativeNumber)
    .option(
      '--seed <n>',
      'random seed (initialisation, shuffling, augmentation)',
      integerAtLeast(0),
    )
    .option('--base-channels <n>', 'UNet channels at the first level', integerAtLeast(1))
    .option('--depth <n>', 'UNet resolution levels', integerAtLeast(1))
    .option('--no-augment', 'disable flips and 90° rotations')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu']))
    .option('--workers <n>', 'losses trained in parallel worker threads', integerAtLeast(1))
    .addOption(
      new Option('--empty-policy <name>', 'how metrics treat empty masks').choices(
        Object.keys(emptyMaskPolicies),
      ),
    )
    .option('--out <dir>', 'run folder (default: runs/<timestamp>)')
    .action(async (flags: BenchFlags) => bench(flags));
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  // The CLI owns the terminal: tfjs's production mode silences its advice to install
  // tfjs-node (whose install downloads a binary, so it is not an option here).
  tf.env().set('PROD', true);
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    process.stderr.write(
      `\nseglosses: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}

await main(process.argv);
