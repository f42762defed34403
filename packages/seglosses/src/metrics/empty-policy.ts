/**
 * What a metric returns for a class that is absent from the target, the prediction or both.
 *
 * Tools disagree here, silently, and the differences move published means by whole points, so
 * seglosses makes the choice an explicit option. For each class of each case (slice or volume)
 * one of four presence cases holds:
 *
 * | case          | target | prediction | Dice/IoU by formula | HD95/ASSD by formula        |
 * | ------------- | ------ | ---------- | ------------------- | --------------------------- |
 * | `bothPresent` | ≥ 1    | ≥ 1        | computed            | computed                    |
 * | `bothEmpty`   | 0      | 0          | 0/0                 | undefined (no surfaces)     |
 * | `targetEmpty` | 0      | ≥ 1        | 0                   | undefined (no target)       |
 * | `predEmpty`   | ≥ 1    | 0          | 0                   | undefined (no prediction)   |
 *
 * A policy gives, for each empty case and for each metric family (overlap: Dice, IoU; distance:
 * HD95, ASSD), an outcome:
 * - `'exclude'`: NaN, left out of every mean (means skip NaN);
 * - `'perfect'`: the best value (Dice/IoU 1, distance 0);
 * - `'worst'`: the worst value (Dice/IoU 0; distance = the diagonal of the field of view,
 *   √Σ_k (n_k·s_k)², e.g. 373.13 mm for a 240×240×155 volume at 1 mm, BraTS' penalty);
 * - a number: that value.
 *
 * Presets (name → overlap | distance, each as bothEmpty / targetEmpty / predEmpty):
 * - `'excludeBothEmpty'` (default): exclude / worst / worst | exclude / worst / worst. A class
 *   absent from both says nothing about the model and is left out (as nnU-Net does for Dice);
 *   a false positive or a miss gets the worst value, as the formula gives for Dice and as BraTS
 *   does for distances.
 * - `'exclude'`: exclude everything empty. Only cases where the class is in both are averaged;
 *   hides false positives and misses (report the presence counts alongside).
 * - `'transunet'`: worst / perfect / worst | perfect / perfect / perfect. Reproduces
 *   `calculate_metric_percase` of the TransUNet evaluation (MedPy `dc`/`hd95` when both are
 *   present; otherwise Dice 1 and HD95 0 for a prediction without target, Dice 0 and HD95 0 when
 *   the prediction is empty). Use it only to compare with numbers produced that way: it rewards
 *   false positives (Dice 1) and gives a correct empty prediction Dice 0.
 * - `'brats'`: perfect / worst / worst | perfect / worst / worst. Both empty counts as a perfect
 *   answer (Dice 1, HD95 0), a one-sided empty as the worst (Dice 0, HD95 = the diagonal).
 *
 * Sources: Isensee et al. (2021), nnU-Net, Nature Methods; Chen et al. (2021), TransUNet,
 * arXiv:2102.04306 (its `utils.py`); Maier-Hein, Reinke et al. (2024), Metrics Reloaded, Nature
 * Methods — the pitfalls of empty references.
 */
import { SeglossesError, describe, fail, suggestion } from '../core/errors.js';

/** What an empty case yields: see the module comment. */
export type EmptyOutcome = 'exclude' | 'perfect' | 'worst' | number;

/** Which classes are present where (counts of elements ≥ 1). */
export type PresenceCase = 'bothPresent' | 'bothEmpty' | 'targetEmpty' | 'predEmpty';

/** Outcomes of the three empty cases for one metric family. */
export interface EmptyCaseRule {
  readonly bothEmpty: EmptyOutcome;
  readonly targetEmpty: EmptyOutcome;
  readonly predEmpty: EmptyOutcome;
}

/** A complete policy: one rule for overlap metrics (Dice, IoU), one for distances (HD95, ASSD). */
export interface EmptyMaskPolicy {
  readonly name: string;
  readonly overlap: EmptyCaseRule;
  readonly distance: EmptyCaseRule;
}

export type EmptyMaskPolicyName = 'excludeBothEmpty' | 'exclude' | 'transunet' | 'brats';

/** What the `emptyPolicy` option accepts: a preset name or a policy (`name` optional). */
export type EmptyMaskPolicyOption =
  | EmptyMaskPolicyName
  | {
      readonly name?: string;
      readonly overlap: EmptyCaseRule;
      readonly distance: EmptyCaseRule;
    };

/** The preset policies; see the module comment for what each reproduces. */
export const emptyMaskPolicies: Readonly<Record<EmptyMaskPolicyName, EmptyMaskPolicy>> = {
  excludeBothEmpty: {
    name: 'excludeBothEmpty',
    overlap: { bothEmpty: 'exclude', targetEmpty: 'worst', predEmpty: 'worst' },
    distance: { bothEmpty: 'exclude', targetEmpty: 'worst', predEmpty: 'worst' },
  },
  exclude: {
    name: 'exclude',
    overlap: { bothEmpty: 'exclude', targetEmpty: 'exclude', predEmpty: 'exclude' },
    distance: { bothEmpty: 'exclude', targetEmpty: 'exclude', predEmpty: 'exclude' },
  },
  transunet: {
    name: 'transunet',
    overlap: { bothEmpty: 'worst', targetEmpty: 'perfect', predEmpty: 'worst' },
    distance: { bothEmpty: 'perfect', targetEmpty: 'perfect', predEmpty: 'perfect' },
  },
  brats: {
    name: 'brats',
    overlap: { bothEmpty: 'perfect', targetEmpty: 'worst', predEmpty: 'worst' },
    distance: { bothEmpty: 'perfect', targetEmpty: 'worst', predEmpty: 'worst' },
  },
};

/** The policy used when none is given. */
export const defaultEmptyMaskPolicy: EmptyMaskPolicyName = 'excludeBothEmpty';

const caseNames = ['bothEmpty', 'targetEmpty', 'predEmpty'] as const;

function checkOutcome(who: string, where: string, outcome: unknown): void {
  if (outcome === 'exclude' || outcome === 'perfect' || outcome === 'worst') return;
  if (typeof outcome === 'number' && !Number.isNaN(outcome)) return;
  fail(who, where, `"exclude", "perfect", "worst" or a number (not NaN)`, describe(outcome));
}

function checkRule(who: string, where: string, rule: unknown): EmptyCaseRule {
  if (typeof rule !== 'object' || rule === null) {
    fail(who, where, 'an object with bothEmpty, targetEmpty and predEmpty', describe(rule));
  }
  const entries = rule as Record<string, unknown>;
  for (const key of Object.keys(entries)) {
    if (!(caseNames as readonly string[]).includes(key)) {
      throw new SeglossesError(
        `${who}: unknown empty case "${key}" in ${where}${suggestion(key, caseNames)}; ` +
          `valid cases: ${caseNames.join(', ')}`,
      );
    }
  }
  for (const key of caseNames) checkOutcome(who, `${where}.${key}`, entries[key]);
  return {
    bothEmpty: entries.bothEmpty as EmptyOutcome,
    targetEmpty: entries.targetEmpty as EmptyOutcome,
    predEmpty: entries.predEmpty as EmptyOutcome,
  };
}

/** Turns the `emptyPolicy` option into a checked, complete policy (default when undefined). */
export function resolveEmptyMaskPolicy(
  who: string,
  option: EmptyMaskPolicyOption | undefined,
): EmptyMaskPolicy {
  if (option === undefined) return emptyMaskPolicies[defaultEmptyMaskPolicy];
  if (typeof option === 'string') {
    const names = Object.keys(emptyMaskPolicies);
    if (!names.includes(option)) {
      fail(
        who,
        'emptyPolicy',
        `one of ${names.join(', ')} or a policy object`,
        describe(option) + suggestion(option, names),
      );
    }
    return emptyMaskPolicies[option];
  }
  if (typeof option !== 'object' || option === null) {
    fail(who, 'emptyPolicy', 'a preset name or a policy object', describe(option));
  }
  return {
    name: option.name ?? 'custom',
    overlap: checkRule(who, 'emptyPolicy.overlap', option.overlap),
    distance: checkRule(who, 'emptyPolicy.distance', option.distance),
  };
}

/** Presence case from the element counts of a class in target and prediction. */
export function presenceCase(targetCount: number, predCount: number): PresenceCase {
  if (targetCount > 0) return predCount > 0 ? 'bothPresent' : 'predEmpty';
  return predCount > 0 ? 'targetEmpty' : 'bothEmpty';
}

/**
 * The value of an empty case under `rule`, given the metric's best and worst values; NaN for
 * `'exclude'`. Must not be called for `'bothPresent'` (the metric is computed then).
 */
export function emptyCaseValue(
  rule: EmptyCaseRule,
  presence: Exclude<PresenceCase, 'bothPresent'>,
  perfect: number,
  worst: number,
): number {
  const outcome = rule[presence];
  if (outcome === 'exclude') return NaN;
  if (outcome === 'perfect') return perfect;
  if (outcome === 'worst') return worst;
  return outcome;
}
