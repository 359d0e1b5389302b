/**
 * Diagonal Gaussians as VAEs use them: the encoder outputs (μ, log σ²) and the latent is
 * drawn with the reparameterisation trick of Kingma & Welling 2014 ("Auto-encoding
 * variational Bayes", §2.4 and eq. 10), so gradients reach μ and log σ² through the sample.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defaultRandom, SeededRandom } from '../random/seeded-random';

/** Throws an Error naming both arguments and their shapes unless `a` and `b` have the same shape. */
export function assertSameShape(fn: string, nameA: string, a: tf.Tensor, nameB: string, b: tf.Tensor): void {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new Error(`${fn}: ${nameA} has shape [${a.shape}] but ${nameB} has shape [${b.shape}]; they must match`);
  }
}

/**
 * Per-example sum: s_b = Σ_{i,j,…} t[b, i, j, …], summing every axis but the first (the
 * batch axis), so [batch, d] → [batch] and [batch, h, w, c] → [batch]. A rank-1 input is
 * returned as is (one term per example); a scalar is rejected.
 */
export function sumPerExample(t: tf.Tensor, fn = 'sumPerExample'): tf.Tensor {
  if (t.rank < 1) throw new Error(`${fn}: expected a batch axis, got a scalar`);
  if (t.rank === 1) return tf.clone(t);
  const axes: number[] = [];
  for (let axis = 1; axis < t.rank; axis++) axes.push(axis);
  return tf.sum(t, axes);
}

/** σ = exp(½ · log σ²), the standard deviation from a log-variance. */
export function gaussianStd(logVar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.exp(tf.mul(logVar, 0.5)));
}

/**
 * Reparameterised sample z = μ + exp(½ · log σ²) ⊙ ε, ε ~ N(0, I) (Kingma & Welling 2014,
 * eq. 10 with g(ε, x) = μ + σ ⊙ ε). ∂z/∂μ = 1 and ∂z/∂log σ² = ½ σ ⊙ ε; ε carries no
 * gradient. ε is `noise` when it is a tensor (shape of μ), drawn from `noise` when it is a
 * `SeededRandom`, and from the process-wide `defaultRandom()` stream when omitted.
 */
export function sampleGaussian(mu: tf.Tensor, logVar: tf.Tensor, noise?: tf.Tensor | SeededRandom): tf.Tensor {
  assertSameShape('sampleGaussian', 'mu', mu, 'logVar', logVar);
  if (noise instanceof tf.Tensor) assertSameShape('sampleGaussian', 'mu', mu, 'noise', noise);
  return tf.tidy(() => {
    const epsilon = noise instanceof tf.Tensor ? noise : (noise ?? defaultRandom()).normal(mu.shape);
    return tf.add(mu, tf.mul(gaussianStd(logVar), epsilon));
  });
}

/**
 * Splits an encoder output h of shape [..., 2d] along its last axis into (μ, log σ²) =
 * (h[..., :d], h[..., d:]), the usual layout of a Gaussian encoder's final dense layer.
 */
export function splitMeanLogVar(h: tf.Tensor): { mu: tf.Tensor; logVar: tf.Tensor } {
  const last = h.shape[h.rank - 1];
  if (h.rank < 1 || last % 2 !== 0) {
    throw new Error(`splitMeanLogVar: h must have an even last dimension (2·latent), got shape [${h.shape}]`);
  }
  const [mu, logVar] = tf.split(h, 2, -1);
  return { mu, logVar };
}
