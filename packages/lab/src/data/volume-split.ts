/**
 * Train/test split of a dataset of several volumes by whole volume (patient), the usual split for
 * multi-subject datasets such as Synapse: no slice of a test volume is ever seen in training.
 *
 * Either the test volumes are named (`testVolumes`, e.g. the published Synapse test cases), or
 * every `testEvery`-th volume in ascending name order is held out — volumes
 * `testEvery − 1`, `2·testEvery − 1`, … counting from 0. Both sides must end up non-empty.
 */
import { dataError } from './errors.js';

/** Options of the volume split. */
export interface VolumeSplitOptions {
  /** Names of the test volumes (file names without `.nii`/`.nii.gz`). Overrides `testEvery`. */
  testVolumes?: readonly string[];
  /** Hold out every `testEvery`-th volume in name order. Default 4. */
  testEvery?: number;
}

/** Volume names on each side of the split, each in ascending order. */
export interface VolumeSplit {
  train: string[];
  test: string[];
}

/** Splits `names` (see the module comment). */
export function volumeSplit(
  names: readonly string[],
  options: VolumeSplitOptions = {},
): VolumeSplit {
  const who = 'volumeSplit';
  const sorted = [...names].sort();
  let test: Set<string>;
  if (options.testVolumes !== undefined) {
    const unknown = options.testVolumes.filter((n) => !sorted.includes(n));
    if (unknown.length > 0) {
      dataError(
        who,
        `testVolumes names ${unknown.map((n) => JSON.stringify(n)).join(', ')}, ` +
          `which is not among the volumes (${sorted.join(', ')})`,
      );
    }
    test = new Set(options.testVolumes);
  } else {
    const every = options.testEvery ?? 4;
    if (!Number.isInteger(every) || every < 2) {
      dataError(who, `testEvery must be an integer >= 2, got ${every}`);
    }
    test = new Set(sorted.filter((_, i) => (i + 1) % every === 0));
  }
  const split = {
    train: sorted.filter((n) => !test.has(n)),
    test: sorted.filter((n) => test.has(n)),
  };
  if (split.train.length === 0 || split.test.length === 0) {
    dataError(
      who,
      `splitting ${sorted.length} volume(s) by volume left ${split.train.length} ` +
        `for training and ` +
        `${split.test.length} for testing; both need at least one (use splitBy "slab" or ` +
        `change testEvery/testVolumes)`,
    );
  }
  return split;
}
