/**
 * Decoder log-likelihoods log p(x | z) and their stable building blocks. The per-example
 * versions sum the elementwise terms over every axis but the first (see `sumPerExample`):
 * [batch, h, w, c] images give a [batch] tensor of nats. Negate for a reconstruction loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertSameShape, sumPerExample } from './gaussian';
import { logSoftmax } from './log-sum-exp';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/**
 * softplus(x) = log(1 + eˣ), computed as max(x, 0) + log(1 + e^{−|x|}) so it neither
 * overflows for large x nor loses x for large negative x. The gradient is set by hand to
 * its exact value σ(x) = 1 / (1 + e^{−x}) (autodiff of max and |x| would give 0 instead of
 * ½ at x = 0).
 */
export function logOnePlusExp(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([input]);
    const value = tf.add(tf.relu(input), tf.log1p(tf.exp(tf.neg(tf.abs(input)))));
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sigmoid(saved[0])),
    };
  });
  return op(x);
}

/**
 * Elementwise binary cross-entropy with logits x and targets t ∈ [0, 1]:
 * −[t log σ(x) + (1 − t) log(1 − σ(x))] = max(x, 0) − x·t + log(1 + e^{−|x|})
 * (the stable form of TensorFlow's sigmoid_cross_entropy_with_logits). ∂/∂x = σ(x) − t,
 * ∂/∂t = −x. No reduction.
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  assertSameShape('bceWithLogits', 'logits', logits, 'targets', targets);
  return tf.tidy(() => tf.sub(logOnePlusExp(logits), tf.mul(logits, targets)));
}

/**
 * Bernoulli log-likelihood from logits, per example: log p(x | z) = Σ_i [x_i log σ(ℓ_i) +
 * (1 − x_i) log(1 − σ(ℓ_i))] = −Σ_i bceWithLogits(ℓ_i, x_i). Targets may be grey levels in
 * [0, 1] (the continuous relaxation used for MNIST-like images).
 */
export function bernoulliLogLikelihood(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  assertSameShape('bernoulliLogLikelihood', 'logits', logits, 'targets', targets);
  return tf.tidy(() => tf.neg(sumPerExample(bceWithLogits(logits, targets), 'bernoulliLogLikelihood')));
}

/**
 * Diagonal Gaussian log-density, per example:
 * log N(x; μ, diag σ²) = −½ Σ_i (log 2π + log σ_i² + (x_i − μ_i)² e^{−log σ_i²}).
 * Used for a decoder with learned variance and for log q(z | x) in importance weighting.
 */
export function gaussianLogLikelihood(x: tf.Tensor, mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  const fn = 'gaussianLogLikelihood';
  assertSameShape(fn, 'x', x, 'mu', mu);
  assertSameShape(fn, 'mu', mu, 'logVar', logVar);
  return tf.tidy(() => {
    const terms = tf.add(tf.add(logVar, LOG_TWO_PI), tf.mul(tf.squaredDifference(x, mu), tf.exp(tf.neg(logVar))));
    return tf.mul(sumPerExample(terms, fn), -0.5);
  });
}

/**
 * Gaussian log-density with a fixed scalar variance σ², per example:
 * log N(x; μ, σ² I) = −½ Σ_i ((x_i − μ_i)² / σ² + log 2πσ²). With σ² = 1 this is the
 * "MSE" reconstruction term up to the constant −½ n log 2π.
 */
export function gaussianLogLikelihoodFixedVariance(x: tf.Tensor, mu: tf.Tensor, variance = 1): tf.Tensor {
  const fn = 'gaussianLogLikelihoodFixedVariance';
  assertSameShape(fn, 'x', x, 'mu', mu);
  if (!(variance > 0) || !Number.isFinite(variance)) throw new Error(`${fn}: variance must be a finite number > 0, got ${variance}`);
  return tf.tidy(() => {
    const terms = tf.add(tf.div(tf.squaredDifference(x, mu), variance), Math.log(2 * Math.PI * variance));
    return tf.mul(sumPerExample(terms, fn), -0.5);
  });
}

/**
 * Categorical log-likelihood from logits ℓ (classes on the last axis) and one-hot or soft
 * targets t, per example: Σ_k t_k log softmax(ℓ)_k (the negative cross-entropy; e.g.
 * log q(y | x) of the M2 / JDVAE classifier).
 */
export function categoricalLogLikelihood(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  assertSameShape('categoricalLogLikelihood', 'logits', logits, 'targets', targets);
  return tf.tidy(() => sumPerExample(tf.mul(targets, logSoftmax(logits, -1)), 'categoricalLogLikelihood'));
}
