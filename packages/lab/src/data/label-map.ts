/**
 * Turns the label values stored in a segmentation file into class indices 0..C-1.
 *
 * Two rules exist:
 * - a **label map** (`labels.json`) lists the classes and, for each source label, its class:
 *   `{ "classes": ["background", "frontal", …], "map": { "3": 1, … }, "unmapped": "background" }`.
 *   Source label 0 is class 0 unless the map says otherwise. A source label missing from `map` is
 *   class 0 when `unmapped` is `"background"`, and an error when it is `"error"` — the default when
 *   the field is absent, so that a typo in a map cannot silently erase a structure;
 * - **identity**: the file already holds class indices, which must be integers in 0..C-1.
 *
 * Either way a value that is not an integer is an error naming the file and the value.
 */
import { readFileSync } from 'node:fs';
import { dataError } from './errors.js';

/** What happens to a source label the map does not list. */
export type UnmappedPolicy = 'background' | 'error';

/** A parsed `labels.json`. */
export interface LabelMap {
  /** Class names; index 0 is the background. At most 256 (labels are stored as `Uint8Array`). */
  classes: string[];
  /** Source label (as a decimal string) → class index. */
  map: Record<string, number>;
  /** What a source label missing from `map` becomes. */
  unmapped: UnmappedPolicy;
}

/** How to read a label file: through a label map, or as class indices already. */
export type LabelRule = { labelMap: LabelMap } | { classes: readonly string[] };

const who = 'labels';

/** Reads and validates a `labels.json` file. */
export function readLabelMap(path: string): LabelMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') dataError('labelMap', `${path} does not exist`);
    dataError('labelMap', `cannot read ${path} (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    dataError('labelMap', `${path} is not valid JSON (${(error as Error).message})`);
  }
  return parseLabelMap(json, path);
}

/** Validates a label map object; `source` names it in error messages. */
export function parseLabelMap(value: unknown, source: string): LabelMap {
  const fail: (message: string) => never = (message) =>
    dataError('labelMap', `${source}: ${message}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('expected an object with "classes" and "map"');
  }
  const record = value as Record<string, unknown>;
  const classes = record.classes;
  if (
    !Array.isArray(classes) ||
    classes.length < 1 ||
    classes.length > 256 ||
    !classes.every((c) => typeof c === 'string' && c.length > 0)
  ) {
    fail('"classes" must be an array of 1 to 256 non-empty strings');
  }
  const names = classes as string[];
  const duplicate = names.find((c, i) => names.indexOf(c) !== i);
  if (duplicate !== undefined) fail(`"classes" lists ${JSON.stringify(duplicate)} twice`);
  const map = record.map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    fail('"map" must be an object from source label to class index');
  }
  const out: Record<string, number> = {};
  for (const [key, target] of Object.entries(map as Record<string, unknown>)) {
    if (!/^-?\d+$/.test(key)) fail(`"map" key ${JSON.stringify(key)} is not an integer label`);
    if (typeof target !== 'number' || !Number.isInteger(target) || target < 0) {
      fail(`"map"["${key}"] must be a class index in 0..${names.length - 1}, got ${target}`);
    }
    if (target >= names.length) {
      fail(`"map"["${key}"] must be a class index in 0..${names.length - 1}, got ${target}`);
    }
    out[String(Number(key))] = target;
  }
  const unmapped = record.unmapped ?? 'error';
  if (unmapped !== 'background' && unmapped !== 'error') {
    fail(`"unmapped" must be "background" or "error", got ${JSON.stringify(unmapped)}`);
  }
  return { classes: [...names], map: out, unmapped };
}

/** The class names a rule produces. */
export function ruleClasses(rule: LabelRule): string[] {
  return 'labelMap' in rule ? [...rule.labelMap.classes] : [...rule.classes];
}

/** Applies `rule` to the label values read from `file`. */
export function applyLabelRule(
  values: ArrayLike<number>,
  file: string,
  rule: LabelRule,
): Uint8Array {
  return 'labelMap' in rule
    ? applyLabelMap(values, file, rule.labelMap)
    : checkLabelRange(values, file, rule.classes.length);
}

/** Maps source labels to classes; see the module comment for labels the map does not list. */
export function applyLabelMap(
  values: ArrayLike<number>,
  file: string,
  labelMap: LabelMap,
): Uint8Array {
  const lookup = new Map<number, number>();
  for (const [key, target] of Object.entries(labelMap.map)) lookup.set(Number(key), target);
  if (!lookup.has(0)) lookup.set(0, 0);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const target = lookup.get(v);
    if (target !== undefined) {
      out[i] = target;
      continue;
    }
    if (!Number.isInteger(v)) dataError(who, `${file} holds ${v} at voxel ${i}, expected integers`);
    if (labelMap.unmapped === 'error') {
      dataError(
        who,
        `${file} holds label ${v}, which the label map does not list ` +
          `(unmapped: "error"; listed: ${describeKeys(labelMap)})`,
      );
    }
    lookup.set(v, 0);
  }
  return out;
}

/** Checks that `values` are already class indices in 0..numClasses-1 and returns them. */
export function checkLabelRange(
  values: ArrayLike<number>,
  file: string,
  numClasses: number,
): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      dataError(
        who,
        `${file} holds label ${v} at voxel ${i}, expected an integer in 0..${numClasses - 1} ` +
          `(${numClasses} classes; give a label map to remap other values)`,
      );
    }
    out[i] = v;
  }
  return out;
}

function describeKeys(labelMap: LabelMap): string {
  const keys = Object.keys(labelMap.map)
    .map(Number)
    .sort((a, b) => a - b);
  return keys.length > 8
    ? `${keys.slice(0, 8).join(', ')}, … (${keys.length} labels)`
    : keys.join(', ');
}
