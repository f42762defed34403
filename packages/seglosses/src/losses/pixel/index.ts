/** The pixel-level family, in the survey's order. */
import type { LossDefinition } from '../types.js';
import { crossEntropy } from './cross-entropy.js';
import { distanceMapCe } from './distance-map-ce.js';
import { focal } from './focal.js';
import { topk } from './topk.js';

export const pixelLosses: readonly LossDefinition[] = [crossEntropy, topk, focal, distanceMapCe];
