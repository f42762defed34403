/** The combination family, in the survey's order. */
import type { LossDefinition } from '../types.js';
import { combo } from './combo.js';
import { expLog } from './exp-log.js';
import { unifiedFocal } from './unified-focal.js';

export const combinationLosses: readonly LossDefinition[] = [combo, expLog, unifiedFocal];
