/**
 * The statistics of the region mutual information loss (losses/region/region-mutual-information.ts
 * has the formula): a PyTorch-compatible max-pool, and per (image, class) the log-determinant
 * term ½·log det(Σ_{Y|P} + αI) with its gradient, in float64 on the CPU.
 *
 * Why float64: with a confident prediction Σ_{Y|P} ≈ α·I is a difference of Gram entries of
 * size O(n) (n neighbourhoods), which float32 loses to cancellation (on a 224×224 perfect
 * prediction: 10 % of the value and the gradient entirely); the reference computes it in double.
 *
 * Gradient of one term f = ½·log det M, M = Σ_Y − K·Σ_{YP}ᵀ + αI, K = Σ_{YP}(Σ_P + αI)⁻¹, for the
 * centred vectors P, Y (d × n) with Σ_P = PPᵀ, Σ_{YP} = YPᵀ, Σ_Y = YYᵀ and W = M⁻¹:
 *   df = ½ tr(W dM),  dM = −dΣ_{YP} Kᵀ − K dΣ_{YP}ᵀ + K dΣ_P Kᵀ
 *   ⇒ ∂f/∂P = −Kᵀ W Y + Kᵀ W K P = −Kᵀ·W·E,   E = Y − K·P.
 * E has zero row means (P and Y are centred), so this is also the gradient before centring.
 */
import * as tf from '@tensorflow/tfjs-core';

import { SeglossesError } from '../../core/errors.js';
import { cholesky, choleskyInverse, choleskySolve } from '../../core/spd-matrix.js';
import { ownMemoryKernels } from '../../kernels/native/loss-kernels.js';
import { unaryCustomGrad } from '../../core/stable-activations.js';

/** Added to the diagonals of Σ_P and Σ_{Y|P} (the reference's _POS_ALPHA). */
export const rmiAlpha = 5e-4;

/**
 * k×k max-pool, stride k, padding ⌊k/2⌋, floor mode (PyTorch's F.max_pool2d) of a non-negative
 * `[B,H,W,C]` tensor: the values from tfjs's 'valid' max-pool of the padded tensor (−1 never
 * wins against the non-negative inputs, as PyTorch skips padded cells); the gradient goes to
 * the first maximum of each window in row-major order, as in PyTorch — computed here, because
 * backends differ on ties (pooled targets and floored probabilities have many).
 */
export function maxPool(x: tf.Tensor4D, k: number): tf.Tensor4D {
  if (k === 1) return x;
  const [b, h, w, c] = x.shape;
  const pad = Math.floor(k / 2);
  const oh = Math.floor((h + 2 * pad - k) / k) + 1;
  const ow = Math.floor((w + 2 * pad - k) / k) + 1;
  const bottom = Math.max(0, oh * k - pad - h);
  const right = Math.max(0, ow * k - pad - w);
  const padding: [number, number][] = [
    [0, 0],
    [pad, bottom],
    [pad, right],
    [0, 0],
  ];
  const op = unaryCustomGrad((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const padded = tf.pad(input, padding, -1) as tf.Tensor4D;
    save([padded]);
    return {
      value: tf.maxPool(padded, k, k, 'valid'),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => {
        const values = saved.dataSync();
        const upstream = dy.dataSync();
        const gradient = new Float32Array(b * h * w * c);
        const ph = h + pad + bottom;
        const pw = w + pad + right;
        for (let n = 0; n < b; n++) {
          for (let i = 0; i < oh; i++) {
            for (let j = 0; j < ow; j++) {
              for (let ch = 0; ch < c; ch++) {
                let best = -Infinity;
                let at = -1;
                for (let di = 0; di < k; di++) {
                  for (let dj = 0; dj < k; dj++) {
                    const v = values[((n * ph + i * k + di) * pw + j * k + dj) * c + ch];
                    if (v > best) {
                      best = v;
                      at = (i * k + di - pad) * w + (j * k + dj - pad);
                    }
                  }
                }
                gradient[(n * h * w + at) * c + ch] += upstream[((n * oh + i) * ow + j) * c + ch];
              }
            }
          }
        }
        return tf.tensor4d(gradient, [b, h, w, c]);
      },
    };
  });
  return op(x) as tf.Tensor4D;
}

/**
 * ½·log det(Σ_{Y|P} + αI) per (image, class) of pooled maps `[B,h,w,C]`, and its gradient with
 * respect to the pooled probabilities (same layout), in float64: by the WebAssembly kernel
 * `rmi_terms` (native/loss-kernels.c, the same steps) where it runs, else in JavaScript.
 */
export function rmiTerms(
  probs: Float32Array,
  labels: Float32Array,
  dims: number[],
  radius: number,
): { values: Float32Array; gradient: Float32Array } {
  const native = ownMemoryKernels();
  if (native === null) return rmiTermsInJavaScript(probs, labels, dims, radius);
  const [batch, h, w, classes] = dims;
  const d = radius * radius;
  const n = (h - radius + 1) * (w - radius + 1);
  const { exports, arena } = native;
  const at = {
    probs: arena.reserve(probs.length * 4),
    labels: arena.reserve(labels.length * 4),
    values: arena.reserve(batch * classes * 4),
    gradient: arena.reserve(probs.length * 4),
    scratch: arena.reserve((2 * d * n + 9 * d * d + d) * 8),
  };
  arena.commit();
  new Float32Array(arena.buffer, at.probs, probs.length).set(probs);
  new Float32Array(arena.buffer, at.labels, labels.length).set(labels);
  const failed = exports.rmi_terms(
    at.probs,
    at.labels,
    batch,
    h,
    w,
    classes,
    radius,
    rmiAlpha,
    at.values,
    at.gradient,
    at.scratch,
  );
  if (failed > 0) {
    const image = Math.floor((failed - 1) / classes);
    throw new SeglossesError(
      `cholesky: matrix is not positive definite (image ${image}, class ${(failed - 1) % classes})`,
    );
  }
  return {
    values: new Float32Array(arena.buffer, at.values, batch * classes).slice(),
    gradient: new Float32Array(arena.buffer, at.gradient, probs.length).slice(),
  };
}

/** {@link rmiTerms} in JavaScript: the fallback, and the reference of the tests. */
export function rmiTermsInJavaScript(
  probs: Float32Array,
  labels: Float32Array,
  [batch, h, w, classes]: number[],
  radius: number,
): { values: Float32Array; gradient: Float32Array } {
  const d = radius * radius;
  const nh = h - radius + 1;
  const nw = w - radius + 1;
  const n = nh * nw;
  const values = new Float32Array(batch * classes);
  const gradient = new Float32Array(probs.length);
  const p = new Float64Array(d * n);
  const y = new Float64Array(d * n);
  const at = (b: number, k: number, j: number, c: number): number => {
    const row = Math.floor(j / nw) + Math.floor(k / radius);
    const col = (j % nw) + (k % radius);
    return ((b * h + row) * w + col) * classes + c;
  };
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < classes; c++) {
      // Centred neighbourhood vectors: row k holds the (k / r, k % r) shift of every point.
      for (let k = 0; k < d; k++) {
        let pMean = 0;
        let yMean = 0;
        for (let j = 0; j < n; j++) {
          p[k * n + j] = probs[at(b, k, j, c)];
          y[k * n + j] = labels[at(b, k, j, c)];
          pMean += p[k * n + j];
          yMean += y[k * n + j];
        }
        for (let j = 0; j < n; j++) {
          p[k * n + j] -= pMean / n;
          y[k * n + j] -= yMean / n;
        }
      }
      const sigmaP = new Float64Array(d * d);
      const sigmaYP = new Float64Array(d * d);
      const sigmaY = new Float64Array(d * d);
      for (let k = 0; k < d; k++) {
        for (let l = 0; l < d; l++) {
          let pp = 0;
          let yp = 0;
          let yy = 0;
          for (let j = 0; j < n; j++) {
            pp += p[k * n + j] * p[l * n + j];
            yp += y[k * n + j] * p[l * n + j];
            yy += y[k * n + j] * y[l * n + j];
          }
          sigmaP[k * d + l] = pp + (k === l ? rmiAlpha : 0);
          sigmaYP[k * d + l] = yp;
          sigmaY[k * d + l] = yy;
        }
      }
      // Kᵀ = (Σ_P + αI)⁻¹ Σ_{YP}ᵀ; M = Σ_Y − K Σ_{YP}ᵀ + αI (symmetrised).
      const yPt = new Float64Array(d * d);
      for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) yPt[k * d + l] = sigmaYP[l * d + k];
      const kT = choleskySolve(cholesky(sigmaP, d), d, yPt, d);
      const m = new Float64Array(d * d);
      for (let k = 0; k < d; k++) {
        for (let l = 0; l < d; l++) {
          let explained = 0;
          for (let q = 0; q < d; q++) explained += kT[q * d + k] * sigmaYP[l * d + q];
          m[k * d + l] = sigmaY[k * d + l] - explained;
        }
      }
      for (let k = 0; k < d; k++) {
        for (let l = 0; l < k; l++) m[k * d + l] = m[l * d + k] = (m[k * d + l] + m[l * d + k]) / 2;
        m[k * d + k] += rmiAlpha;
      }
      const factor = cholesky(m, d);
      let halfLogDet = 0;
      for (let k = 0; k < d; k++) halfLogDet += Math.log(factor[k * d + k]);
      values[b * classes + c] = halfLogDet;
      // ∂f/∂P = −Kᵀ W E with E = Y − K P.
      const w = choleskyInverse(factor, d);
      const kTw = new Float64Array(d * d);
      for (let k = 0; k < d; k++) {
        for (let l = 0; l < d; l++) {
          let sum = 0;
          for (let q = 0; q < d; q++) sum += kT[k * d + q] * w[q * d + l];
          kTw[k * d + l] = sum;
        }
      }
      const e = new Float64Array(d);
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < d; k++) {
          let fitted = 0;
          for (let q = 0; q < d; q++) fitted += kT[q * d + k] * p[q * n + j];
          e[k] = y[k * n + j] - fitted;
        }
        for (let k = 0; k < d; k++) {
          let g = 0;
          for (let q = 0; q < d; q++) g -= kTw[k * d + q] * e[q];
          gradient[at(b, k, j, c)] += g;
        }
      }
    }
  }
  return { values, gradient };
}

/** The RMI terms `[B,C]` as a differentiable function of the pooled probabilities. */
export function rmiLowerBound(
  pooledProbs: tf.Tensor4D,
  pooledLabels: tf.Tensor4D,
  radius: number,
): tf.Tensor2D {
  const [b, h, w, c] = pooledProbs.shape;
  const labels = pooledLabels.dataSync() as Float32Array;
  const op = unaryCustomGrad((probs: tf.Tensor) => {
    const terms = rmiTerms(probs.dataSync() as Float32Array, labels, [b, h, w, c], radius);
    return {
      value: tf.tensor2d(terms.values, [b, c]),
      gradFunc: (dy: tf.Tensor) =>
        tf.mul(tf.tensor4d(terms.gradient, [b, h, w, c]), tf.reshape(dy, [b, 1, 1, c])),
    };
  });
  return op(pooledProbs) as tf.Tensor2D;
}
