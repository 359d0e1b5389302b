/** A fully connected network: dense layers with ReLU between them and a linear output. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterStore } from './parameter-store';

export class DenseNetwork {
  private readonly layers: { kernel: tf.Variable; bias: tf.Variable }[] = [];

  /** `widths` = [input, hidden..., output]. */
  constructor(store: ParameterStore, scope: string, readonly widths: number[]) {
    if (widths.length < 2 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
      throw new Error(`DenseNetwork '${scope}': widths must be ≥ 2 positive integers, got [${widths}]`);
    }
    for (let i = 0; i + 1 < widths.length; i++) {
      this.layers.push({
        kernel: store.glorot(`${scope}/dense${i}/kernel`, [widths[i], widths[i + 1]], widths[i], widths[i + 1]),
        bias: store.zeros(`${scope}/dense${i}/bias`, [widths[i + 1]]),
      });
    }
  }

  get outputWidth(): number {
    return this.widths[this.widths.length - 1];
  }

  /** x: [batch, widths[0]] → [batch, output]; ReLU after every layer but the last (and after the last too when `reluOutput`). */
  apply(x: tf.Tensor2D, { reluOutput = false }: { reluOutput?: boolean } = {}): tf.Tensor2D {
    if (x.shape[1] !== this.widths[0]) throw new Error(`DenseNetwork: input has ${x.shape[1]} features, expected ${this.widths[0]}`);
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.layers.forEach(({ kernel, bias }, i) => {
        h = tf.add(tf.matMul(h, kernel as tf.Tensor2D), bias) as tf.Tensor2D;
        if (i + 1 < this.layers.length || reluOutput) h = tf.relu(h);
      });
      return h;
    });
  }
}
