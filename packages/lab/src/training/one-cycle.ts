/**
 * The one-cycle learning-rate schedule (Smith & Topin 2019) with cosine annealing, as PyTorch's
 * OneCycleLR computes it: from maxLr/divFactor up to maxLr over the first `pctStart` of the
 * steps, then down to maxLr/(divFactor·finalDivFactor).
 */

export interface OneCycleOptions {
  readonly maxLr: number;
  readonly totalSteps: number;
  readonly pctStart?: number;
  readonly divFactor?: number;
  readonly finalDivFactor?: number;
}

function cosineAnneal(start: number, end: number, fraction: number): number {
  return end + ((start - end) / 2) * (1 + Math.cos(Math.PI * fraction));
}

/** Learning rate at `step` (0-based). */
export function oneCycleLr(step: number, options: OneCycleOptions): number {
  const pctStart = options.pctStart ?? 0.3;
  const divFactor = options.divFactor ?? 25;
  const finalDivFactor = options.finalDivFactor ?? 1e4;
  const initial = options.maxLr / divFactor;
  const final = initial / finalDivFactor;
  const warmupEnd = pctStart * options.totalSteps - 1;
  const last = options.totalSteps - 1;
  if (step <= warmupEnd) return cosineAnneal(initial, options.maxLr, step / Math.max(warmupEnd, 1));
  const fraction = (step - warmupEnd) / Math.max(last - warmupEnd, 1);
  return cosineAnneal(options.maxLr, final, Math.min(fraction, 1));
}
