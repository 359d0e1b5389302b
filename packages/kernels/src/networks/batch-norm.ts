/**
 * Batch normalisation (Ioffe & Szegedy 2015) over every axis but the last (channels):
 *
 *   training:   y = γ ⊙ x̂ + β,  x̂ = (x − μ_B) / √(σ²_B + ε),  μ_B, σ²_B the batch's mean and (biased) variance
 *   evaluation: y = γ ⊙ (x − m) / √(v + ε) + β,               m, v the moving statistics
 *   update:     m ← ρ m + (1 − ρ) μ_B,  v ← ρ v + (1 − ρ) σ²_B · n/(n − 1)      (ρ = 0.9, ε = 1e-5, PyTorch's defaults)
 *
 * γ, β are trainable; m, v are the store's *statistics* (saved with the model under
 * `<scope>/moving_mean` and `<scope>/moving_variance`, in no optimiser's variables).
 *
 * The training-mode pass has a hand-written gradient (n rows of C channels, r = 1/√(σ²_B + ε)):
 *
 *   ∂L/∂β = Σ_n dy     ∂L/∂γ = Σ_n dy ⊙ x̂     ∂L/∂x = γ r ⊙ (dy − ∂L/∂β / n − x̂ ⊙ ∂L/∂γ / n)
 *
 * with every sum over rows done as a [1, n] × [n, C] matrix product. tfjs's automatic
 * gradient of the same forward pass launched ~100 kernels per layer and reduced over
 * non-innermost axes (a transpose each time) on the wasm backend, which doubled the step
 * time of the image models; this one launches ~15 (tested against the automatic gradient).
 *
 * Why it is here: without normalisation the paper-004 conv nets plateau on the 32×32 faces at
 * a blurred average face (measured in the package README); batch norm is what made them fit
 * in a 2-core budget.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterStore } from './parameter-store';

/**
 * How a forward pass treats batch norm: `training` normalises with the batch's statistics
 * (what the losses use), otherwise with the moving ones (every capability method);
 * `updateStatistics` also folds the batch's statistics into the moving ones (once per
 * training step: the model phase does it, a coupled adversary phase does not).
 */
export interface ForwardMode {
  training: boolean;
  updateStatistics: boolean;
}

export const EVALUATION: ForwardMode = { training: false, updateStatistics: false };
export const TRAINING: ForwardMode = { training: true, updateStatistics: true };
export const TRAINING_FIXED_STATISTICS: ForwardMode = { training: true, updateStatistics: false };

export const BATCH_NORM_MOMENTUM = 0.9;
export const BATCH_NORM_EPSILON = 1e-5;

/** Training-mode batch norm of x2 [n, C] with γ, β [C]: returns y [n, C] and the batch's mean and variance [1, C]. */
function normaliseBatch(x2: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): { y: tf.Tensor2D; mean: tf.Tensor2D; variance: tf.Tensor2D } {
  const [n, c] = x2.shape;
  let mean: tf.Tensor2D | undefined;
  let variance: tf.Tensor2D | undefined;
  const forward = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const average = tf.fill([1, n], 1 / n);
    const mu = tf.matMul(average, x as tf.Tensor2D);
    const centred = tf.sub(x, mu);
    const v = tf.matMul(average, tf.square(centred));
    const r = tf.rsqrt(tf.add(v, BATCH_NORM_EPSILON));
    const normalised = tf.mul(centred, r);
    mean = tf.keep(mu) as tf.Tensor2D;
    variance = tf.keep(v) as tf.Tensor2D;
    save([normalised, r, g]);
    return {
      value: tf.add(tf.mul(normalised, g), b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xh, rs, gs] = saved;
        const d = dy as tf.Tensor;
        const ones = tf.ones([1, n]);
        const dBeta = tf.matMul(ones, d as tf.Tensor2D);
        const dGamma = tf.matMul(ones, tf.mul(d, xh) as tf.Tensor2D);
        const scale = tf.mul(gs, rs);
        const dx = tf.mul(tf.sub(tf.sub(d, tf.mul(dBeta, 1 / n)), tf.mul(xh, tf.mul(dGamma, 1 / n))), scale);
        return [dx, tf.reshape(dGamma, [c]), tf.reshape(dBeta, [c])];
      },
    };
  });
  const y = forward(x2, gamma, beta) as tf.Tensor2D;
  return { y, mean: mean!, variance: variance! };
}

export class BatchNorm {
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  private readonly movingMean: tf.Variable;
  private readonly movingVariance: tf.Variable;

  constructor(store: ParameterStore, scope: string, readonly channels: number) {
    this.gamma = store.ones(`${scope}/gamma`, [channels]);
    this.beta = store.zeros(`${scope}/beta`, [channels]);
    this.movingMean = store.statistic(`${scope}/moving_mean`, tf.zeros([channels]));
    this.movingVariance = store.statistic(`${scope}/moving_variance`, tf.ones([channels]));
  }

  apply<T extends tf.Tensor>(x: T, mode: ForwardMode): T {
    if (x.shape[x.rank - 1] !== this.channels) throw new Error(`BatchNorm: input has ${x.shape[x.rank - 1]} channels, expected ${this.channels}`);
    return tf.tidy(() => {
      if (!mode.training) {
        const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.movingVariance, BATCH_NORM_EPSILON)));
        return tf.add(tf.mul(x, scale), tf.sub(this.beta, tf.mul(this.movingMean, scale))) as T;
      }
      const rows = x.size / this.channels;
      const { y, mean, variance } = normaliseBatch(tf.reshape(x, [rows, this.channels]) as tf.Tensor2D, this.gamma, this.beta);
      if (mode.updateStatistics) this.update(mean, variance, rows);
      tf.dispose([mean, variance]);
      return tf.reshape(y, x.shape) as T;
    });
  }

  /** Folds the batch's statistics into the moving ones (outside the gradient: the inputs come from the forward pass's values). */
  private update(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    tf.tidy(() => {
      const rho = BATCH_NORM_MOMENTUM;
      const unbiased = count > 1 ? count / (count - 1) : 1;
      this.movingMean.assign(tf.add(tf.mul(this.movingMean, rho), tf.mul(tf.reshape(mean, [this.channels]), 1 - rho)));
      this.movingVariance.assign(tf.add(tf.mul(this.movingVariance, rho), tf.mul(tf.reshape(variance, [this.channels]), (1 - rho) * unbiased)));
    });
  }
}
