/**
 * Learnable class tokens of paper 001 (Zou et al. 2022, §2.1, Fig. 1): "one set of
 * learnable tokens per class. The set is then selected according to the value of y. Each
 * set is composed of five tokens (one scalar and four images that are associated each one
 * to a residual block of the decoder). The first one (the scalar) is concatenated to u and z
 * to feed the first fully connected layer of the decoder. Then, for each token (an image),
 * we concatenate the token and the input of its associated residual block along the
 * channel dimension."
 *
 * With labels y ∈ ℝ^{N×K} (one-hot, or soft probabilities such as a Gumbel-softmax sample):
 *
 *   scalar[n]  = Σ_k y[n,k] · s_k                     [N, 1]
 *   map_i[n]   = Σ_k y[n,k] · T_{i,k}                 [N, h_i, w_i, c_i]
 *
 * A one-hot y selects exactly class k's set; a soft y mixes the sets by its probabilities,
 * so ∂/∂y[n,k] = ⟨upstream gradient, token of class k⟩ and gradients reach y (how the
 * paper trains with a Gumbel-softmax sample for unlabelled data). The number of token
 * images and their sizes are arguments (the paper uses four, one per residual block).
 */
import * as tf from '@tensorflow/tfjs-core';
import { qualifiedClassName, registerLayerClass, withDefaultName } from './layer-registration';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from './composite-layer';
import { assertRank, assertSameDimension, formatShape, IMAGE_LAYOUT, singleShape, singleTensor } from './validate';

export interface LearnedTokensArgs extends LayerArgs {
  /** Number of classes K (the width of the label input). Required. */
  numClasses: number;
  /** [height, width, channels] of each token image, one per residual block. Default [] (scalar only). */
  tokenShapes?: [number, number, number][];
  /** Standard deviation of the tokens' normal initialisation. Default 1. */
  initialStddev?: number;
}

/** Layer form: input labels [N, K] → [scalar [N, 1], map_0 [N, h_0, w_0, c_0], …]. Weights `scalar`, `map_i`. */
export class LearnedTokens extends tfl.layers.Layer {
  static className = qualifiedClassName('LearnedTokens');
  readonly numClasses: number;
  readonly tokenShapes: [number, number, number][];
  readonly initialStddev: number;
  private scalarTokens!: tfl.LayerVariable;
  private mapTokens: tfl.LayerVariable[] = [];

  constructor(args: LearnedTokensArgs) {
    super(withDefaultName(args, 'LearnedTokens'));
    if (!Number.isInteger(args?.numClasses) || args.numClasses < 1) {
      throw new Error(`LearnedTokens: numClasses must be a positive integer, got ${String(args?.numClasses)}`);
    }
    this.numClasses = args.numClasses;
    this.tokenShapes = (args.tokenShapes ?? []).map((s) => [...s] as [number, number, number]);
    for (const [i, s] of this.tokenShapes.entries()) {
      if (s.length !== 3 || s.some((d) => !Number.isInteger(d) || d < 1)) {
        throw new Error(`LearnedTokens: tokenShapes[${i}] must be [height, width, channels] of positive integers, got ${formatShape(s)}`);
      }
    }
    this.initialStddev = args.initialStddev ?? 1;
  }

  private get owner(): string {
    return `LearnedTokens "${this.name}"`;
  }

  private checkLabels(shape: readonly (number | null)[]): void {
    assertRank(this.owner, 'labels', shape, 2, '[batch, classes]');
    if (shape[1] != null && shape[1] !== this.numClasses) {
      throw new Error(`${this.owner}: input "labels" must have ${this.numClasses} classes, got shape ${formatShape(shape)}`);
    }
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.checkLabels(singleShape(inputShape));
    const init = () => tfl.initializers.randomNormal({ mean: 0, stddev: this.initialStddev });
    this.scalarTokens = this.addWeight('scalar', [this.numClasses, 1], 'float32', init());
    this.mapTokens = this.tokenShapes.map((s, i) => this.addWeight(`map_${i}`, [this.numClasses, ...s], 'float32', init()));
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    const shape = singleShape(inputShape);
    this.checkLabels(shape);
    return [[shape[0], 1], ...this.tokenShapes.map((s) => [shape[0], ...s])];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    const labels = singleTensor(this.owner, inputs);
    this.checkLabels(labels.shape);
    return tf.tidy(() => {
      const y = tf.cast(labels, 'float32') as tf.Tensor2D;
      return [mixTokens(y, this.scalarTokens.read()), ...this.mapTokens.map((token) => mixTokens(y, token.read()))];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numClasses: this.numClasses,
      tokenShapes: this.tokenShapes.map((s) => [...s]),
      initialStddev: this.initialStddev,
    };
  }
}
registerLayerClass(LearnedTokens, 'LearnedTokens');

export function learnedTokens(args: LearnedTokensArgs): LearnedTokens {
  return new LearnedTokens(args);
}

/**
 * The tokens of each row's class: Σ_k y[n,k] · T_k for labels y [N, K] (one-hot selects class
 * k's token, a soft y mixes them) and one token per class, `tokens` [K, ...shape] → [N, ...shape].
 * The Layer's arithmetic as a plain function, for models that keep their own variables.
 */
export function mixTokens(labels: tf.Tensor, tokens: tf.Tensor): tf.Tensor {
  const owner = 'mixTokens';
  assertRank(owner, 'labels', labels.shape, 2, '[batch, classes]');
  if (tokens.rank < 1 || tokens.shape[0] !== labels.shape[1]) {
    throw new Error(`${owner}: tokens ${formatShape(tokens.shape)} must hold one token per class (${labels.shape[1]}) along their first axis`);
  }
  return tf.tidy(() => {
    const flat = tf.reshape(tokens, [tokens.shape[0], -1]) as tf.Tensor2D;
    const mixed = tf.matMul(tf.cast(labels, 'float32') as tf.Tensor2D, flat);
    return tokens.rank === 1 ? tf.reshape(mixed, [labels.shape[0]]) : tf.reshape(mixed, [labels.shape[0], ...tokens.shape.slice(1)]);
  });
}

/**
 * [blockInput ‖ tokenMap] along channels: blockInput [N, H, W, C] and tokenMap [N, H, W, c]
 * → [N, H, W, C + c] (paper 001: "we concatenate the token and the input of its associated
 * residual block along the channel dimension"). Use `tfl.layers.concatenate()` inside a model.
 */
export function concatenateToken(blockInput: tf.Tensor, tokenMap: tf.Tensor): tf.Tensor4D {
  const owner = 'concatenateToken';
  assertRank(owner, 'blockInput', blockInput.shape, 4, IMAGE_LAYOUT);
  assertRank(owner, 'tokenMap', tokenMap.shape, 4, IMAGE_LAYOUT);
  assertSameDimension(owner, 'batch sizes', 'blockInput', blockInput.shape, 0, 'tokenMap', tokenMap.shape, 0);
  assertSameDimension(owner, 'heights', 'blockInput', blockInput.shape, 1, 'tokenMap', tokenMap.shape, 1);
  assertSameDimension(owner, 'widths', 'blockInput', blockInput.shape, 2, 'tokenMap', tokenMap.shape, 2);
  return tf.concat([blockInput as tf.Tensor4D, tokenMap as tf.Tensor4D], 3);
}
