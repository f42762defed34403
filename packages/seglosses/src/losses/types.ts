/**
 * The types shared by every loss: what `createLoss` returns, and what a loss definition declares
 * to the registry (its options, documentation and the function that computes it).
 */
import type * as tf from '@tensorflow/tfjs-core';

import type { BibKey } from '../core/bibliography.js';
import type { OptionSpec, ResolvedOptions } from './options.js';
import type { PreparedInput } from './prepare.js';

/** The survey's four families. */
export type LossCategory = 'pixel' | 'region' | 'boundary' | 'combination';

/**
 * What a loss may receive beside `(yTrue, yPred)`: the training step (for scheduled weights) and
 * named tensors such as precomputed distance maps or extra model heads.
 */
export interface LossExtras {
  readonly step?: number;
  readonly [name: string]: tf.Tensor | number | undefined;
}

/**
 * An extra output the model must provide for a loss: a 1×1-convolution head on the model's last
 * feature map, passed to the loss as `extras[name]` with shape `[B,H,W,channels]` (raw logits).
 * The special head name `features` asks for the feature map itself.
 */
export interface HeadRequest {
  readonly name: string;
  readonly channels: number;
  readonly doc: string;
}

/**
 * A per-pixel map that depends on the target only (e.g. a distance map). The lab computes it once
 * per training example, applies the same flips and rotations as to the label, and passes the
 * batch as `extras[name]` `[B,H,W,channels]`; without it the loss computes the map itself.
 */
export interface TargetMap {
  readonly name: string;
  /**
   * Channels per pixel; 0 means one per class of the model (`numClasses`, e.g. a distance map
   * of every class), a number the loss cannot know before it sees the model.
   */
  readonly channels: number;
  /**
   * The map of one label image (`labels` row-major `[height, width]`, values 0..C-1 or the ignore
   * index) as `[height, width, channels]` row-major. `spacing` is `[dy, dx]` in mm (default 1).
   */
  compute(
    labels: ArrayLike<number>,
    height: number,
    width: number,
    numClasses: number,
    spacing?: readonly [number, number],
  ): Float32Array;
}

/** A ready-to-call loss, as returned by `createLoss`. */
export interface LossFunction {
  (yTrue: tf.Tensor, yPred: tf.Tensor, extras?: LossExtras): tf.Tensor;
  /** Registry name, e.g. `dice`. */
  readonly lossName: string;
  readonly category: LossCategory;
  /** Variables the loss learns (the T-loss's ν); empty for most losses. */
  readonly trainableVariables: readonly tf.Variable[];
  /** Names of the tensors the loss needs in `extras` (e.g. `distanceMaps`). */
  readonly needs: readonly string[];
  /** Extra model outputs the loss needs for C classes (their names are in `extras`). */
  heads(numClasses: number): readonly HeadRequest[];
  /** Target-only maps the caller may precompute and cache (optional extras). */
  readonly targetMaps: readonly TargetMap[];
  /** The options after defaults were applied. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Frees the loss's variables, if any. */
  dispose(): void;
}

/** One entry of a loss's parity table: which options reproduce a reference implementation. */
export interface ReferenceParity {
  /** e.g. `MONAI DiceLoss(softmax=True, to_onehot_y=True)` */
  readonly reference: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** How the reference's value relates to ours, e.g. `-(1 - ours)` for nnU-Net. */
  readonly relation?: string;
}

/** Everything the registry knows about one loss. */
export interface LossDefinition<O extends ResolvedOptions = ResolvedOptions> {
  readonly name: string;
  readonly category: LossCategory;
  readonly title: string;
  /** One sentence: what the loss measures. */
  readonly summary: string;
  /** LaTeX, in the survey's notation (N pixels, C classes, t target, y prediction). */
  readonly formula: string;
  /** What every symbol in the formula means, beyond N, C, t and y. */
  readonly symbols?: string;
  readonly sources: readonly BibKey[];
  /** Where the survey prints something else, what it prints and why the code differs. */
  readonly surveyNote?: string;
  readonly whenToUse: string;
  readonly pros: readonly string[];
  readonly cons: readonly string[];
  /** Shape of the result with `reduction: 'none'`. */
  readonly unreducedShape: string;
  /** What a perfect prediction gives (documented minimum). */
  readonly minimum: string;
  /** Decisions for empty classes and ignored pixels. */
  readonly emptyPolicy: string;
  readonly options: Readonly<Record<keyof O & string, OptionSpec>>;
  readonly needs?: readonly string[];
  /** Extra model heads, given the resolved options and the number of classes. */
  heads?(options: O, numClasses: number): readonly HeadRequest[];
  /** Target-only maps a caller may cache, given the resolved options. */
  targetMaps?(options: O): readonly TargetMap[];
  readonly parity?: readonly ReferenceParity[];
  /**
   * Builds the loss for resolved options. The returned function runs inside the caller's
   * `tf.tidy`, so it may create intermediates freely; `variables` collects learnable parameters.
   */
  build(options: O, variables: tf.Variable[]): LossKernel;
}

/** The computation of one loss, given prepared inputs. */
export type LossKernel = (input: PreparedInput, extras: LossExtras) => tf.Tensor;
