/**
 * A fully connected stack (the paper's MNIST encoder and supervision block are "two
 * fully-connected layers with 64 hidden neurons", §4.1). He-normal weights from a seeded
 * stream, zero biases; the last layer is linear unless `activateLast`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '@disentangle/kernels';
import { createVariable } from '@disentangle/flows';

export type Activation = 'relu' | 'leaky-relu';

export class Mlp {
  readonly variables: Record<string, tf.Variable> = {};
  private readonly layers: { kernel: tf.Variable; bias: tf.Variable }[] = [];

  constructor(
    readonly name: string,
    readonly widths: number[],
    private readonly activation: Activation,
    random: SeededRandom,
    private readonly activateLast = false,
  ) {
    if (widths.length < 2) throw new Error(`Mlp ${name}: needs an input width and at least one layer, got [${widths}]`);
    for (let i = 0; i + 1 < widths.length; i++) {
      // Keys are stable (`<name>/dense<i>/kernel`); createVariable makes the engine-wide name unique.
      const kernel = createVariable(`${name}/dense${i}/kernel`, random.normal([widths[i], widths[i + 1]], 0, Math.sqrt(2 / widths[i])));
      const bias = createVariable(`${name}/dense${i}/bias`, tf.zeros([widths[i + 1]]));
      this.variables[`${name}/dense${i}/kernel`] = kernel;
      this.variables[`${name}/dense${i}/bias`] = bias;
      this.layers.push({ kernel, bias });
    }
  }

  get outputWidth(): number {
    return this.widths[this.widths.length - 1];
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.widths[0]) throw new Error(`Mlp ${this.name}: input has shape [${x.shape}], expected [batch, ${this.widths[0]}]`);
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.layers.forEach(({ kernel, bias }, i) => {
        h = tf.add(tf.matMul(h, kernel as tf.Tensor2D), bias) as tf.Tensor2D;
        if (i < this.layers.length - 1 || this.activateLast) h = this.activation === 'relu' ? tf.relu(h) : tf.leakyRelu(h, 0.2);
      });
      return h;
    });
  }

  dispose(): void {
    tf.dispose(Object.values(this.variables));
  }
}
