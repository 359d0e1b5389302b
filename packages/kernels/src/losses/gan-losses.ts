/**
 * GAN losses on raw discriminator outputs (logits / scores, no sigmoid applied). Each
 * returns a scalar. E[·] is the mean over every element of a score tensor, so a patch
 * discriminator's [batch, h, w, 1] map is averaged like a [batch] vector.
 *
 * Fakes may be one tensor or a list of them (e.g. cVAE-GAN's reconstructed, exchanged and
 * prior-sampled images, paper 000 eq. 3): the fake term is Σ_k E[term(D(fake_k))], each
 * set averaged on its own and the averages summed, as the paper writes it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { logOnePlusExp } from '../probability/log-likelihood';

type Fakes = tf.Tensor | tf.Tensor[];

function fakeList(fn: string, fake: Fakes): tf.Tensor[] {
  const list = Array.isArray(fake) ? fake : [fake];
  if (list.length === 0) throw new Error(`${fn}: fakeScores is an empty list`);
  for (const [i, t] of list.entries()) {
    if (!(t instanceof tf.Tensor)) throw new Error(`${fn}: fakeScores[${i}] is not a tensor`);
  }
  return list;
}

/** Σ_k mean(term(fake_k)). */
function sumOfMeans(fakes: tf.Tensor[], term: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  return tf.addN(fakes.map((t) => tf.mean(term(t))));
}

/**
 * Hinge loss for D (Lim & Ye 2017, "Geometric GAN"; Miyato et al. 2018, SN-GAN §4;
 * used by paper 000 eq. 3): L_D = E[relu(1 − D(x))] + Σ_k E[relu(1 + D(G(z)_k))].
 */
export function hingeDiscriminatorLoss(realScores: tf.Tensor, fakeScores: Fakes): tf.Tensor {
  const fakes = fakeList('hingeDiscriminatorLoss', fakeScores);
  return tf.tidy(() =>
    tf.add(
      tf.mean(tf.relu(tf.sub(1, realScores))),
      sumOfMeans(fakes, (t) => tf.relu(tf.add(1, t))),
    ),
  );
}

/** Hinge loss for G (Lim & Ye 2017; Miyato et al. 2018): L_G = −Σ_k E[D(G(z)_k)]. */
export function hingeGeneratorLoss(fakeScores: Fakes): tf.Tensor {
  const fakes = fakeList('hingeGeneratorLoss', fakeScores);
  return tf.tidy(() => tf.neg(sumOfMeans(fakes, (t) => t)));
}

/**
 * Non-saturating GAN loss for D (Goodfellow et al. 2014, eq. 1), binary cross-entropy from
 * logits: L_D = −E[log σ(D(x))] − Σ_k E[log(1 − σ(D(G(z)_k)))]
 *            = E[softplus(−D(x))] + Σ_k E[softplus(D(G(z)_k))], softplus computed stably.
 */
export function nonSaturatingDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: Fakes): tf.Tensor {
  const fakes = fakeList('nonSaturatingDiscriminatorLoss', fakeLogits);
  return tf.tidy(() => tf.add(tf.mean(logOnePlusExp(tf.neg(realLogits))), sumOfMeans(fakes, logOnePlusExp)));
}

/**
 * Non-saturating loss for G (Goodfellow et al. 2014, §3: maximise log D(G(z)) instead of
 * minimising log(1 − D(G(z)))): L_G = −Σ_k E[log σ(D(G(z)_k))] = Σ_k E[softplus(−D(G(z)_k))].
 */
export function nonSaturatingGeneratorLoss(fakeLogits: Fakes): tf.Tensor {
  const fakes = fakeList('nonSaturatingGeneratorLoss', fakeLogits);
  return tf.tidy(() => sumOfMeans(fakes, (t) => logOnePlusExp(tf.neg(t))));
}

/**
 * Least-squares loss for D (Mao et al. 2017, LSGAN eq. 2 with a = 0, b = 1):
 * L_D = ½ E[(D(x) − 1)²] + ½ Σ_k E[D(G(z)_k)²].
 */
export function leastSquaresDiscriminatorLoss(realScores: tf.Tensor, fakeScores: Fakes): tf.Tensor {
  const fakes = fakeList('leastSquaresDiscriminatorLoss', fakeScores);
  return tf.tidy(() =>
    tf.mul(tf.add(tf.mean(tf.square(tf.sub(realScores, 1))), sumOfMeans(fakes, tf.square)), 0.5),
  );
}

/** Least-squares loss for G (Mao et al. 2017, LSGAN eq. 2 with c = 1): L_G = ½ Σ_k E[(D(G(z)_k) − 1)²]. */
export function leastSquaresGeneratorLoss(fakeScores: Fakes): tf.Tensor {
  const fakes = fakeList('leastSquaresGeneratorLoss', fakeScores);
  return tf.tidy(() => tf.mul(sumOfMeans(fakes, (t) => tf.square(tf.sub(t, 1))), 0.5));
}
