/**
 * Numerically stable log-sum-exp family. tf.logSumExp shifts by the max too, but returns
 * NaN when a whole slice is −∞ (−∞ − (−∞)); tf.logSoftmax only works on the last axis.
 * These versions shift by a stop-gradient max that is replaced by 0 where it is not
 * finite, so an all −∞ slice gives −∞, +∞ gives +∞, and the gradient is exactly softmax.
 */
import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../losses/gradient-reversal';

function normaliseAxis(fn: string, x: tf.Tensor, axis: number): number {
  if (!Number.isInteger(axis) || axis < -x.rank || axis >= x.rank) {
    throw new Error(`${fn}: axis ${axis} is out of range for a tensor of shape [${x.shape}]`);
  }
  return axis < 0 ? axis + x.rank : axis;
}

/**
 * log Σ_i exp(x_i) along `axis`, computed as m + log Σ_i exp(x_i − m) with
 * m = sg(max_i x_i) (0 where the max is ±∞ or NaN). ∂/∂x_i = softmax(x)_i.
 */
export function logSumExp(x: tf.Tensor, axis = -1, keepDims = false): tf.Tensor {
  const ax = normaliseAxis('logSumExp', x, axis);
  return tf.tidy(() => {
    const rawMax = stopGradient(tf.max(x, ax, true));
    const shift = tf.where(tf.isFinite(rawMax), rawMax, tf.zerosLike(rawMax));
    const out = tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, shift)), ax, true)), shift);
    return keepDims ? out : tf.squeeze(out, [ax]);
  });
}

/**
 * log( (1/n) Σ_i exp(x_i) ) = logSumExp(x) − log n along `axis` (n = x.shape[axis]); the
 * importance-weighted bound of Burda et al. 2016 (IWAE) is logMeanExp over samples of
 * log p(x, z_k) − log q(z_k | x).
 */
export function logMeanExp(x: tf.Tensor, axis = -1, keepDims = false): tf.Tensor {
  const ax = normaliseAxis('logMeanExp', x, axis);
  return tf.tidy(() => tf.sub(logSumExp(x, ax, keepDims), Math.log(x.shape[ax])));
}

/**
 * log softmax(x)_i = x_i − log Σ_j exp(x_j) along `axis` (any axis, unlike tf.logSoftmax);
 * ∂/∂x_j of Σ_i g_i · logSoftmax_i = g_j − softmax_j Σ_i g_i.
 */
export function logSoftmax(x: tf.Tensor, axis = -1): tf.Tensor {
  const ax = normaliseAxis('logSoftmax', x, axis);
  return tf.tidy(() => tf.sub(x, logSumExp(x, ax, true)));
}

/** softmax(x)_i = exp(logSoftmax(x)_i) along `axis` (any axis). */
export function softmax(x: tf.Tensor, axis = -1): tf.Tensor {
  return tf.tidy(() => tf.exp(logSoftmax(x, axis)));
}
