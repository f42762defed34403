/**
 * The inverse-transformation network of InverseForm (Borse et al. 2021, `borse2021`): given two
 * boundary tiles it regresses the affine transform that maps the second onto the first.
 *
 * Architecture — the paper's fully connected regressor, scaled down. The published network flattens
 * two 224×224 boundary maps into one vector and maps it through layers of 1000 and 32 units to
 * its outputs. Here the tiles are `tile`×`tile` (32), optionally average-pooled by `pool`, and the
 * hidden layers are `hidden` units wide:
 *
 *   g(a, b) = W₃ relu(W₂ relu(W₁ [a; b] + b₁) + b₂),     f(a, b) = g(a, b) − g(b, a),
 *
 * f returns the six free entries of the transform's logarithm M (see `affine.ts`). The
 * antisymmetric form is a choice of this implementation: f(b, a) = −f(a, b) matches
 * exp(−M) = exp(M)⁻¹ exactly, and f(a, a) = 0 for every tile, so identical boundaries have
 * distance exactly 0 (a plain regressor only gets close to 0). The output bias cancels in f and is
 * left out.
 *
 * State: the frozen weights live in host memory (Float32Array), decoded from the base64 module
 * `weights.ts`. `regress` uploads them as constants inside the caller's `tf.tidy`, so no backend
 * memory outlives a call; `load()` keeps them on the backend instead (faster for many calls) until
 * `dispose()`. Nothing is global: every network object owns its weights.
 */
import * as tf from '@tensorflow/tfjs-core';

import { describe, fail } from '../core/errors.js';
import { decodeHalfBase64 } from './float16.js';

/** The shape of the network. */
export interface InverseFormArchitecture {
  /** Side of a boundary tile in pixels. */
  readonly tile: number;
  /** Average-pooling factor applied to each tile before the first layer (1: none). */
  readonly pool: number;
  /** Widths of the two hidden layers. */
  readonly hidden: readonly [number, number];
}

export const parameterNames = ['w1', 'b1', 'w2', 'b2', 'w3'] as const;
export type ParameterName = (typeof parameterNames)[number];

/** The network's weights as tensors (trainable variables while training, constants after). */
export type InverseFormParameters = Readonly<Record<ParameterName, tf.Tensor>>;

/** How the training script stored the weights, with what it measured. */
export interface InverseFormWeights {
  readonly format: 'seglosses-inverse-form/1';
  readonly architecture: InverseFormArchitecture;
  /** Half-precision little-endian base64 per parameter, row-major in `parameterShapes` order. */
  readonly parameters: Readonly<Record<ParameterName, string>>;
  /** Free-form record of the training run (steps, seed, measured recovery error). */
  readonly training: Readonly<Record<string, number | string>>;
}

/** Shapes of the parameters for an architecture. */
export function parameterShapes(a: InverseFormArchitecture): Record<ParameterName, number[]> {
  const side = a.tile / a.pool;
  const [h1, h2] = a.hidden;
  return { w1: [2 * side * side, h1], b1: [h1], w2: [h1, h2], b2: [h2], w3: [h2, 6] };
}

/**
 * f(a, b) for boundary tiles `a`, `b` `[N, tile, tile, 1]`: the generators `[N, 6]` of the
 * transforms mapping b onto a. Used by the network object and by the training script.
 */
export function inverseFormForward(
  params: InverseFormParameters,
  architecture: InverseFormArchitecture,
  a: tf.Tensor4D,
  b: tf.Tensor4D,
): tf.Tensor2D {
  const n = a.shape[0];
  const flat = (x: tf.Tensor4D): tf.Tensor2D => {
    const pooled =
      architecture.pool > 1 ? tf.avgPool(x, architecture.pool, architecture.pool, 'valid') : x;
    return tf.reshape(pooled, [n, -1]);
  };
  const fa = flat(a);
  const fb = flat(b);
  const g = (first: tf.Tensor2D, second: tf.Tensor2D): tf.Tensor2D => {
    const h1 = tf.relu(
      tf.add(tf.matMul(tf.concat([first, second], 1), params.w1 as tf.Tensor2D), params.b1),
    );
    const h2 = tf.relu(tf.add(tf.matMul(h1 as tf.Tensor2D, params.w2 as tf.Tensor2D), params.b2));
    return tf.matMul(h2 as tf.Tensor2D, params.w3 as tf.Tensor2D);
  };
  return tf.sub(g(fa, fb), g(fb, fa));
}

/** The frozen network with its weights; see the module comment for where they live. */
export class InverseFormNetwork {
  readonly architecture: InverseFormArchitecture;
  readonly training: Readonly<Record<string, number | string>>;
  private readonly host: Record<ParameterName, { shape: number[]; values: Float32Array }>;
  private resident: InverseFormParameters | null = null;

  constructor(weights: InverseFormWeights) {
    const who = 'InverseFormNetwork';
    if (weights?.format !== 'seglosses-inverse-form/1') {
      fail(who, 'weights.format', "'seglosses-inverse-form/1'", describe(weights?.format));
    }
    this.architecture = weights.architecture;
    this.training = weights.training;
    const shapes = parameterShapes(weights.architecture);
    const host = {} as Record<ParameterName, { shape: number[]; values: Float32Array }>;
    for (const name of parameterNames) {
      const values = decodeHalfBase64(weights.parameters[name]);
      const size = shapes[name].reduce((p, d) => p * d, 1);
      if (values.length !== size) {
        fail(who, `parameter ${name}`, `${size} values [${shapes[name]}]`, `${values.length}`);
      }
      host[name] = { shape: shapes[name], values };
    }
    this.host = host;
  }

  /** Number of weights. */
  get parameterCount(): number {
    return parameterNames.reduce((n, name) => n + this.host[name].values.length, 0);
  }

  /** Keeps the weights on the active backend until `dispose()`; returns this network. */
  load(): this {
    if (this.resident === null) this.resident = this.upload();
    return this;
  }

  /** Frees the weights held on the backend by `load()` (the host copy stays). */
  dispose(): void {
    if (this.resident !== null) tf.dispose(Object.values(this.resident));
    this.resident = null;
  }

  /**
   * Generators `[N, 6]` of the transforms mapping tiles `b` onto tiles `a` (`[N, tile, tile, 1]`).
   * Call inside `tf.tidy` unless the network is loaded: the uploaded weights are intermediates.
   */
  regress(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor2D {
    const params = this.resident ?? this.upload();
    return inverseFormForward(params, this.architecture, a, b);
  }

  private upload(): InverseFormParameters {
    const t = (name: ParameterName) => tf.tensor(this.host[name].values, this.host[name].shape);
    return { w1: t('w1'), b1: t('b1'), w2: t('w2'), b2: t('b2'), w3: t('w3') };
  }
}
