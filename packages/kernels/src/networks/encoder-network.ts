/**
 * An encoder's trunk and its Gaussian head.
 *
 *   FeatureNetwork: images: stride-2 conv stages → flatten → [features, y] → dense `hidden` (ReLU'd);
 *                   vectors: [x, y] → dense `hidden` (ReLU'd). y is concatenated only when the
 *                   encoder is conditional (`labelWidth` > 0).
 *   GaussianHead:   features → (hidden, ReLU) → (μ, log σ²).
 *
 * CSVAE builds two of these, one per posterior (q(z | x) and q(w | x, y)), as the paper's
 * Figure 1(c) draws separate networks; each baseline builds one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { splitMeanLogVar } from '../probability/gaussian';
import type { InputSpec } from '../model/model-entry';
import { EVALUATION, type ForwardMode } from './batch-norm';
import { ConvEncoder } from './conv-network';
import { DenseNetwork } from './dense-network';
import type { ParameterStore } from './parameter-store';

export interface FeatureNetworkOptions {
  input: InputSpec;
  convStages: number[];
  hidden: number[];
  normalization: 'batch' | 'none';
  /** Number of label columns concatenated after the conv features (0: the encoder ignores y). */
  labelWidth: number;
}

export class FeatureNetwork {
  private readonly conv?: ConvEncoder;
  private readonly dense: DenseNetwork;
  readonly outputWidth: number;
  readonly labelWidth: number;

  constructor(store: ParameterStore, scope: string, options: FeatureNetworkOptions) {
    const { input, convStages, hidden, normalization, labelWidth } = options;
    this.labelWidth = labelWidth;
    let width: number;
    if (input.kind === 'image') {
      this.conv = new ConvEncoder(store, `${scope}/conv`, { size: input.size, channels: input.channels, stages: convStages, normalization });
      width = this.conv.outputWidth;
    } else {
      width = input.dim;
    }
    this.dense = new DenseNetwork(store, `${scope}/trunk`, [width + labelWidth, ...hidden], { activateOutput: true, normalization });
    this.outputWidth = hidden[hidden.length - 1];
  }

  apply(x: tf.Tensor, y: tf.Tensor2D | undefined, mode: ForwardMode = EVALUATION): tf.Tensor2D {
    return tf.tidy(() => {
      let h = this.conv ? this.conv.apply(x as tf.Tensor4D, mode) : (x as tf.Tensor2D);
      if (this.labelWidth > 0) {
        if (!y) throw new Error('FeatureNetwork: this encoder is conditional and needs labels y');
        h = tf.concat([h, y], 1) as tf.Tensor2D;
      }
      return this.dense.apply(h, mode);
    });
  }
}

export type GaussianCode = {
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
};

/** A Gaussian head: features → (hidden ReLU, unless `hidden` is 0) → (μ, log σ²). */
export class GaussianHead {
  private readonly net: DenseNetwork;
  constructor(store: ParameterStore, scope: string, inputWidth: number, hidden: number, readonly dim: number, { zeroOutput = false }: { zeroOutput?: boolean } = {}) {
    this.net = new DenseNetwork(store, scope, hidden > 0 ? [inputWidth, hidden, 2 * dim] : [inputWidth, 2 * dim], { zeroOutput });
  }
  apply(h: tf.Tensor2D): GaussianCode {
    return tf.tidy(() => splitMeanLogVar(this.net.apply(h)) as unknown as GaussianCode);
  }
}
