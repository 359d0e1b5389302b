/**
 * Gumbel-softmax / Concrete relaxation of a categorical sample (Jang, Gu & Poole 2017,
 * "Categorical reparameterization with Gumbel-softmax", eq. 1–2 and §2.2; Maddison et al.
 * 2017). JDVAE (paper 001) samples an unknown label y from q(y|x) this way.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, defaultRandom } from '../random/seeded-random';
import { stopGradient } from '../losses/gradient-reversal';
import { assertSameShape } from './gaussian';
import { softmax } from './log-sum-exp';

export interface GumbelSoftmaxOptions {
  /**
   * Straight-through (Jang et al. 2017, §2.2): the forward value is the one-hot
   * y_hard = onehot(argmax_k y_soft,k) and the gradient is that of y_soft. Default false.
   */
  hard?: boolean;
  /**
   * Gumbel noise g: a tensor of logits' shape (standard Gumbel samples), or a
   * `SeededRandom` to draw it from. Default: the process-wide `defaultRandom()` stream.
   */
  noise?: tf.Tensor | SeededRandom;
}

/**
 * y_soft = softmax((ℓ + g) / τ) over the last axis, g_k ~ Gumbel(0, 1) i.i.d. (Jang et al.
 * 2017, eq. 2; `logits` ℓ may be unnormalised log-probabilities). As τ → 0 the sample
 * becomes one-hot at argmax_k(ℓ_k + g_k), which is distributed as Categorical(softmax ℓ).
 * With `hard`, returns y_hard + (y_soft − sg(y_soft)): the straight-through identity
 * y_hard − sg(y_soft) + y_soft, grouped so that the forward value is exactly one-hot by
 * construction (y_soft − sg(y_soft) is x − x = 0 in any floating-point arithmetic), while
 * ∂/∂ℓ is that of y_soft.
 * Requires τ > 0.
 */
export function gumbelSoftmax(logits: tf.Tensor, temperature: number, options: GumbelSoftmaxOptions = {}): tf.Tensor {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new Error(`gumbelSoftmax: temperature must be a finite number > 0, got ${temperature}`);
  }
  if (logits.rank < 1) throw new Error('gumbelSoftmax: logits must have a class axis (last), got a scalar');
  const { hard = false, noise } = options;
  if (noise instanceof tf.Tensor) assertSameShape('gumbelSoftmax', 'logits', logits, 'noise', noise);
  return tf.tidy(() => {
    const gumbel = noise instanceof tf.Tensor ? noise : (noise ?? defaultRandom()).gumbel(logits.shape);
    const ySoft = softmax(tf.div(tf.add(logits, gumbel), temperature), -1);
    if (!hard) return ySoft;
    const classes = logits.shape[logits.rank - 1];
    const yHard = tf.cast(tf.oneHot(tf.argMax(ySoft, -1), classes), 'float32');
    return tf.add(yHard, tf.sub(ySoft, stopGradient(ySoft)));
  });
}
