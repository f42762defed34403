/** The boundary-level family, in the survey's order. */
import type { LossDefinition } from '../types.js';
import { activeBoundary } from './active-boundary.js';
import { boundary } from './boundary.js';
import { boundaryAware } from './boundary-aware.js';
import { boundaryDou } from './boundary-dou.js';
import { clDice } from './cl-dice.js';
import { conditionalBoundary } from './conditional-boundary.js';
import { hausdorff } from './hausdorff.js';
import { inverseForm } from './inverse-form.js';
import { regionWise } from './region-wise.js';

export const boundaryLosses: readonly LossDefinition[] = [
  boundary,
  hausdorff,
  boundaryAware,
  activeBoundary,
  inverseForm,
  conditionalBoundary,
  boundaryDou,
  regionWise,
  clDice,
];
