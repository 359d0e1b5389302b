/**
 * Dec(z_s, z_u) of paper 000 §2.2.2: a 4×4 map doubled by each block up to the image side,
 * "each layer" normalised with the codes that the structure feeds by modulation:
 *
 *   h₀ = reshape(W [inputs] + b)   when some code is a "Dec input" (concatenated: cVAE-GAN's c and z_u, S1/S2's z_u)
 *      = a learned 4×4 map          otherwise (every code arrives through AdaIN / SPADE)
 *   h_{i+1} = conv₃ₓ₃(up₂(lrelu(norm_i(h_i; codes))))          i = 0 … b − 1
 *   x̂ = sigmoid(conv₃ₓ₃(lrelu(norm_b(h_b; codes))))            the Gaussian mean, on [0, 1] pixels
 *
 * norm_i is a ModulatedNormalization with one branch per modulating code. up₂ is nearest ×2
 * (SPADE's generator); stride-2 transposed convs were cheaper but drew checkerboards in the
 * prior samples of a 400-step run.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardMode, ParameterStore } from '@disentangle/kernels';
import { applyConvolution, applyDense, convolution, dense, lrelu, type Convolution } from './convolution';
import { ModulatedNormalization, type BranchCodes, type ModulationBranch } from './modulated-normalization';

export interface ModulatedDecoderOptions {
  size: number;
  channels: number;
  /** Width of the concatenated decoder inputs (0: a learned constant map). */
  inputWidth: number;
  branches: ModulationBranch[];
  /** The 4×4 map's channels, then each block's output. */
  stages: number[];
  spadeHidden: number;
}

/**
 * Nearest ×2: out[n, 2i + a, 2j + b, c] = h[n, i, j, c], as one broadcast product
 * ([n·H, 1, W, 1, C] × ones [1, 2, 1, 2, 1]); its gradient is a sum over the 2×2 copies.
 * (normalization's resizeSpatialCode is exact for any ratio but costs two matrix products.)
 */
export function upsampleTwice(h: tf.Tensor4D): tf.Tensor4D {
  const [n, height, width, channels] = h.shape;
  return tf.tidy(() => tf.reshape(tf.mul(tf.reshape(h, [n * height, 1, width, 1, channels]), tf.ones([1, 2, 1, 2, 1])), [n, 2 * height, 2 * width, channels]) as tf.Tensor4D);
}

export class ModulatedDecoder {
  private readonly start: { dense?: ReturnType<typeof dense>; constant?: tf.Variable };
  private readonly norms: ModulatedNormalization[] = [];
  private readonly convs: Convolution[] = [];

  constructor(store: ParameterStore, scope: string, readonly options: ModulatedDecoderOptions) {
    const { stages, inputWidth, branches, spadeHidden, channels } = options;
    const first = 16 * stages[0];
    this.start = inputWidth > 0 ? { dense: dense(store, `${scope}/input`, inputWidth, first) } : { constant: store.glorot(`${scope}/constant`, [1, 4, 4, stages[0]], first, first) };
    stages.forEach((c, i) => {
      this.norms.push(new ModulatedNormalization(store, `${scope}/norm${i}`, c, branches, spadeHidden));
      const out = i + 1 < stages.length ? stages[i + 1] : channels;
      this.convs.push(convolution(store, `${scope}/conv${i}`, 3, c, out));
    });
  }

  /** Inputs [n, inputWidth] (or n with no inputs) and one code per branch → images [n, size, size, channels] in [0, 1]. */
  apply(inputs: tf.Tensor2D | number, codes: BranchCodes, mode: ForwardMode): tf.Tensor4D {
    return tf.tidy(() => {
      const { stages } = this.options;
      let h: tf.Tensor4D;
      if (this.start.dense) {
        if (typeof inputs === 'number') throw new Error('ModulatedDecoder: this decoder takes its codes as inputs, none were given');
        if (inputs.shape[1] !== this.options.inputWidth) throw new Error(`ModulatedDecoder: inputs have ${inputs.shape[1]} values, expected ${this.options.inputWidth}`);
        h = tf.reshape(applyDense(inputs, this.start.dense), [inputs.shape[0], 4, 4, stages[0]]) as tf.Tensor4D;
      } else {
        const n = typeof inputs === 'number' ? inputs : inputs.shape[0];
        h = tf.tile(this.start.constant!, [n, 1, 1, 1]) as tf.Tensor4D;
      }
      for (let i = 0; i < stages.length; i++) {
        h = lrelu(this.norms[i].apply(h, codes, mode));
        if (i + 1 < stages.length) h = upsampleTwice(h);
        h = applyConvolution(h, this.convs[i]);
      }
      return tf.sigmoid(h) as tf.Tensor4D;
    });
  }
}
