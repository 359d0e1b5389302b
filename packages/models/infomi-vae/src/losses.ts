/**
 * The losses of paper 002 (Tang, Zhou, He & Ma 2020; the slides are all we have, so each
 * formula says where it comes from and what we reconstructed). Every function returns the
 * batch mean of a per-example quantity (sums over pixels, features and attributes), so the
 * weights in `InfomiWeights` scale comparable numbers.
 *
 * Notation: x a real image, x̃ an independent real image (`fusion pairs`), z1 ~ Q1(·|x),
 * z̃2 ~ Q2(·|x̃), x̂ = G(z1, z̃2) the fused image.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bceWithLogits, stopGradient, klBetweenDiagonalGaussians, klToStandardNormal, nonSaturatingDiscriminatorLoss, nonSaturatingGeneratorLoss } from '@disentangle/kernels';

/**
 * The partitioned VAE's negative ELBO ("auto-encoding: x → (z1, z2) → x", slide 3),
 * reconstructed as the usual VAE bound with a factorised posterior Q1(z1|x) Q2(z2|x) and
 * priors p(z1) = N(0, I), p(z2 | y) = N(y, s² I) (the label prior is how "z2 is trained
 * with its label"; the slides do not say how, this is CSVAE's device, paper 004):
 *
 *   L_VAE = w_rec Σ_pixels (x − G(z1, z2))² + w_1 KL(Q1(z1|x) ‖ N(0, I)) + w_2 KL(Q2(z2|x) ‖ N(y, s² I))
 *
 * The squared error is −log N(x; G(z1, z2), σ² I) up to a constant, with σ² = 1/(2 w_rec).
 */
export function reconstructionLoss(x: tf.Tensor, decoded: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sum(tf.reshape(tf.squaredDifference(x, decoded), [x.shape[0], -1]), 1)) as tf.Scalar);
}

/** KL(N(μ1, σ1²) ‖ N(0, I)), summed over z1's coordinates, batch mean. */
export function klZ1Loss(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(klToStandardNormal(mu, logVar)) as tf.Scalar);
}

/** KL(N(μ2, σ2²) ‖ N(y, s² I)), summed over the attributes, batch mean. */
export function klZ2Loss(mu: tf.Tensor2D, logVar: tf.Tensor2D, labels: tf.Tensor2D, priorStd: number): tf.Scalar {
  return tf.tidy(() => tf.mean(klBetweenDiagonalGaussians(mu, logVar, labels, tf.fill([1, labels.shape[1]], 2 * Math.log(priorStd)))) as tf.Scalar);
}

/**
 * The information losses on z̃2 (slide "Optimizable lower bounds"):
 *
 *   I(z̃2; x̂ | z1) ≥ E[log q(z̃2 | z1, x̂)] + H(z̃2 | z1)
 *
 * and with z̃2 independent of z1 (they come from different images) H(z̃2 | z1) = H(z̃2) is a
 * constant, so one minimises L_f1 = −E[log q(z̃2 | z1, x̂)], "the reconstruction loss of z̃2".
 * With a Bernoulli q it is the cross-entropy
 *
 *   L_f1 = −Σ_k [t_k log σ(ℓ_k) + (1 − t_k) log(1 − σ(ℓ_k))],   ℓ = q(z1, x̂) (logits),
 *
 * where the target t = clip(z̃2, 0, 1) is z̃2 read as the Bernoulli parameter it stands for
 * (under our prior z̃2 ≈ ỹ ± s). InfoGAN's L_s (Chen et al. 2016, the slides' "VAE+L_s") is
 * the same cross-entropy with a readout q(x̂) that does not see z1 — a bound on the
 * unconditional I(z̃2; x̂), which z1 can share (the slides' "entanglement of information").
 * The targets carry no gradient: the loss trains q and G, not the code it reads back.
 */
export function codeReadoutLoss(logits: tf.Tensor2D, codes: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const targets = stopGradient(tf.clipByValue(codes, 0, 1));
    return tf.mean(tf.sum(bceWithLogits(logits, targets), 1)) as tf.Scalar;
  });
}

/**
 * The second bound (slide "Or maximize"): I(z̃2; x̂ | z1) ≥ E[log q*(f(x̃) | z1, x̂)] + H(f(x)),
 * because f(x̃) is a function of x̃, which z̃2 was encoded from. With a Gaussian q* centred
 * on f(x̂) the log-likelihood is, up to constants, the slides' feature reconstruction
 *
 *   L_f2 = E ‖f(G(z1, z̃2)) − f(x̃)‖²₂
 *
 * f is a feature extractor; the slides do not say which. Ours (no pretrained weights exist
 * here) is the penultimate layer of an attribute classifier trained beside the model on
 * real labelled images (its own phase, `attributeExtractorLoss`); L_f2 trains G only, f is
 * not updated by it (else f could collapse to a constant and zero the loss).
 */
export function featureReconstructionLoss(fusedFeatures: tf.Tensor2D, sourceFeatures: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sum(tf.squaredDifference(fusedFeatures, stopGradient(sourceFeatures)), 1)) as tf.Scalar);
}

/** What trains f: the attribute classifier's cross-entropy on real images, Σ_k BCE(ℓ_k, y_k), batch mean. */
export function attributeExtractorLoss(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sum(bceWithLogits(logits, labels), 1)) as tf.Scalar);
}

/**
 * The conditional GAN (slide "The use of CGAN"). D estimates the Jensen–Shannon divergence
 * between real pairs P(z2, x') and fused pairs P(z̃2, x̂):
 *
 *   L_D = −2 JSD(P(z2, x') ‖ P(z̃2, x̂)) + log 4 = E[log D(z2, x') + log(1 − D(z̃2, x̂))],
 *
 * which D maximises; as a loss to minimise over D's logits d (D = σ(d)),
 *
 *   −L_D = E[softplus(−d(z2, x'))] + E[softplus(d(z̃2, x̂))].
 *
 * Our real pair is (z̃2, x̃) — x̃ with its own code, a draw from P(z2, x') — so D judges x̂
 * against the image its code came from.
 */
export function conditionalDiscriminatorLoss(realLogits: tf.Tensor, fusedLogits: tf.Tensor): tf.Scalar {
  return nonSaturatingDiscriminatorLoss(realLogits, fusedLogits) as tf.Scalar;
}

/** The generator's side, as on the slide: L_GAN = −E[log D(z̃2, x̂)] = E[softplus(−d(z̃2, x̂))]. */
export function conditionalGeneratorLoss(fusedLogits: tf.Tensor): tf.Scalar {
  return nonSaturatingGeneratorLoss(fusedLogits) as tf.Scalar;
}

/**
 * The fusion partner of each row: x̃_i = x_{(i+1) mod n}, a derangement of the batch, so
 * every fused image takes its z̃2 from a different, independently drawn image (slide 3:
 * "x ~ P_r, x̃ ~ P_r"). Batches are shuffled, so neighbours are independent draws.
 */
export function fusionPartners<T extends tf.Tensor>(t: T): T {
  return tf.tidy(() => {
    const n = t.shape[0];
    if (n < 2) throw new Error(`fusion needs at least 2 examples per batch (x̃ must be a different image), got ${n}`);
    return tf.concat([tf.slice(t, [1], [n - 1]), tf.slice(t, [0], [1])], 0) as T;
  });
}
