/** The region-level family, in the survey's order. */
import type { LossDefinition } from '../types.js';
import { dice } from './dice.js';
import { focalTversky } from './focal-tversky.js';
import { generalizedWassersteinDice } from './generalized-wasserstein-dice.js';
import { jaccard } from './jaccard.js';
import { logCoshDice } from './log-cosh-dice.js';
import { sensitivitySpecificity } from './sensitivity-specificity.js';
import { lovaszSoftmax } from './lovasz-softmax.js';
import { regionMutualInformation } from './region-mutual-information.js';
import { robustT } from './robust-t.js';
import { tversky } from './tversky.js';

export const regionLosses: readonly LossDefinition[] = [
  dice,
  logCoshDice,
  generalizedWassersteinDice,
  jaccard,
  lovaszSoftmax,
  tversky,
  focalTversky,
  sensitivitySpecificity,
  regionMutualInformation,
  robustT,
];
