/**
 * Weighted sums of losses — the survey's combination family generalised: Σ_k w_k(step)·L_k.
 * A weight is a number or a schedule over training steps (Kervadec et al. bring the boundary term
 * in with a linear ramp). The training step reaches the schedule through `extras.step`.
 */
import * as tf from '@tensorflow/tfjs-core';

import { SeglossesError, describe, fail } from '../core/errors.js';
import { createLoss } from './registry.js';
import type { LossExtras, LossFunction } from './types.js';

/** A weight that changes linearly from `from` to `to` over `steps` steps, starting at `start`. */
export interface LinearRamp {
  readonly kind: 'linear';
  readonly from: number;
  readonly to: number;
  readonly steps: number;
  readonly start?: number;
}

export type WeightSchedule = number | LinearRamp | ((step: number) => number);

export interface WeightedLoss {
  readonly loss: LossFunction;
  readonly weight: WeightSchedule;
}

/** A sum of weighted losses; `weightsAt(step)` tells the weights the trainer logs. */
export interface CombinedLoss extends LossFunction {
  readonly terms: readonly WeightedLoss[];
  weightsAt(step: number): number[];
}

/** Keeps the first entry of each name (two terms asking for the same head share it). */
function uniqueByName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  const byName = new Map<string, T>();
  for (const item of items) if (!byName.has(item.name)) byName.set(item.name, item);
  return [...byName.values()];
}

/** The value of a weight schedule at a training step. */
export function weightAt(schedule: WeightSchedule, step: number): number {
  if (typeof schedule === 'number') return schedule;
  if (typeof schedule === 'function') return schedule(step);
  const start = schedule.start ?? 0;
  const progress = Math.min(Math.max((step - start) / Math.max(schedule.steps, 1), 0), 1);
  return schedule.from + (schedule.to - schedule.from) * progress;
}

function checkSchedule(index: number, weight: unknown): void {
  const who = 'combineLosses';
  if (typeof weight === 'number') {
    if (!Number.isFinite(weight)) fail(who, `terms[${index}].weight`, 'finite', describe(weight));
    return;
  }
  if (typeof weight === 'function') return;
  const ramp = weight as Partial<LinearRamp> | null;
  const ok =
    ramp !== null &&
    typeof ramp === 'object' &&
    ramp.kind === 'linear' &&
    [ramp.from, ramp.to, ramp.steps].every((v) => typeof v === 'number' && isFinite(v));
  if (!ok) {
    fail(
      who,
      `terms[${index}].weight`,
      "a number, a function of the step or { kind: 'linear', from, to, steps }",
      describe(weight),
    );
  }
}

/**
 * Sums losses with weights. Each term's reduction must give a scalar (the default `'mean'`).
 * `name` defaults to the terms' names joined with `+`.
 */
export function combineLosses(terms: readonly WeightedLoss[], name?: string): CombinedLoss {
  if (!Array.isArray(terms) || terms.length === 0) {
    fail('combineLosses', 'terms', 'a non-empty array of { loss, weight }', describe(terms));
  }
  terms.forEach((term, i) => {
    if (typeof term?.loss !== 'function' || typeof term.loss.lossName !== 'string') {
      fail('combineLosses', `terms[${i}].loss`, 'a loss from createLoss', describe(term?.loss));
    }
    if (term.loss.options.reduction === 'none') {
      fail('combineLosses', `terms[${i}].loss reduction`, "'mean' or 'sum'", "'none'");
    }
    checkSchedule(i, term.weight);
  });
  const copy = terms.map((t) => ({ loss: t.loss, weight: t.weight }));
  const lossName = name ?? copy.map((t) => t.loss.lossName).join('+');
  const weightsAt = (step: number) => copy.map((t) => weightAt(t.weight, step));

  const combined = (yTrue: tf.Tensor, yPred: tf.Tensor, extras: LossExtras = {}): tf.Tensor => {
    const weights = weightsAt(extras.step ?? 0);
    return tf.tidy(() => {
      let total: tf.Tensor = tf.scalar(0);
      copy.forEach((term, i) => {
        if (weights[i] === 0) return;
        total = tf.add(total, tf.mul(term.loss(yTrue, yPred, extras), weights[i]));
      });
      return total;
    });
  };
  return Object.assign(combined, {
    lossName,
    category: 'combination' as const,
    trainableVariables: copy.flatMap((t) => [...t.loss.trainableVariables]),
    needs: [...new Set(copy.flatMap((t) => [...t.loss.needs]))],
    heads: (numClasses: number) => uniqueByName(copy.flatMap((t) => [...t.loss.heads(numClasses)])),
    targetMaps: uniqueByName(copy.flatMap((t) => [...t.loss.targetMaps])),
    options: {},
    terms: copy,
    weightsAt,
    dispose: () => copy.forEach((t) => t.loss.dispose()),
  });
}

/** Parses `ramp(from,to,steps[,start])` into a linear schedule, or null. */
function parseRamp(text: string): LinearRamp | null {
  const match = /^ramp\(([^)]*)\)$/.exec(text);
  if (match === null) return null;
  const values = match[1].split(',').map((v) => Number(v.trim()));
  if ((values.length !== 3 && values.length !== 4) || values.some((v) => !Number.isFinite(v))) {
    throw new SeglossesError(
      `lossFromExpression: a ramp must be ramp(from,to,steps) or ramp(from,to,steps,start), ` +
        `got "${text}"`,
    );
  }
  const [from, to, steps, start] = values;
  return { kind: 'linear', from, to, steps, ...(start === undefined ? {} : { start }) };
}

/**
 * Parses a loss expression such as `cross-entropy+dice`, `0.5*cross-entropy+0.5*dice` or
 * `dice+ramp(0,1,1000)*boundary` (a weight rising linearly from 0 to 1 over 1,000 steps, as
 * Kervadec et al. bring in the boundary term) into a loss; a single name gives that loss itself.
 * Options per name may be given in `options`.
 */
export function lossFromExpression(
  expression: string,
  options: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): LossFunction {
  // Split on '+' outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of expression) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === '+' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  if (parts.some((p) => p.length === 0)) {
    throw new SeglossesError(
      `lossFromExpression: expression must look like "a+b" or "0.5*a+0.5*b", got "${expression}"`,
    );
  }
  const terms = parts.map((part) => {
    const star = part.lastIndexOf('*');
    const name = (star < 0 ? part : part.slice(star + 1)).trim();
    const weightText = star < 0 ? '1' : part.slice(0, star).replace(/\s+/g, '');
    const ramp = parseRamp(weightText);
    const weight: WeightSchedule = ramp ?? Number(weightText);
    const numeric = /^[0-9]*\.?[0-9]+(?:e-?[0-9]+)?$/i.test(weightText);
    if ((ramp === null && !numeric) || !/^[a-z0-9-]+$/i.test(name)) {
      throw new SeglossesError(
        `lossFromExpression: term must be "name", "weight*name" or "ramp(from,to,steps)*name", ` +
          `got "${part}"`,
      );
    }
    return { loss: createLoss(name, options[name]), weight };
  });
  if (terms.length === 1 && terms[0].weight === 1) return terms[0].loss;
  return combineLosses(terms, expression.replace(/\s+/g, ''));
}
