/**
 * The option vocabulary shared by all losses, and the validation that turns a user's options
 * object into a complete, checked one (unknown names suggest the nearest valid name).
 */
import { SeglossesError, describe, fail, suggestion } from '../core/errors.js';

export type OptionSpec =
  | {
      readonly type: 'number';
      readonly default: number | null;
      readonly min?: number;
      readonly max?: number;
      /** Whether `min` itself is excluded. */
      readonly exclusiveMin?: boolean;
      /** Whether null (the option is off) is accepted. */
      readonly nullable?: boolean;
      readonly doc: string;
    }
  | {
      readonly type: 'integer';
      readonly default: number | null;
      readonly min?: number;
      readonly max?: number;
      readonly nullable?: boolean;
      readonly doc: string;
    }
  | { readonly type: 'boolean'; readonly default: boolean; readonly doc: string }
  | {
      readonly type: 'enum';
      readonly default: string;
      readonly values: readonly string[];
      readonly doc: string;
    }
  | {
      readonly type: 'numbers';
      readonly default: readonly number[] | null;
      readonly min?: number;
      readonly doc: string;
    }
  | {
      readonly type: 'matrix';
      readonly default: readonly (readonly number[])[] | null;
      readonly doc: string;
    };

export type ResolvedOptions = Record<string, unknown>;

export type Reduction = 'mean' | 'sum' | 'none';
export type Activation = 'softmax' | 'sigmoid' | 'none';

/** The common options, defined once so every loss documents them the same way. */
export const commonOptions = {
  activation: {
    type: 'enum',
    default: 'softmax',
    values: ['softmax', 'sigmoid', 'none'],
    doc:
      'How yPred becomes probabilities: softmax over channels, per-channel sigmoid ' +
      '(one-vs-rest; C = 1 for a binary task), or none when yPred already holds probabilities.',
  },
  ignoreIndex: {
    type: 'integer',
    default: 255,
    nullable: true,
    doc:
      'Label value whose pixels are left out of the loss (null: none). One-hot targets mark ' +
      'ignored pixels with an all-zero row.',
  },
  includeBackground: {
    type: 'boolean',
    default: true,
    doc: 'Whether channel 0 (background) takes part in the class average.',
  },
  classWeights: {
    type: 'numbers',
    default: null,
    min: 0,
    doc: 'One non-negative weight per class (null: all 1).',
  },
  reduction: {
    type: 'enum',
    default: 'mean',
    values: ['mean', 'sum', 'none'],
    doc: "How the loss terms are reduced; 'none' returns the unreduced tensor.",
  },
  smooth: {
    type: 'number',
    default: 1e-5,
    min: 0,
    doc: 'Added to numerator and denominator of ratios (keeps empty classes finite).',
  },
} as const satisfies Record<string, OptionSpec>;

function checkValue(who: string, name: string, spec: OptionSpec, value: unknown): void {
  const what = `option ${name}`;
  switch (spec.type) {
    case 'number':
    case 'integer': {
      if (value === null && spec.nullable) return;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail(who, what, `a finite ${spec.type}`, describe(value));
      }
      if (spec.type === 'integer' && !Number.isInteger(value)) {
        fail(who, what, 'an integer', describe(value));
      }
      const low = spec.min;
      const tooLow =
        low !== undefined &&
        (spec.type === 'number' && spec.exclusiveMin ? value <= low : value < low);
      const tooHigh = spec.max !== undefined && value > spec.max;
      if (tooLow || tooHigh) {
        const open = spec.type === 'number' && spec.exclusiveMin ? '(' : '[';
        fail(who, what, `in ${open}${low ?? '-∞'}, ${spec.max ?? '∞'}]`, describe(value));
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail(who, what, 'true or false', describe(value));
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        fail(who, what, `one of ${spec.values.map((v) => `'${v}'`).join(', ')}`, describe(value));
      }
      return;
    case 'numbers':
      if (value === null) return;
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !isFinite(v))) {
        fail(who, what, 'an array of finite numbers or null', describe(value));
      }
      if (spec.min !== undefined && value.some((v: number) => v < (spec.min as number))) {
        fail(who, what, `entries >= ${spec.min}`, describe(value));
      }
      return;
    case 'matrix': {
      if (value === null) return;
      const square =
        Array.isArray(value) &&
        value.every(
          (row) =>
            Array.isArray(row) &&
            row.length === value.length &&
            row.every((v) => typeof v === 'number' && isFinite(v)),
        );
      if (!square) fail(who, what, 'a square matrix of finite numbers or null', describe(value));
      return;
    }
  }
}

/**
 * Checks `given` against `specs` and returns a new object with every option set (defaults
 * filled in). Never mutates `given`.
 */
export function resolveOptions(
  who: string,
  specs: Readonly<Record<string, OptionSpec>>,
  given: Readonly<Record<string, unknown>> | undefined,
): ResolvedOptions {
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    fail(who, 'options', 'an object', describe(given));
  }
  const names = Object.keys(specs);
  const resolved: ResolvedOptions = {};
  for (const key of Object.keys(given ?? {})) {
    if (!(key in specs)) {
      const valid = names.length > 0 ? names.join(', ') : 'none';
      throw new SeglossesError(
        `${who}: unknown option "${key}"${suggestion(key, names)}; valid options: ${valid}`,
      );
    }
  }
  for (const name of names) {
    const spec = specs[name];
    const value = given !== undefined && name in given ? given[name] : spec.default;
    if (value === undefined) continue;
    checkValue(who, name, spec, value);
    resolved[name] = Array.isArray(value) ? structuredClone(value) : value;
  }
  return resolved;
}
