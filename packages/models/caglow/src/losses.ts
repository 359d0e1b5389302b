/**
 * CAGlow's losses (paper 003, §3.2–3.3, eqs. 9–15), on the supervision block's raw outputs.
 * z* = F(x) are real latents (the flow's, p*(z)); z' = E(c̃, ε) generated ones (p_θ(z)).
 * D_i(z) = σ(d(z)) for the discriminator logit d. Every E[·] is a batch mean.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bceWithLogits, nonSaturatingDiscriminatorLoss, nonSaturatingGeneratorLoss } from '@disentangle/kernels';
import type { UnsupervisedCode } from '@disentangle/kernels';

/**
 * Eq. 10, the encoder's adversarial loss: L_E = −E_{ε, c̃}[log D_i(E(c̃, ε))], the
 * non-saturating generator loss on the logits of generated latents.
 */
export function encoderAdversarialLoss(fakeLogits: tf.Tensor): tf.Scalar {
  return nonSaturatingGeneratorLoss(fakeLogits) as tf.Scalar;
}

/**
 * Eq. 11, the discriminator's loss. As printed, L_Di = −E_{z*}[log D_i(z)] − E_{z'}[1 − log D_i(z)];
 * read literally its second term is E[log D_i(z')] − 1, which D_i would drive to −∞ by pushing
 * D_i(z') to 0 without bound, and whose "1 −" does nothing for the gradient. Eq. 8 states the
 * aim (−JS(p_θ ‖ p*), ACGAN's L_s of eq. 2), so we implement the standard GAN form the misprint
 * stands for: L_Di = −E_{z*}[log D_i(z)] − E_{z'}[log(1 − D_i(z))].
 */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return nonSaturatingDiscriminatorLoss(realLogits, fakeLogits) as tf.Scalar;
}

/**
 * Eq. 13, the decoder's loss −E[log q_φ(c_u | z')] on generated latents: §3.2 models
 * continuous codes as uniform with a squared-error reconstruction (a Gaussian q with fixed
 * variance, up to constants) and discrete ones as binomial with a binary cross-entropy.
 * Summed over the codes, averaged over the batch. `predicted`: D_e's outputs [n, U] (values
 * for continuous codes, logits for discrete ones), in `codes` order.
 */
export function codeReconstructionLoss(codes: readonly UnsupervisedCode[], predicted: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  if (predicted.shape[1] !== codes.length || target.shape[1] !== codes.length) {
    throw new Error(`codeReconstructionLoss: ${codes.length} codes, but predicted has ${predicted.shape[1]} columns and target ${target.shape[1]}`);
  }
  return tf.tidy(() => {
    const continuous = tf.tensor1d(codes.map((c) => (c.kind === 'continuous' ? 1 : 0)));
    const squared = tf.square(tf.sub(predicted, target));
    const binary = bceWithLogits(predicted, target);
    const perCode = tf.add(tf.mul(squared, continuous), tf.mul(binary, tf.sub(1, continuous)));
    return tf.mean(tf.sum(perCode, -1)) as tf.Scalar;
  });
}

/**
 * Eq. 14, pairwise feature matching: L_FM = ½ ‖f(z) − f(z')‖², where z is a real latent and z'
 * the latent E generates for the same conditions, and f the supervision block's trunk
 * features. Per pair, summed over features, averaged over the batch.
 */
export function pairwiseFeatureMatchingLoss(realFeatures: tf.Tensor2D, fakeFeatures: tf.Tensor2D): tf.Scalar {
  if (realFeatures.shape.join() !== fakeFeatures.shape.join()) {
    throw new Error(`pairwiseFeatureMatchingLoss: real features [${realFeatures.shape}] and fake [${fakeFeatures.shape}] must pair up row by row`);
  }
  return tf.tidy(() => tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(realFeatures, fakeFeatures)), -1))) as tf.Scalar);
}
