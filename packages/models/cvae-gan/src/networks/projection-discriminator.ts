/**
 * The projection discriminator of Miyato & Koyama (2018, "cGANs with projection
 * discriminator", eq. 3), "D proposed in [10] used in our work" (paper 000 §2.2.3):
 *
 *   D(x, c) = ψ(φ(x)) + cᵀ V φ(x)
 *
 * φ: stride-2 4×4 convs and one 3×3 conv, leaky ReLU, then a sum over positions (the
 * authors' global sum pooling); ψ a linear layer to one score; V [C, features] the class
 * embedding, so cᵀV picks class c's row for one-hot c. Every weight (convs, ψ, V) is
 * spectrally normalised, as in both cited papers. The score is unbounded; eq. 3's hinge
 * terms clip it at ±1 in the discriminator's loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterStore } from '@disentangle/kernels';
import { applyConvolution, convolution, lrelu, type Convolution } from './convolution';
import { SpectralNorm, spectralStart } from './spectral-norm';

export interface ProjectionDiscriminatorOptions {
  channels: number;
  classes: number;
  stages: number[];
}

export class ProjectionDiscriminator {
  private readonly convs: { conv: Convolution; norm: SpectralNorm; stride: number }[] = [];
  private readonly psi: { kernel: tf.Variable; bias: tf.Variable; norm: SpectralNorm };
  private readonly embedding: { weight: tf.Variable; norm: SpectralNorm };

  constructor(store: ParameterStore, scope: string, readonly options: ProjectionDiscriminatorOptions) {
    let inChannels = options.channels;
    const last = options.stages[options.stages.length - 1];
    [...options.stages, last].forEach((out, i) => {
      const final = i === options.stages.length;
      const conv = convolution(store, `${scope}/conv${i}`, final ? 3 : 4, inChannels, out);
      this.convs.push({ conv, norm: new SpectralNorm(store, `${scope}/conv${i}`, conv.kernel, spectralStart(out)), stride: final ? 1 : 2 });
      inChannels = out;
    });
    const kernel = store.glorot(`${scope}/psi/kernel`, [last, 1], last, 1);
    this.psi = { kernel, bias: store.zeros(`${scope}/psi/bias`, [1]), norm: new SpectralNorm(store, `${scope}/psi`, kernel, spectralStart(1)) };
    // V as [features, C] so that its spectral norm is taken like a dense layer's; cᵀV is V c.
    const weight = store.glorot(`${scope}/embedding`, [last, options.classes], last, options.classes);
    this.embedding = { weight, norm: new SpectralNorm(store, `${scope}/embedding`, weight, spectralStart(options.classes)) };
  }

  /** Scores [n] of images x [n, s, s, channels] for one-hot labels c [n, C]; `update` advances the spectral norms' power iteration. */
  apply(x: tf.Tensor4D, c: tf.Tensor2D, update = false): tf.Tensor1D {
    if (c.shape[1] !== this.options.classes) throw new Error(`ProjectionDiscriminator: labels have ${c.shape[1]} classes, expected ${this.options.classes}`);
    return tf.tidy(() => {
      let h = x;
      for (const { conv, norm, stride } of this.convs) h = lrelu(applyConvolution(h, conv, stride, norm.apply(update) as tf.Tensor4D));
      const features = tf.sum(h, [1, 2]) as tf.Tensor2D;
      const psi = tf.add(tf.matMul(features, this.psi.norm.apply(update) as tf.Tensor2D), this.psi.bias);
      const projection = tf.sum(tf.mul(tf.matMul(features, this.embedding.norm.apply(update) as tf.Tensor2D), c), 1, true);
      return tf.reshape(tf.add(psi, projection), [x.shape[0]]) as tf.Tensor1D;
    });
  }
}
