/**
 * The per-label priors on the subspaces W_i of CSVAE (paper 004, §4.2, reconstructed):
 *
 *   p(w_i | y_i = 0) = N(0, 0.1² I)      p(w_i | y_i = 1) = N(3·1, I)
 *
 * The text lost §4.2's definitions; what survives fixes them: the appendix values
 * (a tight prior of scale 0.1 at the origin and a wide one of scale 1 around 3), the
 * attribute-switching function of §4.3, which sets p_l = 0 for every subspace l ≠ j (so the
 * origin must mean "label l is off"), and its grid search "centred at μ2" for the new
 * attribute's style (so the wide prior, where the variety lives, belongs to y = 1). The
 * swiss-roll paragraph says the points "labelled 1" map near the origin; which side of that
 * toy is called 1 is arbitrary, and our report states which label lands at the origin.
 */
import * as tf from '@tensorflow/tfjs-core';
import { klBetweenDiagonalGaussians } from '@disentangle/kernels';
import type { CsvaeConfig } from './config';
import { expandLabelsToSubspaces } from './losses';

/** Prior mean and log-variance of w for each example's labels, both [batch, K·wDim]. */
export function subspacePrior(y: tf.Tensor2D, config: Pick<CsvaeConfig, 'wDim' | 'priors'>): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
  return tf.tidy(() => {
    const { absent, present } = config.priors;
    const on = expandLabelsToSubspaces(y, config.wDim);
    const mix = (a: number, b: number) => tf.add(a, tf.mul(on, b - a)) as tf.Tensor2D;
    return { mu: mix(absent.mean, present.mean), logVar: mix(2 * Math.log(absent.std), 2 * Math.log(present.std)) };
  });
}

/** KL(q(w | x, y) ‖ p(w | y)) = Σ_i KL(N(μ_i, σ_i²) ‖ p(w_i | y_i)), per example. */
export function subspacePriorKl(muW: tf.Tensor2D, logVarW: tf.Tensor2D, y: tf.Tensor2D, config: Pick<CsvaeConfig, 'wDim' | 'priors'>): tf.Tensor1D {
  return tf.tidy(() => {
    const prior = subspacePrior(y, config);
    return klBetweenDiagonalGaussians(muW, logVarW, prior.mu, prior.logVar) as tf.Tensor1D;
  });
}
