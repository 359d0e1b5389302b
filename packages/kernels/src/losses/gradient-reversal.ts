/**
 * Gradient-manipulating identities built with `tf.customGrad`: gradient reversal (Ganin &
 * Lempitsky 2015, "Unsupervised domain adaptation by backpropagation", the gradient
 * reversal layer R_λ) and stop-gradient, which tfjs-core 4.22 does not provide.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradient reversal R_λ(x) (Ganin & Lempitsky 2015, eq. 12–13): forward R_λ(x) = x,
 * backward dR_λ/dx = −λ·I, so upstream gradients reach `x` multiplied by −λ. Lets one
 * optimiser step train an encoder to fool an adversary (e.g. CSVAE's q_δ(y|z)) that
 * the same step trains to succeed. λ must be finite; it may change between calls
 * (a schedule).
 */
export function gradientReversal<T extends tf.Tensor>(x: T, lambda = 1): T {
  if (!Number.isFinite(lambda)) throw new Error(`gradientReversal: lambda must be finite, got ${lambda}`);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.scalar(-lambda, dy.dtype)),
  }));
  return op(x) as T;
}

/**
 * Stop-gradient sg(x) (tf.stop_gradient / torch's detach): forward sg(x) = x, backward
 * dsg/dx = 0. Used for the straight-through identity y_hard + (y_soft − sg(y_soft)) and
 * for the max shift in log-sum-exp.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return op(x) as T;
}
