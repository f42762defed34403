/** The combination family, in the survey's order. */
import type { LossDefinition } from '../types.js';

export const combinationLosses: readonly LossDefinition[] = [];
