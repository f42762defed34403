/**
 * UNet (Ronneberger et al. 2015) as the survey trains it: `depth` resolution levels, each two
 * 3×3 convolutions with batch normalisation and ReLU; 2×2 max-pooling down, 2×2 stride-2
 * transposed convolutions up, skip connections by concatenation, and a 1×1 convolution to C
 * logits. Width doubles per level from `baseChannels`. Parameters are explicit variables so they
 * can be saved, loaded and counted; batch-norm running statistics are kept for evaluation.
 */
import * as tf from '@tensorflow/tfjs';

import { batchNormTraining } from './batch-norm.js';

export interface UNetConfig {
  readonly inChannels: number;
  readonly numClasses: number;
  /** Channels of the first level (the survey's UNet: 64; a CPU-sized one: 16). */
  readonly baseChannels: number;
  /** Resolution levels, including the bottleneck (the survey's UNet: 5 = 4 poolings). */
  readonly depth: number;
  readonly seed: number;
  /**
   * Extra 1×1-convolution heads on the last decoder feature map, for losses that need more than
   * logits (`HeadRequest`s from `loss.heads(C)`); the name `features` returns the map itself.
   */
  readonly heads?: readonly { readonly name: string; readonly channels: number }[];
}

export interface SavedWeights {
  readonly config: UNetConfig;
  readonly tensors: { name: string; shape: number[]; values: number[] }[];
}

const bnMomentum = 0.1;
let instances = 0;
const bnEpsilon = 1e-5;

export class UNet {
  readonly trainable = new Map<string, tf.Variable>();
  /** Batch-norm running means and variances (not trained by the optimizer). */
  readonly statistics = new Map<string, tf.Variable>();
  private seed: number;
  /** Prefix that keeps variable names unique when several models live in one process. */
  private readonly scope = `unet${instances++}`;

  constructor(readonly config: UNetConfig) {
    checkConfig(config);
    this.seed = config.seed;
    // Variables outlive the tidy; the initial values they were created from do not.
    tf.tidy(() => {
      const widths = this.widths();
      let inC = config.inChannels;
      widths.forEach((w, level) => {
        this.doubleConv(`down${level}`, inC, w);
        inC = w;
      });
      for (let level = config.depth - 2; level >= 0; level--) {
        const w = widths[level];
        this.addWeight(`up${level}/kernel`, [2, 2, w, widths[level + 1]], 4 * widths[level + 1]);
        this.addZeros(`up${level}/bias`, [w]);
        this.doubleConv(`dec${level}`, 2 * w, w);
      }
      this.addWeight('head/kernel', [1, 1, widths[0], config.numClasses], widths[0]);
      this.addZeros('head/bias', [config.numClasses]);
      for (const head of config.heads ?? []) {
        if (head.name === 'features') continue;
        this.addWeight(`heads/${head.name}/kernel`, [1, 1, widths[0], head.channels], widths[0]);
        this.addZeros(`heads/${head.name}/bias`, [head.channels]);
      }
    });
  }

  /** Channels per level. */
  widths(): number[] {
    return Array.from({ length: this.config.depth }, (_, i) => this.config.baseChannels * 2 ** i);
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    let n = 0;
    for (const v of this.trainable.values()) n += v.size;
    return n;
  }

  /**
   * Logits `[B,H,W,C]` for images `[B,H,W,inChannels]`; H and W must be divisible by
   * 2^(depth−1). In training mode batch statistics normalise and the running statistics are
   * updated (outside the gradient tape).
   */
  apply(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return this.applyWithHeads(images, training).logits;
  }

  /** Logits and the configured extra heads (`features`: the last decoder feature map). */
  applyWithHeads(
    images: tf.Tensor4D,
    training: boolean,
  ): { logits: tf.Tensor4D; heads: Record<string, tf.Tensor4D> } {
    const [, h, w] = images.shape;
    const factor = 2 ** (this.config.depth - 1);
    if (h % factor !== 0 || w % factor !== 0) {
      throw new Error(
        `unet: image size must be divisible by ${factor} for depth ${this.config.depth}, ` +
          `got ${h}×${w}`,
      );
    }
    const skips: tf.Tensor4D[] = [];
    let x = images;
    for (let level = 0; level < this.config.depth; level++) {
      x = this.applyDoubleConv(`down${level}`, x, training);
      if (level < this.config.depth - 1) {
        skips.push(x);
        x = tf.maxPool(x, 2, 2, 'valid');
      }
    }
    for (let level = this.config.depth - 2; level >= 0; level--) {
      const skip = skips[level];
      const kernel = this.param(`up${level}/kernel`) as tf.Tensor4D;
      const up = tf.conv2dTranspose(
        x,
        kernel,
        skip.shape as [number, number, number, number],
        2,
        'valid',
      );
      x = tf.add(up, this.param(`up${level}/bias`)) as tf.Tensor4D;
      x = tf.concat([skip, x], 3);
      x = this.applyDoubleConv(`dec${level}`, x, training);
    }
    const heads: Record<string, tf.Tensor4D> = {};
    for (const head of this.config.heads ?? []) {
      heads[head.name] = head.name === 'features' ? x : this.conv1x1(`heads/${head.name}`, x);
    }
    return { logits: this.conv1x1('head', x), heads };
  }

  private conv1x1(prefix: string, x: tf.Tensor4D): tf.Tensor4D {
    const y = tf.conv2d(x, this.param(`${prefix}/kernel`) as tf.Tensor4D, 1, 'same');
    return tf.add(y, this.param(`${prefix}/bias`)) as tf.Tensor4D;
  }

  /** Weights and statistics as plain numbers, with the config needed to rebuild the model. */
  save(): SavedWeights {
    const tensors = [...this.trainable, ...this.statistics].map(([name, v]) => ({
      name,
      shape: v.shape,
      values: Array.from(v.dataSync()),
    }));
    return { config: this.config, tensors };
  }

  /** Restores weights saved by `save` from a model of the same configuration. */
  load(saved: SavedWeights): void {
    for (const { name, shape, values } of saved.tensors) {
      const target = this.trainable.get(name) ?? this.statistics.get(name);
      if (target === undefined) throw new Error(`unet.load: unknown weight "${name}"`);
      if (target.shape.join(',') !== shape.join(',')) {
        throw new Error(
          `unet.load: weight ${name} must have shape [${target.shape}], got [${shape}]`,
        );
      }
      tf.tidy(() => target.assign(tf.tensor(values, shape)));
    }
  }

  dispose(): void {
    for (const v of [...this.trainable.values(), ...this.statistics.values()]) v.dispose();
  }

  private param(name: string): tf.Variable {
    const v = this.trainable.get(name);
    if (v === undefined) throw new Error(`unet: missing parameter ${name}`);
    return v;
  }

  private addWeight(name: string, shape: number[], fanIn: number): void {
    // He-normal initialisation for ReLU networks, seeded per tensor.
    const init = tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', this.seed++);
    this.trainable.set(name, tf.variable(init, true, `${this.scope}/${name}`));
    init.dispose();
  }

  private addZeros(name: string, shape: number[]): void {
    this.trainable.set(name, tf.variable(tf.zeros(shape), true, `${this.scope}/${name}`));
  }

  private doubleConv(prefix: string, inC: number, outC: number): void {
    for (const [i, c] of [inC, outC].entries()) {
      this.addWeight(`${prefix}/conv${i}/kernel`, [3, 3, c, outC], 9 * c);
      const gamma = `${prefix}/bn${i}/gamma`;
      this.trainable.set(gamma, tf.variable(tf.ones([outC]), true, `${this.scope}/${gamma}`));
      this.addZeros(`${prefix}/bn${i}/beta`, [outC]);
      this.statistics.set(`${prefix}/bn${i}/mean`, tf.variable(tf.zeros([outC]), false));
      this.statistics.set(`${prefix}/bn${i}/variance`, tf.variable(tf.ones([outC]), false));
    }
  }

  private applyDoubleConv(prefix: string, input: tf.Tensor4D, training: boolean): tf.Tensor4D {
    let x = input;
    for (let i = 0; i < 2; i++) {
      const kernel = this.param(`${prefix}/conv${i}/kernel`) as tf.Tensor4D;
      x = tf.conv2d(x, kernel, 1, 'same');
      x = this.batchNorm(`${prefix}/bn${i}`, x, training);
      x = tf.relu(x);
    }
    return x;
  }

  private batchNorm(prefix: string, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const gamma = this.param(`${prefix}/gamma`) as tf.Tensor1D;
    const beta = this.param(`${prefix}/beta`) as tf.Tensor1D;
    const runningMean = this.statistics.get(`${prefix}/mean`) as tf.Variable<tf.Rank.R1>;
    const runningVar = this.statistics.get(`${prefix}/variance`) as tf.Variable<tf.Rank.R1>;
    if (!training) {
      return tf.batchNorm4d(x, runningMean, runningVar, beta, gamma, bnEpsilon);
    }
    const { y, mean, variance } = batchNormTraining(x, gamma, beta, bnEpsilon);
    // Running statistics follow PyTorch: unbiased variance, momentum 0.1. The assignments are
    // not on the path to the loss, so the tape gives them no gradient.
    const n = x.size / x.shape[3];
    const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
    runningMean.assign(tf.add(tf.mul(runningMean, 1 - bnMomentum), tf.mul(mean, bnMomentum)));
    runningVar.assign(tf.add(tf.mul(runningVar, 1 - bnMomentum), tf.mul(unbiased, bnMomentum)));
    return y;
  }
}

function checkConfig(config: UNetConfig): void {
  const positive = (name: 'inChannels' | 'numClasses' | 'baseChannels' | 'depth', min: number) => {
    const v = config[name];
    if (!Number.isInteger(v) || v < min) {
      throw new Error(`unet: ${name} must be an integer >= ${min}, got ${String(v)}`);
    }
  };
  positive('inChannels', 1);
  positive('numClasses', 1);
  positive('baseChannels', 1);
  positive('depth', 1);
}
