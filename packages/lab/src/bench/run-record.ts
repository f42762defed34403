/**
 * The schema of `results.json` (documented in docs/results-schema.md) and its atomic writer: the
 * file is written to a temporary name and renamed, so an interrupted run never leaves a
 * half-written `results.json`.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClassRecord {
  readonly name: string;
  readonly dice: number | null;
  readonly iou: number | null;
  /** mm */
  readonly hd95: number | null;
}

export interface RunRecord {
  /** The loss expression, e.g. `cross-entropy+dice`. */
  readonly loss: string;
  readonly metrics: {
    readonly meanDice: number | null;
    /** mm */
    readonly meanHd95: number | null;
    readonly miou: number | null;
    readonly perClass: readonly ClassRecord[];
  };
  /** Mean training loss per epoch. */
  readonly trainLoss: readonly number[];
  /** Weights of a combined loss's terms at the last step (empty for one loss). */
  readonly finalLossWeights: readonly number[];
  readonly trainSeconds: number;
  readonly steps: number;
}

export interface ResultsFile {
  readonly schemaVersion: 1;
  readonly createdAt: string;
  readonly tool: { readonly name: 'seglosses'; readonly version: string };
  readonly backend: string;
  readonly dataset: {
    readonly name: string;
    readonly classes: readonly string[];
    readonly size: readonly number[];
    readonly trainSlices: number;
    readonly testSlices: number;
    readonly testCases: number;
  };
  readonly model: {
    readonly name: 'unet';
    readonly parameters: number;
    readonly baseChannels: number;
    readonly depth: number;
  };
  readonly config: Readonly<Record<string, unknown>>;
  /** The empty-mask policy the metrics used (see the seglosses metrics docs). */
  readonly emptyMaskPolicy: string;
  readonly runs: readonly RunRecord[];
}

/** Writes `value` as JSON to `dir/name` atomically (temporary file + rename). */
export function writeJsonAtomic(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n');
  renameSync(temporary, path);
  return path;
}

/** Writes text to `dir/name` atomically. */
export function writeTextAtomic(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(temporary, text);
  renameSync(temporary, path);
  return path;
}
