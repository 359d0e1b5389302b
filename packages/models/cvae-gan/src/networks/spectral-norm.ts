/**
 * Spectral normalisation (Miyato et al. 2018, SN-GAN §2.1–2.2), the discriminator's
 * Lipschitz control in the projection discriminator of Miyato & Koyama (2018) that paper 000
 * §2.2.3 uses: W_SN = W / σ(W), σ(W) estimated by one power iteration per step on the weight
 * as a matrix W ∈ R^[fanIn, out]:
 *
 *   v ← W u / ‖W u‖,   u ← Wᵀ v / ‖Wᵀ v‖,   σ(W) ≈ vᵀ W u
 *
 * u persists between steps (a statistic saved with the model); u and v carry no gradient, as
 * in the paper's algorithm, so ∂σ/∂W = v uᵀ. Only the discriminator's own training step
 * moves u; the generator's step and evaluation read it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { stopGradient, type ParameterStore } from '@disentangle/kernels';

const EPSILON = 1e-12;

export class SpectralNorm {
  private readonly u: tf.Variable;

  constructor(store: ParameterStore, scope: string, readonly weight: tf.Variable, initial: tf.Tensor) {
    this.u = store.statistic(`${scope}/sn_u`, initial);
  }

  /** W / σ(W) in W's shape; `update` moves u to this step's power-iteration estimate. */
  apply(update: boolean): tf.Tensor {
    return tf.tidy(() => {
      const shape = this.weight.shape;
      const out = shape[shape.length - 1];
      const w = tf.reshape(this.weight, [-1, out]) as tf.Tensor2D;
      // A copy with its own data, not a view of u: `update` reassigns u inside the gradient tape,
      // which frees u's old data while the tape still holds this input for the backward pass.
      const u0 = tf.reshape(tf.mul(this.u, 1), [out, 1]) as tf.Tensor2D;
      const normalize = (t: tf.Tensor2D) => tf.div(t, tf.add(tf.norm(t), EPSILON)) as tf.Tensor2D;
      const v = stopGradient(normalize(tf.matMul(w, u0)));
      const u = stopGradient(normalize(tf.matMul(w, v, true, false)));
      const sigma = tf.sum(tf.mul(v, tf.matMul(w, u)));
      if (update) this.u.assign(tf.reshape(u, [out]));
      return tf.div(this.weight, sigma);
    });
  }
}

/** A fixed unit start for u [out]: the power iteration converges from any start that is not orthogonal to the top singular vector. */
export function spectralStart(out: number): tf.Tensor {
  return tf.tidy(() => {
    const ramp = tf.add(tf.range(0, out), 1);
    return tf.div(ramp, tf.norm(ramp));
  });
}
