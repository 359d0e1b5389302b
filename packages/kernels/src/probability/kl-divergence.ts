/**
 * Closed-form KL divergences between diagonal Gaussians, the regularisers of every VAE in
 * this project. All take the posterior as (μ, log σ²) and reduce per example: the
 * elementwise terms are summed over every axis but the first (see `sumPerExample`), so
 * [batch, d] inputs give a [batch] tensor of nats. Average over the batch yourself.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertSameShape, sumPerExample } from './gaussian';

/**
 * KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1) per example (Kingma & Welling
 * 2014, appendix B; the VAE's regulariser).
 */
export function klToStandardNormal(mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  assertSameShape('klToStandardNormal', 'mu', mu, 'logVar', logVar);
  return tf.tidy(() => {
    const terms = tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), logVar), 1);
    return tf.mul(sumPerExample(terms, 'klToStandardNormal'), 0.5);
  });
}

/**
 * KL(N(μ_q, σ_q²) ‖ N(μ_p, σ_p²)) for diagonal Gaussians, per example:
 * ½ Σ_j (log σ_p,j² − log σ_q,j² + (σ_q,j² + (μ_q,j − μ_p,j)²) / σ_p,j² − 1).
 * (The standard result, e.g. Kingma et al. 2014's M2 or CSVAE's KL(q(w|x,y) ‖ p(w|y)).)
 * `muQ` and `logVarQ` must have the same shape; `muP` and `logVarP` must broadcast to it
 * (e.g. a [1, d] prior for a [batch, d] posterior).
 */
export function klBetweenDiagonalGaussians(
  muQ: tf.Tensor,
  logVarQ: tf.Tensor,
  muP: tf.Tensor,
  logVarP: tf.Tensor,
): tf.Tensor {
  const fn = 'klBetweenDiagonalGaussians';
  assertSameShape(fn, 'muQ', muQ, 'logVarQ', logVarQ);
  for (const [name, p] of [['muP', muP], ['logVarP', logVarP]] as const) {
    let ok = p.rank <= muQ.rank;
    if (ok) {
      try {
        ok = tf.util.arraysEqual(tf.broadcast_util.assertAndGetBroadcastShape(muQ.shape, p.shape), muQ.shape);
      } catch {
        ok = false;
      }
    }
    if (!ok) throw new Error(`${fn}: ${name} has shape [${p.shape}], which does not broadcast to muQ's shape [${muQ.shape}]`);
  }
  return tf.tidy(() => {
    const ratio = tf.mul(tf.add(tf.exp(logVarQ), tf.squaredDifference(muQ, muP)), tf.exp(tf.neg(logVarP)));
    const terms = tf.sub(tf.add(tf.sub(logVarP, logVarQ), ratio), 1);
    return tf.mul(sumPerExample(terms, fn), 0.5);
  });
}

/**
 * KL(N(μ, σ²) ‖ N(m·1, s²I)) per example:
 * ½ Σ_j (log s² − log σ_j² + (σ_j² + (μ_j − m)²) / s² − 1).
 * For fixed isotropic priors: JDVAE's p(u|y=0) = N(0, 0.1 I) (PA2, paper 001 §2.1) and
 * CSVAE's per-label priors on the subspace W (paper 004). `priorVariance` is s² (> 0),
 * `priorMean` is m.
 */
export function klToIsotropicGaussian(mu: tf.Tensor, logVar: tf.Tensor, priorVariance: number, priorMean = 0): tf.Tensor {
  const fn = 'klToIsotropicGaussian';
  assertSameShape(fn, 'mu', mu, 'logVar', logVar);
  if (!(priorVariance > 0) || !Number.isFinite(priorVariance)) {
    throw new Error(`${fn}: priorVariance must be a finite number > 0, got ${priorVariance}`);
  }
  if (!Number.isFinite(priorMean)) throw new Error(`${fn}: priorMean must be finite, got ${priorMean}`);
  return tf.tidy(() => {
    const ratio = tf.div(tf.add(tf.exp(logVar), tf.square(tf.sub(mu, priorMean))), priorVariance);
    const terms = tf.sub(tf.add(tf.sub(Math.log(priorVariance), logVar), ratio), 1);
    return tf.mul(sumPerExample(terms, fn), 0.5);
  });
}
