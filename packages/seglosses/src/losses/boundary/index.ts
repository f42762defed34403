/** The boundary-level family, in the survey's order. */
import type { LossDefinition } from '../types.js';

export const boundaryLosses: readonly LossDefinition[] = [];
