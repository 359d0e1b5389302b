/**
 * Parameter-free batch normalisation (Ioffe & Szegedy 2015, Alg. 1 without γ, β), the
 * normalisation inside SPADE (Park et al. 2019, eq. 1; paper 000 eq. 2 with statistics
 * "computed on H, W and N"):
 *
 *   BN(x)[n,h,w,c] = (x[n,h,w,c] − μ[c]) / √(σ²[c] + ε),
 *   μ[c] = mean_{n,h,w} x[·,·,·,c],  σ²[c] = mean_{n,h,w} (x − μ[c])²  (biased).
 *
 * Training (`training: true`, as `model.fit` passes): the batch's μ, σ² are used, and the
 * moving statistics are updated as in Keras / tfjs-layers (momentum m, default 0.99):
 *   movingMean ← m·movingMean + (1 − m)·μ,
 *   movingVariance ← m·movingVariance + (1 − m)·σ²·M/(M − 1),  M = N·H·W (unbiased, as PyTorch).
 * Inference (the default, as in tfjs-layers' BatchNormalization): movingMean and
 * movingVariance (non-trainable weights, saved with the layer) replace μ and σ².
 */
import * as tf from '@tensorflow/tfjs-core';
import { qualifiedClassName, registerLayerClass, withDefaultName } from './layer-registration';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from './composite-layer';
import { DEFAULT_EPSILON } from './instance-normalization';
import { assertRank, IMAGE_LAYOUT, singleShape, singleTensor } from './validate';

/** BN(x) with the batch's statistics over N, H, W per channel; `x` is [batch, height, width, channels]. */
export function batchNormalize(x: tf.Tensor, epsilon = DEFAULT_EPSILON): tf.Tensor4D {
  assertRank('batchNormalize', 'x', x.shape, 4, IMAGE_LAYOUT);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))) as tf.Tensor4D;
  });
}

export interface ParameterFreeBatchNormalizationArgs extends LayerArgs {
  /** ε added to the variance. Default 1e-5. */
  epsilon?: number;
  /** Keras-convention momentum of the moving statistics (weight kept on the old value). Default 0.99. */
  momentum?: number;
}

/** Layer form of `batchNormalize` with moving statistics for inference (see the module comment). */
export class ParameterFreeBatchNormalization extends tfl.layers.Layer {
  static className = qualifiedClassName('ParameterFreeBatchNormalization');
  readonly epsilon: number;
  readonly momentum: number;
  private movingMean!: tfl.LayerVariable;
  private movingVariance!: tfl.LayerVariable;

  constructor(args: ParameterFreeBatchNormalizationArgs = {}) {
    super(withDefaultName(args, 'ParameterFreeBatchNormalization'));
    this.epsilon = args.epsilon ?? DEFAULT_EPSILON;
    this.momentum = args.momentum ?? 0.99;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`ParameterFreeBatchNormalization: momentum must be in [0, 1], got ${this.momentum}`);
    }
  }

  private get owner(): string {
    return `ParameterFreeBatchNormalization "${this.name}"`;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = singleShape(inputShape);
    assertRank(this.owner, 'x', shape, 4, IMAGE_LAYOUT);
    const channels = shape[3];
    if (channels == null) throw new Error(`${this.owner}: the channel count of "x" must be known, got ${String(shape)}`);
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tfl.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = singleShape(inputShape);
    assertRank(this.owner, 'x', shape, 4, IMAGE_LAYOUT);
    return [...shape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
    const x = singleTensor(this.owner, inputs);
    assertRank(this.owner, 'x', x.shape, 4, IMAGE_LAYOUT);
    return tf.tidy(() => {
      if (kwargs.training !== true) {
        const scale = tf.rsqrt(tf.add(this.movingVariance.read(), this.epsilon));
        return tf.mul(tf.sub(x, this.movingMean.read()), scale);
      }
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      const count = (x.shape as number[]).slice(0, 3).reduce((a, b) => a * b, 1);
      const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
      const m = this.momentum;
      this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), m), tf.mul(mean, 1 - m)));
      this.movingVariance.write(
        tf.add(tf.mul(this.movingVariance.read(), m), tf.mul(unbiased, 1 - m)),
      );
      return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, momentum: this.momentum };
  }
}
registerLayerClass(ParameterFreeBatchNormalization, 'ParameterFreeBatchNormalization');

export function parameterFreeBatchNormalization(
  args: ParameterFreeBatchNormalizationArgs = {},
): ParameterFreeBatchNormalization {
  return new ParameterFreeBatchNormalization(args);
}
