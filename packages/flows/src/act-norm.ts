/**
 * Activation normalisation (Glow, Kingma & Dhariwal 2018, §3.1, Table 1 row 1):
 *   y = (x + b) ⊙ exp(log s)     per channel, broadcast over batch, height and width
 *   log |det ∂y/∂x| = H · W · Σ_c log s_c
 *   inverse: x = y ⊙ exp(−log s) − b
 * (Glow's code `actnorm_center` then `actnorm_scale`, with the scale stored as a log.)
 *
 * Data-dependent initialisation: the first forward batch sets b = −mean(x) and
 * log s = log(scale / (std(x) + 1e-6)) per channel, so the output has zero mean and unit
 * variance (`scale`, default 1). The "initialised" flag is a non-trainable variable
 * (`<name>/initialized`, 0 or 1), so it is saved with the weights and a loaded ActNorm does
 * not re-initialise on its next batch (the bug of rosinality/glow-pytorch#6). The flag is
 * read on every forward call (a one-element read).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { registerLayerClass } from './serialization';
import { assertChannels, createVariable, defaultName } from './variables';

export interface ActNormArgs {
  /** Number of channels (last axis). Required. */
  channels: number;
  /** Layer name, the prefix of the variable keys. Default `actnorm_<n>`. */
  name?: string;
  /** Target standard deviation of the data-dependent initialisation. Default 1. */
  scale?: number;
  /** Initialise from the first batch. Default true; false starts at the identity, initialised. */
  dataInit?: boolean;
}

/** ActNorm's config: its constructor arguments, defaults filled in. */
export type ActNormConfig = Required<ActNormArgs>;

export class ActNorm implements Bijector {
  static readonly className = 'ActNorm';
  readonly name: string;
  readonly channels: number;
  readonly scale: number;
  readonly dataInit: boolean;
  readonly bias: tf.Variable;
  readonly logScale: tf.Variable;
  readonly initialized: tf.Variable;

  constructor(args: ActNormArgs) {
    if (!Number.isInteger(args.channels) || args.channels <= 0) throw new Error(`ActNorm: channels must be a positive integer, got ${args.channels}`);
    this.channels = args.channels;
    this.name = args.name ?? defaultName('actnorm');
    this.scale = args.scale ?? 1;
    const dataInit = args.dataInit ?? true;
    this.dataInit = dataInit;
    this.bias = createVariable(`${this.name}/bias`, tf.zeros([args.channels]));
    this.logScale = createVariable(`${this.name}/log_scale`, tf.zeros([args.channels]));
    this.initialized = createVariable(`${this.name}/initialized`, tf.scalar(dataInit ? 0 : 1), false);
  }

  isInitialized(): boolean {
    return this.initialized.dataSync()[0] !== 0;
  }

  /** Sets b and log s from `x` (NHWC) so that the output is standardised per channel. */
  initializeFrom(x: tf.Tensor): void {
    assertChannels('ActNorm.initializeFrom', 'x', x, this.channels);
    tf.tidy(() => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      this.bias.assign(tf.neg(mean));
      this.logScale.assign(tf.log(tf.div(this.scale, tf.add(tf.sqrt(variance), 1e-6))));
      this.initialized.assign(tf.scalar(1));
    });
  }

  private logDet(x: tf.Tensor): tf.Tensor1D {
    const [batch, height, width] = x.shape;
    return tf.tidy(() => tf.mul(tf.ones([batch]), tf.mul(tf.sum(this.logScale), height * width))) as tf.Tensor1D;
  }

  forward(x: tf.Tensor): ForwardResult {
    assertChannels('ActNorm.forward', 'x', x, this.channels);
    if (!this.isInitialized()) this.initializeFrom(x);
    return tf.tidy(() => ({
      y: tf.mul(tf.add(x, this.bias), tf.exp(this.logScale)),
      logDet: this.logDet(x),
    }));
  }

  inverse(y: tf.Tensor): InverseResult {
    assertChannels('ActNorm.inverse', 'y', y, this.channels);
    return tf.tidy(() => ({
      x: tf.sub(tf.mul(y, tf.exp(tf.neg(this.logScale))), this.bias),
      logDet: tf.neg(this.logDet(y)) as tf.Tensor1D,
    }));
  }

  variables(): Record<string, tf.Variable> {
    return { [`${this.name}/bias`]: this.bias, [`${this.name}/log_scale`]: this.logScale, [`${this.name}/initialized`]: this.initialized };
  }

  /**
   * The constructor arguments. The initialised flag is a variable, not config: a layer
   * rebuilt from this starts uninitialised (when dataInit) until its weights are loaded.
   */
  getConfig(): ActNormConfig {
    return { channels: this.channels, name: this.name, scale: this.scale, dataInit: this.dataInit };
  }

  /** An ActNorm with the same architecture and variable keys (fresh values). */
  static fromConfig(config: ActNormArgs): ActNorm {
    return new ActNorm(config);
  }

  dispose(): void {
    tf.dispose([this.bias, this.logScale, this.initialized]);
  }
}

registerLayerClass(ActNorm);

export function actNorm(args: ActNormArgs): ActNorm {
  return new ActNorm(args);
}
