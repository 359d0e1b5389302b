/**
 * The criteria of paper 000 (Zhang et al. 2020), on images with pixels in [0, 1]. Per image,
 * averaged over the batch.
 *
 * Generator (Enc, Dec, f), the negative ELBO of eq. 1 plus the adversarial terms:
 *
 *   L_G = w_rec · Σ_pixels (x − Dec(z_u, z_s(c)))²          −E log p(x | z_u, z_s), Gaussian of variance
 *                                                          v = 1/(2 w_rec) up to a constant
 *       + w_kl  · KL(q(z_u | x, c) ‖ N(0, I))              eq. 1's second term (the third is 0: z_s is a Dirac)
 *       + w_adv · L_G^adv
 *
 *   L_G^adv = −E[D(x_rec, c)] − E[D(x_exc, c')] − E[D(x_pri, c)]
 *
 * with x_rec = Dec(z_u, z_s(c)), z_u ~ q(z_u | x, c); x_exc = Dec(z_u, z_s(c')) for another
 * label c'; x_pri = Dec(z_u, z_s(c)) with z_u ~ N(0, I). The paper gives neither L_G^adv nor
 * the weights. L_G^adv is the hinge generator loss of the cited SPADE and projection-
 * discriminator work (Park et al. 2019; Miyato & Koyama 2018), over the same three fakes
 * eq. 3 shows D; the weights are chosen in the README.
 *
 * Discriminator, eq. 3 (hinge; Lim & Ye 2017):
 *
 *   L_D = E[max(0, 1 − D(x, c))] + E[max(0, 1 + D(x_rec, c))] + E[max(0, 1 + D(x_exc, c'))] + E[max(0, 1 + D(x_pri, c))]
 */
import * as tf from '@tensorflow/tfjs-core';
import { hingeDiscriminatorLoss, hingeGeneratorLoss, klToStandardNormal } from '@disentangle/kernels';

/** Σ_pixels (x − x̂)² per image, averaged over the batch (not yet weighted). */
export function reconstructionError(x: tf.Tensor, reconstruction: tf.Tensor): tf.Scalar {
  if (!tf.util.arraysEqual(x.shape, reconstruction.shape)) throw new Error(`reconstructionError: x is [${x.shape}] but the reconstruction is [${reconstruction.shape}]`);
  return tf.tidy(() => tf.div(tf.sum(tf.squaredDifference(x, reconstruction)), x.shape[0]) as tf.Scalar);
}

/** KL(q(z_u | x, c) ‖ N(0, I)) summed over z_u's values (any shape), averaged over the batch. */
export function freeCodeKl(mu: tf.Tensor, logVar: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(klToStandardNormal(mu, logVar)) as tf.Scalar);
}

/** The scores D gives one batch: real images, then the three fakes of eq. 3. */
export interface DiscriminatorScores {
  real: tf.Tensor1D;
  reconstructed: tf.Tensor1D;
  exchanged: tf.Tensor1D;
  prior: tf.Tensor1D;
}

/** Eq. 3: L_D with its four hinge terms. */
export function discriminatorHingeLoss(scores: DiscriminatorScores): tf.Scalar {
  return hingeDiscriminatorLoss(scores.real, [scores.reconstructed, scores.exchanged, scores.prior]) as tf.Scalar;
}

/** L_G^adv = −E[D(x_rec, c)] − E[D(x_exc, c')] − E[D(x_pri, c)]. */
export function generatorHingeLoss(scores: Omit<DiscriminatorScores, 'real'>): tf.Scalar {
  return hingeGeneratorLoss([scores.reconstructed, scores.exchanged, scores.prior]) as tf.Scalar;
}
