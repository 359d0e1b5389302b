/**
 * The criteria of paper 001 (Zou et al. 2022) and of its baselines, as per-example terms
 * ([batch] tensors, to be minimised); the model assembles them (models/joint-vae.ts).
 *
 * Labels: each of the K binary labels is a 2-class distribution, so y is [batch, K, 2]
 * (one-hot when known, a Gumbel-softmax sample when not) and q(y | x) is log-probabilities
 * [batch, K, 2]. "y_k = 1" below is y[:, k, 1].
 *
 * Eq. 4 (the paper's criterion, per pixel; negated here), for a labelled x:
 *
 *   ℓ(x, y) = β KL(q(z|x,y) ‖ N(0, I)) + β KL(q(u|x,y) ‖ p(u|y)) + R(x) − β log p(y) − α log q(y|x)
 *   R(x)    = −(1/N) E log N(x; d(y, z, u), vI) = (1/N) Σ_pixels ½ (x' − d')²  (+ const)
 *
 * with v = 1 on the paper's [−1, 1] pixels x' = 2x − 1 (ours are in [0, 1], so
 * R = (2/N) Σ (x − d)²; the constant ½ log 2π is dropped), N the values per image, p(y) = ½
 * per label, and the u-KL of a label that is on weighted by 1/100 (§3, "its weight (for
 * y = 1) has been divided by 100"):
 *
 *   KL(q(u|x,y) ‖ p(u|y)) = Σ_k [ y_k · c_on · KL(q(u_k) ‖ N(0, I))
 *                                 + (1 − y_k) · KL(q(u_k) ‖ p(u_k | y_k = 0)) ]
 *
 * where p(u_k | y_k = 0) is a Dirac at 0 for PA1 (the term vanishes: q is the same Dirac,
 * "both distributions are equal") and N(0, 0.1 I) for PA2.
 *
 * An unlabelled x (§2.2, "we sample y, as in [6], from q(y|x) using a Gumbel-softmax
 * relaxation"): y is a relaxed sample ỹ and the label terms become the ELBO's
 * E_q(y|x)[log q(y|x) − log p(y)], weighted by β like the other non-likelihood terms:
 *
 *   ℓ(x) = β KL_z + β KL_u(ỹ) + R(x; ỹ) + β Σ_k Σ_c ỹ_kc (log q(y_k = c | x) − log ½)
 *
 * CCVAE (Joy, Schmon, Torr, Siddharth & Rainforth 2021, "Capturing label characteristics in
 * VAEs", eq. 4 and §3; the paper we reproduce does not write it): latent z = (u, z_\c), u
 * the label's characteristic code, classifier q(y | u), learned conditional prior p(u | y),
 * decoder d(z, u). With q(y | x) = ∫ q(y | u) q(u | x) du ≈ (1/S) Σ_s q(y | u_s):
 *
 *   labelled:   −L(x, y) = −E_q(z|x)[ w · (log p(x|z) + log p(z|y) − log q(z|x) − log q(y|u)) ]
 *                          − log q(y|x) − log p(y),        w = q(y|u) / q(y|x)
 *   unlabelled: −L(x)    = −E_q(z|x)q(y|u)[ log p(x|z) + log p(z|y) + log p(y) − log q(y|u) − log q(z|x) ]
 *
 * We use the Gaussian KLs in closed form for E[log p(z|y) − log q(z|x)] (the authors' pyro
 * code uses the single-sample log-densities), and, like the authors, evaluate q(y | u) on a
 * stopped-gradient u inside w and the −log q(y|u) term ("detach to reduce variance of
 * gradients"), while q(y | x) passes gradients to the encoder. The authors sample the
 * unlabelled y discretely (a score-function gradient to the classifier); we relax it with
 * the same Gumbel-softmax as PA1/PA2, so every model treats unknown labels alike. CCVAE2
 * keeps this structure with eq. 4's per-pixel R and β; CCVAE keeps the authors' unweighted
 * ELBO with a Laplace(d, 1) likelihood summed over pixels (their `likelihood`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { klBetweenDiagonalGaussians, klToIsotropicGaussian, klToStandardNormal, logMeanExp, logSoftmax, sumPerExample } from '@disentangle/kernels';
import type { FeaturePrior, Likelihood } from './config';

const LOG_HALF = Math.log(0.5);

/** R(x) of eq. 4: (1/N) Σ ½ ((2x − 1) − (2d − 1))² = (2/N) Σ (x − d)², per example. */
export function gaussianPixelReconstruction(x: tf.Tensor, mean: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const n = x.size / x.shape[0];
    return tf.mul(sumPerExample(tf.squaredDifference(x, mean)), 2 / n) as tf.Tensor1D;
  });
}

/** CCVAE's −log Laplace(x; d, 1) summed over pixels: Σ |x − d| + N log 2, per example. */
export function laplaceReconstruction(x: tf.Tensor, mean: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const n = x.size / x.shape[0];
    return tf.add(sumPerExample(tf.abs(tf.sub(x, mean))), n * Math.log(2)) as tf.Tensor1D;
  });
}

export function reconstructionTerm(likelihood: Likelihood, x: tf.Tensor, mean: tf.Tensor): tf.Tensor1D {
  return likelihood === 'laplace' ? laplaceReconstruction(x, mean) : gaussianPixelReconstruction(x, mean);
}

/** log q(y_k = c | x) from logits [batch, K, 2]: a softmax per label. */
export function labelLogProbabilities(logits: tf.Tensor3D): tf.Tensor3D {
  return logSoftmax(logits, -1) as tf.Tensor3D;
}

/** −log q(y | x) = −Σ_k Σ_c y_kc log q(y_k = c | x) for known (one-hot) y, per example. */
export function labelNll(logProbabilities: tf.Tensor3D, y: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(y, logProbabilities), [1, 2])) as tf.Tensor1D);
}

/** −log p(y) with p(y_k) = ½: K log 2 (a constant; eq. 4's "β log p(y)"). */
export function labelPriorNll(batch: number, labels: number): tf.Tensor1D {
  return tf.fill([batch], -labels * LOG_HALF) as tf.Tensor1D;
}

/** For a relaxed sample ỹ: Σ_k Σ_c ỹ_kc (log q(y_k = c | ·) − log ½), the ELBO's E[log q(y) − log p(y)], per example. */
export function relaxedLabelTerm(logProbabilities: tf.Tensor3D, relaxed: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(relaxed, tf.sub(logProbabilities, LOG_HALF)), [1, 2]) as tf.Tensor1D);
}

/** KL(q(z | x, y) ‖ N(0, I)), per example. */
export function latentKl(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return klToStandardNormal(mu, logVar) as tf.Tensor1D;
}

/**
 * KL(q(u | x, y) ‖ p(u | y)) of PA1/PA2 (module comment), per example. `mu`, `logVar` are
 * [batch, K, uDim]; `on` [batch, K] is y_k = 1 (0/1, or a relaxed probability).
 */
export function featureKl(mu: tf.Tensor3D, logVar: tf.Tensor3D, on: tf.Tensor2D, prior: FeaturePrior, offVariance: number, onWeight: number): tf.Tensor1D {
  return tf.tidy(() => {
    const [b, k, d] = mu.shape;
    const flatMu = tf.reshape(mu, [b * k, d]);
    const flatLogVar = tf.reshape(logVar, [b * k, d]);
    const onKl = tf.reshape(klToStandardNormal(flatMu, flatLogVar), [b, k]);
    let perLabel = tf.mul(tf.mul(on, onWeight), onKl);
    if (prior === 'narrow') {
      const offKl = tf.reshape(klToIsotropicGaussian(flatMu, flatLogVar, offVariance), [b, k]);
      perLabel = tf.add(perLabel, tf.mul(tf.sub(1, on), offKl));
    }
    return tf.sum(perLabel, 1) as tf.Tensor1D;
  });
}

/**
 * CCVAE's learned conditional prior p(u_k | y_k) = N(y·m_on + (1 − y)·m_off, softplus(y·s_on + (1 − y)·s_off)²)
 * (the authors' CondPrior; m starts at ±2, s at 1). `on` [batch, K]; returns [batch, K, uDim] means and log-variances.
 */
export function conditionalPrior(on: tf.Tensor2D, locOn: tf.Tensor2D, locOff: tf.Tensor2D, scaleOn: tf.Tensor2D, scaleOff: tf.Tensor2D): { mu: tf.Tensor3D; logVar: tf.Tensor3D } {
  return tf.tidy(() => {
    const y = tf.expandDims(on, 2);
    const mix = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.add(tf.mul(y, tf.expandDims(a, 0)), tf.mul(tf.sub(1, y), tf.expandDims(b, 0)));
    const scale = tf.maximum(tf.softplus(mix(scaleOn, scaleOff)), 1e-3);
    return { mu: mix(locOn, locOff) as tf.Tensor3D, logVar: tf.mul(2, tf.log(scale)) as tf.Tensor3D };
  });
}

/** KL(q(u | x) ‖ p(u | y)) summed over labels and dims, per example (both [batch, K, uDim]). */
export function conditionalPriorKl(mu: tf.Tensor3D, logVar: tf.Tensor3D, prior: { mu: tf.Tensor3D; logVar: tf.Tensor3D }): tf.Tensor1D {
  return klBetweenDiagonalGaussians(mu, logVar, prior.mu, prior.logVar) as tf.Tensor1D;
}

/**
 * CCVAE's log q(y | x) ≈ log (1/S) Σ_s q(y | u_s), per example: `sampledLogProbabilities` is
 * [S, batch, K, 2] (q(y_k = c | u_s)), `y` the known one-hot labels [batch, K, 2].
 */
export function monteCarloLabelLogLikelihood(sampledLogProbabilities: tf.Tensor4D, y: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => {
    const perSample = tf.sum(tf.mul(tf.expandDims(y, 0), sampledLogProbabilities), [2, 3]); // [S, batch]
    return logMeanExp(perSample, 0) as tf.Tensor1D;
  });
}

export interface CcvaeSupervisedInput {
  reconstruction: tf.Tensor1D;
  klStyle: tf.Tensor1D;
  klFeatures: tf.Tensor1D;
  /** log q(y | u) at the stopped-gradient sample u, per example. */
  logQyGivenU: tf.Tensor1D;
  /** log q(y | x) (Monte Carlo), per example. */
  logQyGivenX: tf.Tensor1D;
  beta: number;
  alpha: number;
  labels: number;
}

/**
 * CCVAE's supervised −L(x, y) (module comment), with eq. 4's weights for CCVAE2: the
 * likelihood term R unweighted, β on the KLs, log q(y|u) and log p(y), α on log q(y|x).
 */
export function ccvaeSupervisedLoss({ reconstruction, klStyle, klFeatures, logQyGivenU, logQyGivenX, beta, alpha, labels }: CcvaeSupervisedInput): tf.Tensor1D {
  return tf.tidy(() => {
    const w = tf.exp(tf.sub(logQyGivenU, logQyGivenX));
    const inner = tf.add(reconstruction, tf.mul(beta, tf.add(tf.add(klStyle, klFeatures), logQyGivenU)));
    return tf.add(tf.sub(tf.mul(w, inner), tf.mul(alpha, logQyGivenX)), tf.mul(beta, -labels * LOG_HALF)) as tf.Tensor1D;
  });
}
