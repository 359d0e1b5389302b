/**
 * The conditional label mapping network f of paper 000 §2.2.1: "several fully-connected
 * layers map c into an embedding code w", w = z_s, used either as a style code 1×1×C (through
 * AdaIN) or as a spatial structure map H×W×1 (through SPADE). Deterministic: q(z_s | c) and
 * p(z_s) are Diracs, so eq. 1's third term is 0.
 *
 *   f(c) = W_L lrelu(… lrelu(W_1 c + b_1) …) + b_L        c one-hot [n, C]
 *   style:   w ∈ R^[n, zsDim]            spatial: w reshaped to [n, H, W, 1]
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterStore } from '@disentangle/kernels';
import { applyDense, dense, lrelu } from './convolution';

export type MappingOutput = { kind: 'style'; width: number } | { kind: 'spatial'; side: number };

export class LabelMapping {
  private readonly layers: ReturnType<typeof dense>[] = [];

  constructor(store: ParameterStore, scope: string, readonly classes: number, hidden: number[], readonly output: MappingOutput) {
    const out = output.kind === 'style' ? output.width : output.side * output.side;
    const widths = [classes, ...hidden, out];
    for (let i = 0; i + 1 < widths.length; i++) this.layers.push(dense(store, `${scope}/fc${i}`, widths[i], widths[i + 1]));
  }

  /** c [n, C] one-hot → w: [n, zsDim] (style) or [n, H, W, 1] (spatial). */
  apply(c: tf.Tensor2D): tf.Tensor2D | tf.Tensor4D {
    return tf.tidy(() => {
      let h = c;
      this.layers.forEach((layer, i) => {
        h = applyDense(h, layer);
        if (i + 1 < this.layers.length) h = lrelu(h);
      });
      if (this.output.kind === 'style') return h;
      const { side } = this.output;
      return tf.reshape(h, [c.shape[0], side, side, 1]) as tf.Tensor4D;
    });
  }
}
