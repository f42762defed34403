/**
 * Reads the reference oracles copied into `test-fixtures/oracles` (from shared/oracles; format in
 * its README) and turns their NCHW inputs into the library's NHWC tensors.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { tf } from './backends.js';

export const oracleDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test-fixtures',
  'oracles',
);

export type OracleInputKind = 'mc' | 'bin1' | 'bin2';

export interface OracleResult {
  readonly case: string;
  readonly value: number | null;
  readonly grad: number[] | null;
  /** Set when the gradient is stored once, under another variant of the same file. */
  readonly grad_same_as?: string;
  readonly grad_shape: number[];
}

export interface OracleVariant {
  readonly variant: string;
  readonly file: string;
  readonly input: OracleInputKind;
  readonly requirement: 'required' | 'optional' | 'known-wrong';
  readonly conventions: Record<string, unknown>;
  readonly results: readonly OracleResult[];
}

export interface OracleCase {
  readonly id: string;
  /** NCHW */
  readonly logitsShape: [number, number, number, number];
  readonly logits: Float32Array;
  /** NHW */
  readonly targetShape: [number, number, number];
  readonly target: Int32Array;
}

interface RawCase {
  id: string;
  logits_shape: number[];
  logits_q: number[];
  target_shape: number[];
  target: number[];
}

interface RawFile {
  inputs: Record<string, RawCase>;
  references: (Omit<OracleVariant, 'file'> & { requirement: OracleVariant['requirement'] })[];
}

const fileCache = new Map<string, RawFile>();

function readOracleFile(file: string): RawFile {
  let raw = fileCache.get(file);
  if (raw === undefined) {
    raw = JSON.parse(readFileSync(join(oracleDir, file), 'utf8')) as RawFile;
    fileCache.set(file, raw);
  }
  return raw;
}

/** Every variant of every oracle file. */
export function allOracleVariants(): OracleVariant[] {
  const files = readdirSync(oracleDir).filter(
    (f) => f.endsWith('.json') && f !== 'no_reference.json',
  );
  return files.flatMap((file) => {
    const references = readOracleFile(file).references;
    return references.map((r) => {
      const results = r.results.map((result) => {
        if (result.grad_same_as === undefined) return result;
        const source = references.find((o) => o.variant === result.grad_same_as);
        const grad = source?.results.find((o) => o.case === result.case)?.grad ?? null;
        return { ...result, grad };
      });
      return { ...r, results, file } as OracleVariant;
    });
  });
}

/** The variant with this exact name; throws when absent. */
export function findOracleVariant(name: string): OracleVariant {
  const found = allOracleVariants().find((v) => v.variant === name);
  if (found === undefined) throw new Error(`no oracle variant named ${name}`);
  return found;
}

/** The inputs of a case, from the file's inline inputs or `cases/<id>.json`. */
export function loadOracleCase(file: string, id: string): OracleCase {
  const inline = readOracleFile(file).inputs?.[id];
  const raw =
    inline ?? (JSON.parse(readFileSync(join(oracleDir, 'cases', `${id}.json`), 'utf8')) as RawCase);
  return {
    id,
    logitsShape: raw.logits_shape as OracleCase['logitsShape'],
    logits: Float32Array.from(raw.logits_q, (q) => q / 256),
    targetShape: raw.target_shape as OracleCase['targetShape'],
    target: Int32Array.from(raw.target),
  };
}

/**
 * The library's inputs for a case fed the way a reference was fed: int32 `[B,H,W]` labels and
 * NHWC logits; for `bin1`, one channel `l1 − l0`.
 */
export function oracleTensors(
  c: OracleCase,
  kind: OracleInputKind,
): { yTrue: tf.Tensor3D; yPred: tf.Tensor4D } {
  return tf.tidy(() => {
    const nchw = tf.tensor4d(c.logits, c.logitsShape);
    let yPred = tf.transpose(nchw, [0, 2, 3, 1]) as tf.Tensor4D;
    if (kind === 'bin1') {
      const [b, h, w] = c.targetShape;
      const l0 = tf.slice(yPred, [0, 0, 0, 0], [b, h, w, 1]);
      const l1 = tf.slice(yPred, [0, 0, 0, 1], [b, h, w, 1]);
      yPred = tf.sub(l1, l0) as tf.Tensor4D;
    }
    return { yTrue: tf.tensor3d(c.target, c.targetShape, 'int32'), yPred };
  });
}

/** NHWC gradient → the oracle's NCHW flat layout. */
export function toReferenceLayout(gradNhwc: tf.Tensor4D): Float32Array {
  return tf.tidy(() => tf.transpose(gradNhwc, [0, 3, 1, 2]).dataSync() as Float32Array);
}
