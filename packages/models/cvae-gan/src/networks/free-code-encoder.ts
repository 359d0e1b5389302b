/**
 * The encoder of paper 000 §2.2.2: (x, c) → q(z_u | x, c) = N(μ, diag σ²), the label-irrelevant
 * code, in one of the two forms the paper gives:
 *
 *   spatial  "the spatial structure is kept from x so there should be no fully-connected layers":
 *            μ, log σ² = conv₃ₓ₃(h) on the trunk's H×W map, z_u ∈ R^[H, W, k] (flattened as a code);
 *   style    "formulated to capture the feature channel style based on the global average pooling":
 *            μ, log σ² = W · GAP(h) + b, z_u ∈ R^[zuDim].
 *
 * The trunk: the image and the label as extra input channels (the paper feeds w = f(c) to the
 * encoder too; how is not given: here the style code or one-hot c tiled over the image, or the
 * spatial code resized to it), stride-2 4×4 convs, then one 3×3 conv, each batch-normalised
 * before a leaky ReLU.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm, type ForwardMode, type ParameterStore } from '@disentangle/kernels';
import { resizeSpatialCode } from '@disentangle/normalization';
import { applyConvolution, applyDense, convolution, dense, lrelu, type Convolution } from './convolution';

export interface FreeCodeEncoderOptions {
  size: number;
  channels: number;
  /** Channels of the label as the encoder reads it (C for a tiled one-hot, zsDim for a tiled style code, 1 for a spatial map). */
  labelChannels: number;
  stages: number[];
  form: { kind: 'spatial'; channels: number } | { kind: 'style'; width: number };
}

export class FreeCodeEncoder {
  private readonly convs: { conv: Convolution; norm: BatchNorm; stride: number }[] = [];
  private readonly spatialHead?: Convolution;
  private readonly styleHead?: ReturnType<typeof dense>;
  readonly side: number;
  readonly codeWidth: number;

  constructor(store: ParameterStore, scope: string, readonly options: FreeCodeEncoderOptions) {
    let inChannels = options.channels + options.labelChannels;
    const widths = [...options.stages, 2 * options.stages[options.stages.length - 1]];
    widths.forEach((out, i) => {
      const last = i === options.stages.length;
      this.convs.push({ conv: convolution(store, `${scope}/conv${i}`, last ? 3 : 4, inChannels, out, false), norm: new BatchNorm(store, `${scope}/conv${i}/norm`, out), stride: last ? 1 : 2 });
      inChannels = out;
    });
    this.side = options.size / 2 ** options.stages.length;
    if (options.form.kind === 'spatial') {
      this.spatialHead = convolution(store, `${scope}/spatial`, 3, inChannels, 2 * options.form.channels);
      this.codeWidth = this.side * this.side * options.form.channels;
    } else {
      this.styleHead = dense(store, `${scope}/style`, inChannels, 2 * options.form.width);
      this.codeWidth = options.form.width;
    }
  }

  /** The label as extra input channels at the image's size: a [n, D] code is tiled, a [n, h, w, 1] map resized. */
  private labelChannels(label: tf.Tensor2D | tf.Tensor4D): tf.Tensor4D {
    const { size } = this.options;
    if (label.rank === 4) return resizeSpatialCode(label, size, size);
    const [n, d] = label.shape;
    // A broadcast product, not tf.tile: wasm's Tile took 180 ms for a batch of 62-class labels at 32×32.
    return tf.mul(tf.reshape(label, [n, 1, 1, d]), tf.ones([1, size, size, 1])) as tf.Tensor4D;
  }

  /**
   * q(z_u | x, c) for images x [n, size, size, channels] and the label as the encoder reads it.
   * Spatial codes come back as [n, H, W, k] (reshape with `flatten` for a flat code).
   */
  apply(x: tf.Tensor4D, label: tf.Tensor2D | tf.Tensor4D, mode: ForwardMode): { mu: tf.Tensor; logVar: tf.Tensor } {
    return tf.tidy(() => {
      let h = tf.concat([x, this.labelChannels(label)], 3) as tf.Tensor4D;
      for (const { conv, norm, stride } of this.convs) h = lrelu(norm.apply(applyConvolution(h, conv, stride), mode));
      if (this.spatialHead) {
        const out = applyConvolution(h, this.spatialHead);
        const k = out.shape[3] / 2;
        const [mu, logVar] = tf.split(out, [k, k], 3);
        return { mu, logVar };
      }
      const out = applyDense(tf.mean(h, [1, 2]) as tf.Tensor2D, this.styleHead!);
      const width = out.shape[1] / 2;
      const [mu, logVar] = tf.split(out, [width, width], 1);
      return { mu, logVar };
    });
  }

  /** A code of this encoder's shape as a flat [n, codeWidth] row, and back. */
  flatten(code: tf.Tensor): tf.Tensor2D {
    return tf.reshape(code, [code.shape[0], this.codeWidth]) as tf.Tensor2D;
  }

  unflatten(code: tf.Tensor2D): tf.Tensor2D | tf.Tensor4D {
    if (code.shape[1] !== this.codeWidth) throw new Error(`z_u has ${code.shape[1]} values per row, expected ${this.codeWidth}`);
    const form = this.options.form;
    return form.kind === 'spatial' ? (tf.reshape(code, [code.shape[0], this.side, this.side, form.channels]) as tf.Tensor4D) : code;
  }
}
