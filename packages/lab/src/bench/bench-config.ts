/**
 * What `seglosses bench` runs: the dataset, the losses, the model and the training schedule.
 * Presets name tested configurations; every field can be overridden from the CLI.
 */
import type { EmptyMaskPolicyName } from 'seglosses';

import type { BackendName } from '../backend/backend.js';

export type DatasetSpec =
  | { readonly kind: 'brain' }
  | {
      readonly kind: 'nifti-folders';
      readonly imagesDir: string;
      readonly labelsDir: string;
      /** A labels.json mapping source labels to classes; without it labels must be 0..C-1. */
      readonly labelMap?: string;
      /** Class names when there is no label map (their count is C). */
      readonly classes?: readonly string[];
    };

export interface BenchConfig {
  readonly dataset: DatasetSpec;
  /** Side of the square training slices, in pixels. */
  readonly size: number;
  /** Axis the volumes are sliced across (2: axial for the brain). */
  readonly axis: 0 | 1 | 2;
  /** Loss expressions: registry names or weighted sums such as `cross-entropy+dice`. */
  readonly losses: readonly string[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly maxLr: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly baseChannels: number;
  readonly depth: number;
  readonly augment: boolean;
  readonly backend: BackendName;
  /** Losses trained at once, each in its own worker thread (1: in this thread). */
  readonly workers: number;
  readonly emptyPolicy: EmptyMaskPolicyName;
}

export type PresetName = 'demo' | 'long' | 'tiny';

const brainBase: BenchConfig = {
  dataset: { kind: 'brain' },
  size: 64,
  axis: 2,
  losses: ['cross-entropy', 'dice', 'cross-entropy+dice'],
  epochs: 28,
  batchSize: 4,
  maxLr: 1e-2,
  weightDecay: 1e-4,
  seed: 1,
  baseChannels: 16,
  depth: 4,
  augment: true,
  backend: 'wasm',
  // One worker per loss: with 3 losses on 2 cores this finishes sooner than 2 workers, whose
  // second round would leave a core idle.
  workers: 3,
  emptyPolicy: 'excludeBothEmpty',
};

/** Named configurations; `demo` is what `npm run demo` runs. */
export const presets: Readonly<Record<PresetName, BenchConfig>> = {
  demo: brainBase,
  long: { ...brainBase, size: 96, epochs: 80 },
  tiny: { ...brainBase, size: 32, epochs: 1, baseChannels: 4, depth: 2, workers: 1 },
};
