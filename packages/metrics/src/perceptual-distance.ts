/**
 * A perceptual distance standing in for LPIPS (Zhang et al. 2018), which paper 001 reports
 * between an image and its attribute-edited version. LPIPS-AlexNet needs ImageNet-trained
 * AlexNet weights and linear weights fitted to human judgements (BAPPS), neither of which is
 * available here, so this is NOT LPIPS and is NOT calibrated to human judgements: it follows
 * LPIPS's recipe on the dataset's own evaluation classifier with uniform weights.
 *
 * For the post-ReLU activations f_s of the judge's stem and its three stages (s = 1…S):
 *
 *   f̂_s[h, w, :] = f_s[h, w, :] / (‖f_s[h, w, :]‖₂ + 1e−10)      (unit-normalise along channels)
 *   d_s(x, y)    = (1 / H_s W_s) Σ_{h,w} ‖f̂_s^x[h, w, :] − f̂_s^y[h, w, :]‖₂²
 *   d(x, y)      = (1 / S) Σ_s d_s(x, y)
 *
 * LPIPS weights each channel with a learned w_c ≥ 0 and sums over layers; here w_c = 1 and
 * layers are averaged, so d ∈ [0, 2] for ReLU features (unit vectors in the positive orthant).
 * Its values depend on the judge (the dataset, seed and config): compare numbers only when
 * they carry the same `featureNetwork` name.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Any network that exposes stage activations (the EvaluationClassifier does). */
export interface PerceptualNetwork {
  name: string;
  activations(x: tf.Tensor): { stages: tf.Tensor4D[]; features: tf.Tensor2D };
}

const EPSILON = 1e-10;

/** Per-pair distances [N] between images `a` and `b` [N, H, W, C] in [0, 1]. */
export function perceptualDistance(network: PerceptualNetwork, a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new Error(`perceptualDistance: images must have the same shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  if (a.rank !== 4) throw new Error(`perceptualDistance: expected images [N, H, W, C], got rank ${a.rank}`);
  const n = a.shape[0];
  return tf.tidy(() => {
    const { stages, features } = network.activations(tf.concat([a, b], 0));
    features.dispose();
    const perStage = stages.map((f) => {
      const norm = tf.add(tf.sqrt(tf.sum(tf.square(f), 3, true)), EPSILON);
      const unit = tf.div(f, norm);
      const [fa, fb] = tf.split(unit, [n, n], 0);
      return tf.mean(tf.sum(tf.squaredDifference(fa, fb), 3), [1, 2]);
    });
    return tf.div(tf.addN(perStage), perStage.length) as tf.Tensor1D;
  });
}

/** Mean perceptual distance over image pairs, in chunks; with the feature network's name. */
export async function meanPerceptualDistance(
  network: PerceptualNetwork,
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  chunk = 128,
): Promise<{ value: number; n: number; featureNetwork: string }> {
  const n = a.shape[0];
  if (n === 0) throw new Error('meanPerceptualDistance: no images');
  let sum = 0;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const d = tf.tidy(() => tf.sum(perceptualDistance(network, tf.slice(a, start, size), tf.slice(b, start, size))));
    sum += (await d.data())[0];
    d.dispose();
  }
  return { value: sum / n, n, featureNetwork: network.name };
}
