/**
 * Convolutional trunk and decoder for square images (the paper's appendix: "convolutional
 * layers with ReLU activations"). Each encoder stage halves the side with a 4×4 stride-2
 * convolution; the decoder mirrors it with 4×4 stride-2 transposed convolutions. With
 * `normalization: 'batch'` every convolution but the decoder's last is followed by batch
 * norm before its ReLU (DCGAN's layout), and has no bias (batch norm's β replaces it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm, EVALUATION, type ForwardMode } from './batch-norm';
import type { ParameterStore } from './parameter-store';

export interface ConvShape {
  size: number;
  channels: number;
  /** Channels after each stride-2 stage, e.g. [16, 32, 64] takes 32×32 to 4×4×64. */
  stages: number[];
  normalization?: 'batch' | 'none';
}

function checkShape(shape: ConvShape, what: string): number {
  const factor = 2 ** shape.stages.length;
  if (shape.size % factor !== 0) throw new Error(`${what}: image size ${shape.size} is not divisible by 2^${shape.stages.length} (one halving per stage)`);
  return shape.size / factor;
}

/** A layer's weights: a bias, or — when batch norm follows, which would cancel a bias — its norm. */
interface Filter {
  kernel: tf.Variable;
  bias?: tf.Variable;
  norm?: BatchNorm;
}

/** h + bias, or h itself when the layer has no bias. */
function addBias<T extends tf.Tensor>(h: T, bias?: tf.Variable): T {
  return bias ? (tf.add(h, bias) as T) : h;
}

/** Image [batch, size, size, channels] → flat features [batch, side² · lastStage] (ReLU'd). */
export class ConvEncoder {
  private readonly filters: Filter[] = [];
  readonly outputWidth: number;

  constructor(store: ParameterStore, scope: string, readonly shape: ConvShape) {
    const side = checkShape(shape, `ConvEncoder '${scope}'`);
    let inChannels = shape.channels;
    shape.stages.forEach((out, i) => {
      const batch = shape.normalization === 'batch';
      this.filters.push({
        kernel: store.glorot(`${scope}/conv${i}/kernel`, [4, 4, inChannels, out], 16 * inChannels, 16 * out),
        bias: batch ? undefined : store.zeros(`${scope}/conv${i}/bias`, [out]),
        norm: batch ? new BatchNorm(store, `${scope}/conv${i}/norm`, out) : undefined,
      });
      inChannels = out;
    });
    this.outputWidth = side * side * inChannels;
  }

  apply(x: tf.Tensor4D, mode: ForwardMode = EVALUATION): tf.Tensor2D {
    const { size, channels } = this.shape;
    if (x.shape[1] !== size || x.shape[2] !== size || x.shape[3] !== channels) {
      throw new Error(`ConvEncoder: images have shape [${x.shape.slice(1)}], expected [${size},${size},${channels}]`);
    }
    return tf.tidy(() => {
      let h: tf.Tensor4D = x;
      for (const { kernel, bias, norm } of this.filters) {
        h = addBias(tf.conv2d(h, kernel as tf.Tensor4D, 2, 'same'), bias);
        if (norm) h = norm.apply(h, mode);
        h = tf.relu(h);
      }
      return tf.reshape(h, [x.shape[0], this.outputWidth]) as tf.Tensor2D;
    });
  }
}

/** Vector [batch, inputWidth] → image logits/means [batch, size, size, channels] (no output activation). */
export class ConvDecoder {
  private readonly dense: Filter;
  private readonly filters: (Filter & { out: number })[] = [];
  private readonly side: number;

  constructor(store: ParameterStore, scope: string, readonly inputWidth: number, readonly shape: ConvShape) {
    this.side = checkShape(shape, `ConvDecoder '${scope}'`);
    const stages = [...shape.stages].reverse(); // e.g. [64, 32, 16]
    const denseOut = this.side * this.side * stages[0];
    const batch = shape.normalization === 'batch';
    this.dense = {
      kernel: store.glorot(`${scope}/dense/kernel`, [inputWidth, denseOut], inputWidth, denseOut),
      bias: batch ? undefined : store.zeros(`${scope}/dense/bias`, [denseOut]),
      norm: batch ? new BatchNorm(store, `${scope}/dense/norm`, denseOut) : undefined,
    };
    const outs = [...stages.slice(1), shape.channels];
    stages.forEach((inChannels, i) => {
      const out = outs[i];
      const last = i + 1 === stages.length;
      // conv2dTranspose filters are [h, w, outChannels, inChannels].
      this.filters.push({
        kernel: store.glorot(`${scope}/deconv${i}/kernel`, [4, 4, out, inChannels], 16 * inChannels, 16 * out),
        bias: batch && !last ? undefined : store.zeros(`${scope}/deconv${i}/bias`, [out]),
        norm: batch && !last ? new BatchNorm(store, `${scope}/deconv${i}/norm`, out) : undefined,
        out,
      });
    });
  }

  apply(v: tf.Tensor2D, mode: ForwardMode = EVALUATION): tf.Tensor4D {
    if (v.shape[1] !== this.inputWidth) throw new Error(`ConvDecoder: input has ${v.shape[1]} features, expected ${this.inputWidth}`);
    return tf.tidy(() => {
      const n = v.shape[0];
      const first = this.shape.stages[this.shape.stages.length - 1];
      let side = this.side;
      let flat = addBias(tf.matMul(v, this.dense.kernel as tf.Tensor2D), this.dense.bias);
      if (this.dense.norm) flat = this.dense.norm.apply(flat, mode);
      let h = tf.reshape(tf.relu(flat), [n, side, side, first]) as tf.Tensor4D;
      this.filters.forEach(({ kernel, bias, norm, out }, i) => {
        side *= 2;
        h = addBias(tf.conv2dTranspose(h, kernel as tf.Tensor4D, [n, side, side, out], 2, 'same'), bias);
        if (i + 1 < this.filters.length) {
          if (norm) h = norm.apply(h, mode);
          h = tf.relu(h);
        }
      });
      return h;
    });
  }
}
