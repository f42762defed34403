/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay.
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)
 *   θ ← θ − lr·(m̂/(√v̂ + ε) + λθ)
 * The learning rate is given per step, so any schedule can drive it. On wasm, with the lab's
 * kernels registered, each variable's update is one kernel (`backend/wasm-adamw.ts`).
 */
import * as tf from '@tensorflow/tfjs';

import { adamWKernel } from '../backend/wasm-adamw.js';

export interface AdamWOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

export const defaultAdamW: AdamWOptions = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 1e-2,
};

export class AdamW {
  private step = 0;
  private moments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable }>();

  constructor(readonly options: AdamWOptions = defaultAdamW) {}

  /** Applies one update with learning rate `lr` to every variable that has a gradient. */
  apply(gradients: tf.NamedTensorMap, variables: readonly tf.Variable[], lr: number): void {
    this.step++;
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    const fused = tf.getBackend() === 'wasm' && tf.getKernel(adamWKernel, 'wasm') !== undefined;
    tf.tidy(() => {
      for (const variable of variables) {
        const g = gradients[variable.name];
        if (g === undefined || g === null) continue;
        let state = this.moments.get(variable);
        if (state === undefined) {
          state = {
            m: tf.variable(tf.zerosLike(variable), false),
            v: tf.variable(tf.zerosLike(variable), false),
          };
          this.moments.set(variable, state);
        }
        if (fused) {
          // One kernel for the whole update (backend/wasm-adamw.ts); assign adopts its outputs.
          const [theta, m, v] = tf
            .engine()
            .runKernel(
              adamWKernel,
              { variable, gradient: g, m: state.m, v: state.v },
              { lr, beta1, beta2, epsilon, weightDecay, correction1, correction2 },
            ) as tf.Tensor[];
          state.m.assign(m);
          state.v.assign(v);
          variable.assign(theta);
          continue;
        }
        const m = tf.add(tf.mul(state.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(state.v, beta2), tf.mul(tf.square(g), 1 - beta2));
        state.m.assign(m);
        state.v.assign(v);
        const update = tf.div(
          tf.div(m, correction1),
          tf.add(tf.sqrt(tf.div(v, correction2)), epsilon),
        );
        const decayed = tf.add(update, tf.mul(variable, weightDecay));
        variable.assign(tf.sub(variable, tf.mul(decayed, lr)));
      }
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}
