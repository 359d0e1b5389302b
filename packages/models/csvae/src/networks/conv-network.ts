/**
 * Convolutional trunk and decoder for square images (the paper's appendix: "convolutional
 * layers with ReLU activations"). Each encoder stage halves the side with a 4×4 stride-2
 * convolution; the decoder mirrors it with 4×4 stride-2 transposed convolutions.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterStore } from './parameter-store';

export interface ConvShape {
  size: number;
  channels: number;
  /** Channels after each stride-2 stage, e.g. [32, 64, 128] takes 32×32 to 4×4×128. */
  stages: number[];
}

function checkShape(shape: ConvShape, what: string): number {
  const factor = 2 ** shape.stages.length;
  if (shape.size % factor !== 0) throw new Error(`${what}: image size ${shape.size} is not divisible by 2^${shape.stages.length} (one halving per stage)`);
  return shape.size / factor;
}

/** Image [batch, size, size, channels] → flat features [batch, side² · lastStage] (ReLU'd). */
export class ConvEncoder {
  private readonly filters: { kernel: tf.Variable; bias: tf.Variable }[] = [];
  readonly outputWidth: number;

  constructor(store: ParameterStore, scope: string, readonly shape: ConvShape) {
    const side = checkShape(shape, `ConvEncoder '${scope}'`);
    let inChannels = shape.channels;
    shape.stages.forEach((out, i) => {
      this.filters.push({
        kernel: store.glorot(`${scope}/conv${i}/kernel`, [4, 4, inChannels, out], 16 * inChannels, 16 * out),
        bias: store.zeros(`${scope}/conv${i}/bias`, [out]),
      });
      inChannels = out;
    });
    this.outputWidth = side * side * inChannels;
  }

  apply(x: tf.Tensor4D): tf.Tensor2D {
    const { size, channels } = this.shape;
    if (x.shape[1] !== size || x.shape[2] !== size || x.shape[3] !== channels) {
      throw new Error(`ConvEncoder: images have shape [${x.shape.slice(1)}], expected [${size},${size},${channels}]`);
    }
    return tf.tidy(() => {
      let h: tf.Tensor4D = x;
      for (const { kernel, bias } of this.filters) h = tf.relu(tf.add(tf.conv2d(h, kernel as tf.Tensor4D, 2, 'same'), bias)) as tf.Tensor4D;
      return tf.reshape(h, [x.shape[0], this.outputWidth]) as tf.Tensor2D;
    });
  }
}

/** Vector [batch, inputWidth] → image logits/means [batch, size, size, channels] (no output activation). */
export class ConvDecoder {
  private readonly dense: { kernel: tf.Variable; bias: tf.Variable };
  private readonly filters: { kernel: tf.Variable; bias: tf.Variable; out: number }[] = [];
  private readonly side: number;

  constructor(store: ParameterStore, scope: string, readonly inputWidth: number, readonly shape: ConvShape) {
    this.side = checkShape(shape, `ConvDecoder '${scope}'`);
    const stages = [...shape.stages].reverse(); // e.g. [128, 64, 32]
    const denseOut = this.side * this.side * stages[0];
    this.dense = {
      kernel: store.glorot(`${scope}/dense/kernel`, [inputWidth, denseOut], inputWidth, denseOut),
      bias: store.zeros(`${scope}/dense/bias`, [denseOut]),
    };
    const outs = [...stages.slice(1), shape.channels];
    stages.forEach((inChannels, i) => {
      const out = outs[i];
      // conv2dTranspose filters are [h, w, outChannels, inChannels].
      this.filters.push({
        kernel: store.glorot(`${scope}/deconv${i}/kernel`, [4, 4, out, inChannels], 16 * inChannels, 16 * out),
        bias: store.zeros(`${scope}/deconv${i}/bias`, [out]),
        out,
      });
    });
  }

  apply(v: tf.Tensor2D): tf.Tensor4D {
    if (v.shape[1] !== this.inputWidth) throw new Error(`ConvDecoder: input has ${v.shape[1]} features, expected ${this.inputWidth}`);
    return tf.tidy(() => {
      const n = v.shape[0];
      const first = this.shape.stages[this.shape.stages.length - 1];
      let side = this.side;
      let h = tf.reshape(tf.relu(tf.add(tf.matMul(v, this.dense.kernel as tf.Tensor2D), this.dense.bias)), [n, side, side, first]) as tf.Tensor4D;
      this.filters.forEach(({ kernel, bias, out }, i) => {
        side *= 2;
        h = tf.add(tf.conv2dTranspose(h, kernel as tf.Tensor4D, [n, side, side, out], 2, 'same'), bias) as tf.Tensor4D;
        if (i + 1 < this.filters.length) h = tf.relu(h);
      });
      return h;
    });
  }
}
