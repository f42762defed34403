/** Parsers for CLI option values that fail with a message naming the flag, expected and got. */
import { InvalidArgumentError } from 'commander';

export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got "${value}"`);
    }
    return n;
  };
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  }
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number >= 0, got "${value}"`);
  }
  return n;
}

export function commaList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s.length === 0)) {
    throw new InvalidArgumentError(
      `expected a comma-separated list without empty items, got "${value}"`,
    );
  }
  return items;
}
