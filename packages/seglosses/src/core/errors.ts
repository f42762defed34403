/**
 * One place that builds every error message of the library, in the form
 * `who: what must be expected, got actual`.
 */

/** The error type thrown for bad input anywhere in seglosses. */
export class SeglossesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeglossesError';
  }
}

/** Throws `who: what must be expected, got actual`. */
export function fail(who: string, what: string, expected: string, actual: string): never {
  throw new SeglossesError(`${who}: ${what} must be ${expected}, got ${actual}`);
}

/** Throws `who: <case> is not supported (<why>)` for a documented unsupported case. */
export function notSupported(who: string, feature: string, why: string): never {
  throw new SeglossesError(`${who}: ${feature} is not supported (${why})`);
}

/** Describes a value briefly for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const inner = value.slice(0, 6).map(describe).join(', ');
    return `[${inner}${value.length > 6 ? ', …' : ''}]`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'undefined') return 'undefined';
  if (typeof value === 'function') return 'a function';
  return typeof value;
}

/** Levenshtein distance, used to suggest the nearest valid name. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** `' (did you mean "x"?)'` for the closest candidate, or `''` when none is close. */
export function suggestion(name: string, candidates: readonly string[]): string {
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const close = bestDistance <= Math.max(2, Math.floor(name.length / 3));
  return close ? ` (did you mean "${best}"?)` : '';
}
