/**
 * The demo's small convolutional VAE (Kingma & Welling 2014) on 32×32×1 images, written
 * with tfjs-core ops only so it runs on every backend. `disentangle bench` times this same
 * network's training step, and its PyTorch twin (bench/torch-conv-vae.py) mirrors it
 * layer for layer:
 *
 *   encoder: conv 3×3/2 → 32 ch, ReLU; conv 3×3/2 → 64 ch, ReLU; dense → (μ, log σ²)
 *   decoder: dense → 8×8×64, ReLU; deconv 4×4/2 → 32 ch, ReLU; deconv 4×4/2 → 1 ch (logits)
 */
import * as tf from '@tensorflow/tfjs-core';
import { bernoulliLogLikelihood, klToStandardNormal, sampleGaussian } from '@disentangle/kernels';

export interface ConvVaeConfig {
  imageSize: number;
  latentDim: number;
}

export const DEFAULT_CONV_VAE: ConvVaeConfig = { imageSize: 32, latentDim: 16 };

/** Glorot-uniform initial values from a [0,1) random source, so runs are seedable. */
function glorot(shape: number[], fanIn: number, fanOut: number, random: () => number): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (2 * random() - 1) * limit;
  return tf.tensor(values, shape);
}

export class ConvVae {
  readonly config: ConvVaeConfig;
  readonly variables: Record<string, tf.Variable>;

  constructor(config: ConvVaeConfig, random: () => number) {
    if (config.imageSize % 4 !== 0) throw new Error(`ConvVae: imageSize must be a multiple of 4, got ${config.imageSize}`);
    this.config = config;
    const s = config.imageSize / 4;
    const z = config.latentDim;
    const v = (name: string, init: tf.Tensor) => tf.variable(init, true, `conv_vae/${name}`);
    this.variables = {
      enc_conv1_w: v('enc_conv1_w', glorot([3, 3, 1, 32], 9, 9 * 32, random)),
      enc_conv1_b: v('enc_conv1_b', tf.zeros([32])),
      enc_conv2_w: v('enc_conv2_w', glorot([3, 3, 32, 64], 9 * 32, 9 * 64, random)),
      enc_conv2_b: v('enc_conv2_b', tf.zeros([64])),
      enc_dense_w: v('enc_dense_w', glorot([s * s * 64, 2 * z], s * s * 64, 2 * z, random)),
      enc_dense_b: v('enc_dense_b', tf.zeros([2 * z])),
      dec_dense_w: v('dec_dense_w', glorot([z, s * s * 64], z, s * s * 64, random)),
      dec_dense_b: v('dec_dense_b', tf.zeros([s * s * 64])),
      // conv2dTranspose filters are [h, w, outChannels, inChannels].
      dec_deconv1_w: v('dec_deconv1_w', glorot([4, 4, 32, 64], 16 * 64, 16 * 32, random)),
      dec_deconv1_b: v('dec_deconv1_b', tf.zeros([32])),
      dec_deconv2_w: v('dec_deconv2_w', glorot([4, 4, 1, 32], 16 * 32, 16, random)),
      dec_deconv2_b: v('dec_deconv2_b', tf.zeros([1])),
    };
  }

  /** x: [batch, size, size, 1] in [0,1] → μ and log σ², each [batch, latentDim]. */
  encode(x: tf.Tensor4D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
    return tf.tidy(() => {
      const p = this.variables;
      const h1 = tf.relu(tf.add(tf.conv2d(x, p.enc_conv1_w as tf.Tensor4D, 2, 'same'), p.enc_conv1_b));
      const h2 = tf.relu(tf.add(tf.conv2d(h1 as tf.Tensor4D, p.enc_conv2_w as tf.Tensor4D, 2, 'same'), p.enc_conv2_b));
      const flat = tf.reshape(h2, [x.shape[0], -1]);
      const stats = tf.add(tf.matMul(flat as tf.Tensor2D, p.enc_dense_w as tf.Tensor2D), p.enc_dense_b);
      const [mu, logVar] = tf.split(stats, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      return { mu, logVar };
    });
  }

  /** z: [batch, latentDim] → Bernoulli logits [batch, size, size, 1]. */
  decodeLogits(z: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => {
      const p = this.variables;
      const n = z.shape[0];
      const s = this.config.imageSize / 4;
      const size = this.config.imageSize;
      const h = tf.relu(tf.add(tf.matMul(z, p.dec_dense_w as tf.Tensor2D), p.dec_dense_b));
      const grid = tf.reshape(h, [n, s, s, 64]) as tf.Tensor4D;
      const up1 = tf.relu(
        tf.add(tf.conv2dTranspose(grid, p.dec_deconv1_w as tf.Tensor4D, [n, 2 * s, 2 * s, 32], 2, 'same'), p.dec_deconv1_b),
      ) as tf.Tensor4D;
      return tf.add(tf.conv2dTranspose(up1, p.dec_deconv2_w as tf.Tensor4D, [n, size, size, 1], 2, 'same'), p.dec_deconv2_b) as tf.Tensor4D;
    });
  }

  /**
   * Negative ELBO per example, averaged over the batch (Kingma & Welling 2014, eq. 10):
   *   L = E_q[−log p(x|z)] + KL(q(z|x) ‖ N(0, I)),
   * with a Bernoulli decoder, −log p(x|z) = Σ_pixels BCE-with-logits(logits, x), and
   *   KL = ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1)   (both from @disentangle/kernels).
   * `noise` is ε ~ N(0, I) for the reparameterisation z = μ + σ·ε.
   */
  loss(x: tf.Tensor4D, noise: tf.Tensor2D): { total: tf.Scalar; reconstruction: tf.Scalar; kl: tf.Scalar } {
    return tf.tidy(() => {
      const { mu, logVar } = this.encode(x);
      const z = sampleGaussian(mu, logVar, noise) as tf.Tensor2D;
      const reconstruction = tf.neg(tf.mean(bernoulliLogLikelihood(this.decodeLogits(z), x))) as tf.Scalar;
      const kl = tf.mean(klToStandardNormal(mu, logVar)) as tf.Scalar;
      return { total: tf.add(reconstruction, kl) as tf.Scalar, reconstruction, kl };
    });
  }

  /** Reconstruction of x through the posterior mean (no sampling), as probabilities. */
  reconstruct(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.sigmoid(this.decodeLogits(this.encode(x).mu)) as tf.Tensor4D);
  }

  /** Images decoded from given latent draws z ~ N(0, I), as probabilities. */
  sample(z: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => tf.sigmoid(this.decodeLogits(z)) as tf.Tensor4D);
  }

  dispose(): void {
    for (const v of Object.values(this.variables)) v.dispose();
  }
}
