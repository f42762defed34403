/**
 * Runtime checks of the options objects of `geometry/` and `metrics/`, for callers from plain
 * JavaScript: unknown option names and unknown choices fail with the nearest valid name.
 */
import { SeglossesError, describe, fail, suggestion } from '../core/errors.js';

/**
 * Fails on an option name that `known` does not list, suggesting the nearest known one (the same
 * message as the losses' option check).
 */
export function checkOptionNames(who: string, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) {
    fail(who, 'options', 'an object', describe(options));
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new SeglossesError(
        `${who}: unknown option "${name}"${suggestion(name, known)}; ` +
          `valid options: ${known.join(', ')}`,
      );
    }
  }
}

/** Returns `value` when it is one of `choices`, `fallback` when undefined, and fails otherwise. */
export function checkChoice<T extends string>(
  who: string,
  what: string,
  value: T | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value)) {
    const hint = typeof value === 'string' ? suggestion(value, choices) : '';
    fail(who, what, `one of ${choices.map((c) => `"${c}"`).join(', ')}`, describe(value) + hint);
  }
  return value;
}

/** Returns `value` if it is a positive integer, `fallback` if undefined, and fails otherwise. */
export function checkPositiveInteger(
  who: string,
  what: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    fail(who, what, 'a positive integer', describe(value));
  }
  return value;
}
