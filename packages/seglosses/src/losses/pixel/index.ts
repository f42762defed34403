/** The pixel-level family, in the survey's order. */
import type { LossDefinition } from '../types.js';
import { crossEntropy } from './cross-entropy.js';

export const pixelLosses: readonly LossDefinition[] = [crossEntropy];
