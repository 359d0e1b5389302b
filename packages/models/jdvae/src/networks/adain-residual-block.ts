/**
 * The decoder's residual block of paper 001's Fig. 1: an up-sampling residual block whose
 * normalisations are AdaIN fed by z "through a fully connected layer" (§2.1), in the layout
 * of StarGAN v2's AdainResBlk that the authors' code uses:
 *
 *   residual(h) = conv₂( lrelu( AdaIN₂( conv₁( up( lrelu( AdaIN₁(h, s) ) ) ), s ) ) )
 *   shortcut(h) = conv₁ₓ₁( up(h) )
 *   block(h, s) = (residual(h) + shortcut(h)) / √2
 *
 * with up = nearest ×2, convs 3×3 ('same'), lrelu slope 0.2, and AdaIN's γ = 1 + s W_γ,
 * β = s W_β + b_β (the style's FC; starting near γ = 1 makes it plain instance norm). Without
 * AdaIN (the paper's ablation) both normalisations are parameter-free instance norm and s is
 * not used.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterStore } from '@disentangle/kernels';
import { adain, instanceNormalize, resizeSpatialCode } from '@disentangle/normalization';

/** A 3×3 (or 1×1) convolution's weights. */
function convolution(store: ParameterStore, scope: string, size: number, inChannels: number, outChannels: number, bias: boolean) {
  const fan = size * size;
  return {
    kernel: store.glorot(`${scope}/kernel`, [size, size, inChannels, outChannels], fan * inChannels, fan * outChannels),
    bias: bias ? store.zeros(`${scope}/bias`, [outChannels]) : undefined,
  };
}

type Convolution = ReturnType<typeof convolution>;

function applyConvolution(h: tf.Tensor4D, { kernel, bias }: Convolution): tf.Tensor4D {
  const out = tf.conv2d(h, kernel as tf.Tensor4D, 1, 'same');
  return bias ? (tf.add(out, bias) as tf.Tensor4D) : out;
}

/** Nearest-neighbour ×2 (through normalization's exact, differentiable resize). */
export function upsampleTwice(h: tf.Tensor4D): tf.Tensor4D {
  return resizeSpatialCode(h, h.shape[1] * 2, h.shape[2] * 2);
}

export class AdainResidualBlock {
  private readonly conv1: Convolution;
  private readonly conv2: Convolution;
  private readonly shortcut: Convolution;
  private readonly styles?: { gamma: tf.Variable; beta: tf.Variable; betaBias: tf.Variable }[];

  constructor(store: ParameterStore, scope: string, readonly inChannels: number, readonly outChannels: number, readonly styleWidth: number) {
    this.conv1 = convolution(store, `${scope}/conv1`, 3, inChannels, outChannels, true);
    this.conv2 = convolution(store, `${scope}/conv2`, 3, outChannels, outChannels, true);
    this.shortcut = convolution(store, `${scope}/shortcut`, 1, inChannels, outChannels, false);
    if (styleWidth > 0) {
      this.styles = [inChannels, outChannels].map((channels, i) => ({
        gamma: store.glorot(`${scope}/adain${i + 1}/gamma`, [styleWidth, channels], styleWidth, channels),
        beta: store.glorot(`${scope}/adain${i + 1}/beta`, [styleWidth, channels], styleWidth, channels),
        betaBias: store.zeros(`${scope}/adain${i + 1}/betaBias`, [channels]),
      }));
    }
  }

  private normalize(h: tf.Tensor4D, index: 0 | 1, style?: tf.Tensor2D): tf.Tensor4D {
    if (!this.styles) return instanceNormalize(h);
    if (!style) throw new Error('AdainResidualBlock: this block has AdaIN and needs the style code z');
    const { gamma, beta, betaBias } = this.styles[index];
    return adain(h, tf.add(1, tf.matMul(style, gamma as tf.Tensor2D)), tf.add(tf.matMul(style, beta as tf.Tensor2D), betaBias));
  }

  /** h [batch, s, s, inChannels] → [batch, 2s, 2s, outChannels]. */
  apply(h: tf.Tensor4D, style?: tf.Tensor2D): tf.Tensor4D {
    if (h.shape[3] !== this.inChannels) throw new Error(`AdainResidualBlock: input has ${h.shape[3]} channels, expected ${this.inChannels}`);
    return tf.tidy(() => {
      let r = tf.leakyRelu(this.normalize(h, 0, style), 0.2);
      r = applyConvolution(upsampleTwice(r), this.conv1);
      r = applyConvolution(tf.leakyRelu(this.normalize(r, 1, style), 0.2), this.conv2);
      const s = applyConvolution(upsampleTwice(h), this.shortcut);
      return tf.mul(tf.add(r, s), Math.SQRT1_2) as tf.Tensor4D;
    });
  }
}
