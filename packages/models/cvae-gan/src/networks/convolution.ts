/** A square convolution's weights from a ParameterStore, and its 'same'-padded application. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterStore } from '@disentangle/kernels';

export interface Convolution {
  kernel: tf.Variable;
  bias?: tf.Variable;
  size: number;
}

/** Glorot-uniform kernel [size, size, in, out] and (optionally) a zero bias. */
export function convolution(store: ParameterStore, scope: string, size: number, inChannels: number, outChannels: number, bias = true): Convolution {
  const fan = size * size;
  return {
    kernel: store.glorot(`${scope}/kernel`, [size, size, inChannels, outChannels], fan * inChannels, fan * outChannels),
    bias: bias ? store.zeros(`${scope}/bias`, [outChannels]) : undefined,
    size,
  };
}

/** conv(h) + bias with 'same' padding; `kernel` replaces the stored one (a spectrally normalised copy). */
export function applyConvolution(h: tf.Tensor4D, conv: Convolution, stride = 1, kernel: tf.Tensor4D = conv.kernel as tf.Tensor4D): tf.Tensor4D {
  const out = tf.conv2d(h, kernel, stride, 'same');
  return conv.bias ? (tf.add(out, conv.bias) as tf.Tensor4D) : out;
}

/** A dense layer's weights [in, out] and bias [out]. */
export function dense(store: ParameterStore, scope: string, inWidth: number, outWidth: number): { kernel: tf.Variable; bias: tf.Variable } {
  return { kernel: store.glorot(`${scope}/kernel`, [inWidth, outWidth], inWidth, outWidth), bias: store.zeros(`${scope}/bias`, [outWidth]) };
}

export function applyDense(h: tf.Tensor2D, layer: { kernel: tf.Variable; bias: tf.Variable }): tf.Tensor2D {
  return tf.add(tf.matMul(h, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D;
}

/** Leaky ReLU with slope 0.2 (DCGAN's, SPADE's and the projection discriminator's). */
export const lrelu = <T extends tf.Tensor>(h: T): T => tf.leakyRelu(h, 0.2) as T;
