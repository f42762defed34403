/**
 * The registry of every loss: `createLoss` builds one by name, `listLosses` describes them all
 * (the docs and the README's table are generated from it).
 */
import * as tf from '@tensorflow/tfjs-core';

import { SeglossesError, fail, suggestion } from '../core/errors.js';
import { boundaryLosses } from './boundary/index.js';
import { combinationLosses } from './combination/index.js';
import type { Activation } from './options.js';
import { resolveOptions } from './options.js';
import { pixelLosses } from './pixel/index.js';
import { PreparedInput, checkLossInputs } from './prepare.js';
import { regionLosses } from './region/index.js';
import type { LossDefinition, LossExtras, LossFunction } from './types.js';

const definitions: readonly LossDefinition[] = [
  ...pixelLosses,
  ...regionLosses,
  ...boundaryLosses,
  ...combinationLosses,
];

const byName = new Map(definitions.map((d) => [d.name, d]));

/** What `listLosses` tells about a loss: its definition without the builder. */
export type LossInfo = Omit<LossDefinition, 'build'>;

/** Every registered loss, in the survey's order of families. */
export function listLosses(): LossInfo[] {
  return definitions.map((d) => {
    const { build: _build, ...info } = d;
    return info;
  });
}

/** The definition of a loss by registry name; throws with the nearest name when unknown. */
export function getLossDefinition(name: string): LossDefinition {
  const found = byName.get(name);
  if (found === undefined) {
    const names = [...byName.keys()];
    throw new SeglossesError(
      `createLoss: unknown loss "${name}"${suggestion(name, names)}; ` +
        `registered losses: ${names.join(', ')}`,
    );
  }
  return found;
}

/**
 * Builds a loss by registry name. The result is `(yTrue, yPred, extras?) => tf.Tensor`: a scalar,
 * or with `reduction: 'none'` the unreduced tensor documented for that loss. It leaves no
 * intermediate tensor behind; call `dispose()` to free learnable parameters, if it has any.
 */
export function createLoss(
  name: string,
  options?: Readonly<Record<string, unknown>>,
): LossFunction {
  const definition = getLossDefinition(name);
  const resolved = resolveOptions(name, definition.options, options);
  const variables: tf.Variable[] = [];
  const kernel = definition.build(resolved, variables);
  const activation = (resolved.activation ?? 'softmax') as Activation;
  const ignoreIndex = (resolved.ignoreIndex ?? null) as number | null;
  const needs = definition.needs ?? [];

  const loss = (yTrue: tf.Tensor, yPred: tf.Tensor, extras: LossExtras = {}): tf.Tensor => {
    checkLossInputs(name, yTrue, yPred);
    const channels = yPred.shape[3] as number;
    if (activation === 'softmax' && channels < 2) {
      fail(name, "yPred with activation 'softmax'", 'at least 2 channels', `${channels}`);
    }
    for (const need of needs) {
      if (extras[need] === undefined) fail(name, `extras.${need}`, 'given', 'nothing');
    }
    return tf.tidy(() =>
      kernel(new PreparedInput(yTrue, yPred as tf.Tensor4D, { activation, ignoreIndex }), extras),
    );
  };
  return Object.assign(loss, {
    lossName: definition.name,
    category: definition.category,
    trainableVariables: variables,
    needs,
    heads: (numClasses: number) => definition.heads?.(resolved, numClasses) ?? [],
    targetMaps: definition.targetMaps?.(resolved) ?? [],
    options: resolved,
    dispose: () => variables.forEach((v) => v.dispose()),
  });
}
