/** The region-level family, in the survey's order. */
import type { LossDefinition } from '../types.js';
import { dice } from './dice.js';

export const regionLosses: readonly LossDefinition[] = [dice];
