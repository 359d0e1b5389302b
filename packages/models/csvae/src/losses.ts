/**
 * The loss terms of paper 004 (Klys, Snell & Zemel 2018, "Learning latent subspaces in
 * variational autoencoders"), each reduced per example ([batch] tensors; the models average
 * over the batch).
 *
 * The paper's text lost the displayed equations (the ELBO of §3.1, the CondVAE objective
 * (2), the information-factorisation loss (3) and M1, M2, N of §4). They are rebuilt here
 * from the derivation that survives in the prose:
 *
 *   log p(x, y) = log p(x | w, z) + log p(w | y) + log p(z) + log p(y)     (Z ⊥ W, Y; X | W ⊥ Y)
 *   M1 = β1 E_q[−log p(x | w, z)] + β2 KL(q(w | x, y) ‖ p(w | y)) + β3 KL(q(z | x, y) ‖ p(z)) − log p(y)
 *   M2 = β4 E_{q(z|x)} Σ_y q_δ(y | z) log q_δ(y | z)      (minimising it maximises H(Y | Z))
 *   N  = β5 E_{q(z|x)} [−log q_δ(y | z)]                  (the adversary's own objective)
 *   min over encoders/decoder of M1 + M2, min over δ of N, "trained jointly".
 *
 * −log p(y) is constant for a fixed label prior and is left out. With K binary labels the
 * adversary is K independent Bernoullis (so Σ_y is a sum of K binary entropies); with
 * exclusive labels (TFD's expressions) it is one softmax over K classes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bceWithLogits, logSoftmax, sumPerExample } from '@disentangle/kernels';

/**
 * Per-example −log p(x | ·) up to a constant, summed ('sum') or averaged ('mean') over the
 * input's dimensions D (the reconstruction term E_q[−log p(x | w, z)] of M1, before β1):
 *   gaussian:  Σ_d (x_d − μ_d)²                 (= −log N(x; μ, ½ I) − (D/2) log π)
 *   bernoulli: Σ_d BCE(ℓ_d, x_d) = −Σ_d [x_d log σ(ℓ_d) + (1 − x_d) log(1 − σ(ℓ_d))]
 * `output` is the decoder's mean μ (gaussian) or logits ℓ (bernoulli), shaped like x.
 */
export function reconstructionError(
  output: tf.Tensor,
  x: tf.Tensor,
  likelihood: 'gaussian' | 'bernoulli',
  reduction: 'mean' | 'sum',
): tf.Tensor1D {
  return tf.tidy(() => {
    const elementwise = likelihood === 'gaussian' ? tf.squaredDifference(output, x) : bceWithLogits(output, x);
    const summed = sumPerExample(elementwise, 'reconstructionError');
    const dims = x.size / x.shape[0];
    return (reduction === 'mean' ? tf.div(summed, dims) : summed) as tf.Tensor1D;
  });
}

/**
 * The exact per-example log-likelihood log p(x | ·) in nats, summed over the D dimensions
 * (what the ELBO of `logLikelihood` uses):
 *   gaussian:  log N(x; μ, ½ I) = −Σ_d (x_d − μ_d)² − (D/2) log π
 *   bernoulli: Σ_d [x_d log σ(ℓ_d) + (1 − x_d) log(1 − σ(ℓ_d))]      (a log-probability for binary x)
 */
export function reconstructionLogLikelihood(output: tf.Tensor, x: tf.Tensor, likelihood: 'gaussian' | 'bernoulli'): tf.Tensor1D {
  return tf.tidy(() => {
    const error = reconstructionError(output, x, likelihood, 'sum');
    if (likelihood === 'bernoulli') return tf.neg(error) as tf.Tensor1D;
    const dims = x.size / x.shape[0];
    return tf.sub(tf.neg(error), (dims / 2) * Math.log(Math.PI)) as tf.Tensor1D;
  });
}

/** y [batch, K] repeated over each subspace's `wDim` coordinates → [batch, K·wDim]. */
export function expandLabelsToSubspaces(y: tf.Tensor2D, wDim: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, k] = y.shape;
    return tf.reshape(tf.tile(tf.expandDims(y, 2), [1, 1, wDim]), [batch, k * wDim]) as tf.Tensor2D;
  });
}

/**
 * Negative conditional entropy of the adversary's prediction, per example (M2 without β4):
 *   binary labels:    Σ_k [q_k log q_k + (1 − q_k) log(1 − q_k)],  q_k = σ(ℓ_k)
 *   exclusive labels: Σ_k q_k log q_k,                             q = softmax(ℓ)
 * It is ≤ 0 and reaches its minimum (−K log 2, or −log K) when q_δ(y | z) is uniform: z tells nothing about y.
 */
export function negativeConditionalEntropy(logits: tf.Tensor2D, exclusive: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    if (exclusive) {
      const logQ = logSoftmax(logits, -1);
      return tf.sum(tf.mul(tf.exp(logQ), logQ), 1) as tf.Tensor1D;
    }
    // q log q + (1 − q) log(1 − q) = −BCE(ℓ, q) with the target q = σ(ℓ) itself.
    const q = tf.sigmoid(logits);
    return tf.neg(tf.sum(bceWithLogits(logits, q), 1)) as tf.Tensor1D;
  });
}

/**
 * The adversary's cross-entropy −log q_δ(y | z) per example (N without β5; also
 * CondVAE-info's L(r_ψ(z), y) of eq. 3): Σ_k BCE(ℓ_k, y_k) for binary labels,
 * −Σ_k y_k log softmax(ℓ)_k for exclusive ones.
 */
export function adversaryCrossEntropy(logits: tf.Tensor2D, y: tf.Tensor2D, exclusive: boolean): tf.Tensor1D {
  return tf.tidy(() =>
    (exclusive ? tf.neg(tf.sum(tf.mul(y, logSoftmax(logits, -1)), 1)) : tf.sum(bceWithLogits(logits, y), 1)) as tf.Tensor1D,
  );
}

/** Fraction of labels the adversary gets right (threshold 0.5, or argmax when exclusive); a logged diagnostic. */
export function adversaryAccuracy(logits: tf.Tensor2D, y: tf.Tensor2D, exclusive: boolean): tf.Scalar {
  return tf.tidy(() => {
    if (exclusive) return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32')) as tf.Scalar;
    return tf.mean(tf.cast(tf.equal(tf.greater(logits, 0), tf.greater(y, 0.5)), 'float32')) as tf.Scalar;
  });
}
