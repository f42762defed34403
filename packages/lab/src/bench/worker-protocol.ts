/** Messages between the benchmark's main thread and its worker threads. */
import type { SliceDataset } from '../data/index.js';
import type { StepReport } from '../training/trainer.js';
import type { BenchConfig } from './bench-config.js';
import type { TrainOneResult } from './train-one.js';

export interface WorkerInput {
  readonly config: BenchConfig;
  readonly dataset: SliceDataset;
  readonly expression: string;
}

export type WorkerMessage =
  | { readonly type: 'step'; readonly report: StepReport }
  | { readonly type: 'done'; readonly result: TrainOneResult }
  | { readonly type: 'error'; readonly message: string };
