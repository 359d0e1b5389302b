/**
 * The decoder of paper 001's Fig. 1:
 *
 *   h₀ = FC([code, scalar token of y]) reshaped to 4×4×C₀
 *   h_{i+1} = AdainResBlock_i([h_i ‖ token image_i of y], z)      (×2 each, i < B)
 *   d = sigmoid(conv₁ₓ₁(h_B))
 *
 * "one set of learnable tokens per class. The set is then selected according to the value of
 * y. Each set is composed of [one scalar and one image per residual block]. The first one
 * (the scalar) is concatenated to u and z to feed the first fully connected layer of the
 * decoder. Then, for each token (an image), we concatenate the token and the input of its
 * associated residual block along the channel dimension." With K labels each label has its
 * own sets (one per value), so the FC gets K scalars and each block K token channels. A
 * soft y (a Gumbel-softmax sample) mixes the sets (normalization's `mixTokens`), which is
 * how gradients reach q(y | x) from unlabelled images.
 *
 * The output is a sigmoid on [0, 1], the paper's tanh on [−1, 1] rescaled.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DenseNetwork, type ParameterStore } from '@disentangle/kernels';
import { mixTokens } from '@disentangle/normalization';
import { AdainResidualBlock } from './adain-residual-block';

export interface TokenDecoderOptions {
  size: number;
  channels: number;
  /** Width of the code the FC reads (z, u, and y when there are no tokens). */
  codeWidth: number;
  /** Number of binary labels K (0: no tokens). */
  labels: number;
  /** Learned tokens per class (needs labels). */
  tokens: boolean;
  /** Width of the AdaIN style code (z); 0 turns AdaIN off. */
  styleWidth: number;
  /** [C₀, C₁, …, C_B]: the 4×4 map's channels, then each block's output. */
  stages: number[];
}

export class TokenDecoder {
  private readonly fc: DenseNetwork;
  private readonly blocks: AdainResidualBlock[] = [];
  private readonly output: { kernel: tf.Variable; bias: tf.Variable };
  private readonly scalarTokens: tf.Variable[] = [];
  private readonly mapTokens: tf.Variable[][] = [];

  constructor(store: ParameterStore, scope: string, readonly options: TokenDecoderOptions) {
    const { codeWidth, labels, tokens, styleWidth, stages, channels } = options;
    if (tokens && labels < 1) throw new Error('TokenDecoder: tokens need at least one label');
    const tokenChannels = tokens ? labels : 0;
    // Token values start ~N(0, 1)-sized: Glorot-uniform with fanIn + fanOut = 2 is U(−√3, √3), variance 1.
    for (let k = 0; k < tokenChannels; k++) {
      this.scalarTokens.push(store.glorot(`${scope}/tokens/label${k}/scalar`, [2, 1], 1, 1));
      this.mapTokens.push(stages.slice(0, -1).map((_, i) => store.glorot(`${scope}/tokens/label${k}/map${i}`, [2, 4 * 2 ** i, 4 * 2 ** i, 1], 1, 1)));
    }
    this.fc = new DenseNetwork(store, `${scope}/fc`, [codeWidth + tokenChannels, 16 * stages[0]]);
    for (let i = 0; i + 1 < stages.length; i++) {
      this.blocks.push(new AdainResidualBlock(store, `${scope}/block${i}`, stages[i] + tokenChannels, stages[i + 1], styleWidth));
    }
    const last = stages[stages.length - 1];
    this.output = { kernel: store.glorot(`${scope}/out/kernel`, [1, 1, last, channels], last, channels), bias: store.zeros(`${scope}/out/bias`, [channels]) };
  }

  /** code [batch, codeWidth], style z [batch, styleWidth] (AdaIN), labels y [batch, K, 2] (tokens) → images in [0, 1]. */
  apply(code: tf.Tensor2D, style?: tf.Tensor2D, labels?: tf.Tensor3D): tf.Tensor4D {
    const { tokens, stages } = this.options;
    if (tokens && !labels) throw new Error('TokenDecoder: the tokens are chosen by y, and no labels were given');
    return tf.tidy(() => {
      const n = code.shape[0];
      const perLabel = (k: number) => tf.squeeze(tf.slice(labels!, [0, k, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
      const fcInput = tokens ? tf.concat([code, ...this.scalarTokens.map((t, k) => mixTokens(perLabel(k), t))], 1) : code;
      let h = tf.reshape(this.fc.apply(fcInput as tf.Tensor2D), [n, 4, 4, stages[0]]) as tf.Tensor4D;
      this.blocks.forEach((block, i) => {
        const input = tokens ? (tf.concat([h, ...this.mapTokens.map((maps, k) => mixTokens(perLabel(k), maps[i]) as tf.Tensor4D)], 3) as tf.Tensor4D) : h;
        h = block.apply(input, style);
      });
      return tf.sigmoid(tf.add(tf.conv2d(h, this.output.kernel as tf.Tensor4D, 1, 'same'), this.output.bias)) as tf.Tensor4D;
    });
  }
}
