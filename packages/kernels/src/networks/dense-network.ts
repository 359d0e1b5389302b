/**
 * A fully connected network: dense layers with ReLU between them (batch-normalised before the
 * ReLU when `normalization: 'batch'`) and a linear output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm, EVALUATION, type ForwardMode } from './batch-norm';
import type { ParameterStore } from './parameter-store';

export interface DenseNetworkOptions {
  /** Batch norm before every ReLU (not on a linear output). Default 'none'. */
  normalization?: 'batch' | 'none';
  /** ReLU (and batch norm) after the last layer too: a feature trunk rather than a head. Default false. */
  activateOutput?: boolean;
  /** Start the last layer at zero (kernel and bias), so the network outputs 0 until it learns otherwise. */
  zeroOutput?: boolean;
}

export class DenseNetwork {
  private readonly layers: { kernel: tf.Variable; bias?: tf.Variable; norm?: BatchNorm }[] = [];
  private readonly activateOutput: boolean;

  /** `widths` = [input, hidden..., output]. */
  constructor(store: ParameterStore, scope: string, readonly widths: number[], options: DenseNetworkOptions = {}) {
    if (widths.length < 2 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
      throw new Error(`DenseNetwork '${scope}': widths must be ≥ 2 positive integers, got [${widths}]`);
    }
    this.activateOutput = options.activateOutput ?? false;
    const count = widths.length - 1;
    for (let i = 0; i < count; i++) {
      const last = i + 1 === count;
      const activated = !last || this.activateOutput;
      const shape = [widths[i], widths[i + 1]];
      const normalised = activated && options.normalization === 'batch';
      this.layers.push({
        kernel: last && options.zeroOutput ? store.zeros(`${scope}/dense${i}/kernel`, shape) : store.glorot(`${scope}/dense${i}/kernel`, shape, widths[i], widths[i + 1]),
        // Batch norm's β replaces the bias of a normalised layer.
        bias: normalised ? undefined : store.zeros(`${scope}/dense${i}/bias`, [widths[i + 1]]),
        norm: normalised ? new BatchNorm(store, `${scope}/dense${i}/norm`, widths[i + 1]) : undefined,
      });
    }
  }

  get outputWidth(): number {
    return this.widths[this.widths.length - 1];
  }

  /** x: [batch, widths[0]] → [batch, output]. */
  apply(x: tf.Tensor2D, mode: ForwardMode = EVALUATION): tf.Tensor2D {
    if (x.shape[1] !== this.widths[0]) throw new Error(`DenseNetwork: input has ${x.shape[1]} features, expected ${this.widths[0]}`);
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.layers.forEach(({ kernel, bias, norm }, i) => {
        h = tf.matMul(h, kernel as tf.Tensor2D);
        if (bias) h = tf.add(h, bias) as tf.Tensor2D;
        if (i + 1 < this.layers.length || this.activateOutput) {
          if (norm) h = norm.apply(h, mode);
          h = tf.relu(h);
        }
      });
      return h;
    });
  }
}
