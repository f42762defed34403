/**
 * Groups held-out slices into evaluation cases: each run of consecutive slices of one volume is
 * one 3-D case (a held-out slab of the brain, or a whole held-out volume), evaluated with its
 * voxel spacing — the per-volume protocol of the Synapse benchmark.
 */
import type { Slice2D, SliceDataset } from '../data/index.js';

export interface EvaluationCase {
  readonly volume: string;
  /** Slice indices in the volume, consecutive. */
  readonly indices: readonly number[];
  readonly slices: readonly Slice2D[];
  /** `[slice spacing, dy, dx]` in mm. */
  readonly spacing: [number, number, number];
}

/** Splits the test slices into runs of consecutive slices per volume. */
export function evaluationCases(dataset: SliceDataset): EvaluationCase[] {
  const byVolume = new Map<string, Slice2D[]>();
  for (const slice of dataset.test) {
    const list = byVolume.get(slice.volume) ?? [];
    list.push(slice);
    byVolume.set(slice.volume, list);
  }
  const cases: EvaluationCase[] = [];
  for (const [volume, slices] of byVolume) {
    const summary = dataset.volumes.find((v) => v.name === volume);
    const through = summary === undefined ? 1 : summary.spacing[dataset.axis];
    const sorted = [...slices].sort((a, b) => a.index - b.index);
    let run: Slice2D[] = [];
    const flush = () => {
      if (run.length === 0) return;
      const [dy, dx] = run[0].spacing;
      cases.push({
        volume,
        indices: run.map((s) => s.index),
        slices: run,
        spacing: [through, dy, dx],
      });
      run = [];
    };
    for (const slice of sorted) {
      if (run.length > 0 && slice.index !== run[run.length - 1].index + 1) flush();
      run.push(slice);
    }
    flush();
  }
  return cases;
}
