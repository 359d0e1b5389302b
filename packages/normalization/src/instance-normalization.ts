/**
 * Parameter-free instance normalisation (Ulyanov et al. 2016), the normalisation inside
 * AdaIN (Huang & Belongie 2017, eq. 8; paper 000 eq. 2 with statistics "computed on H and W"):
 *
 *   IN(x)[n,h,w,c] = (x[n,h,w,c] − μ[n,c]) / √(σ²[n,c] + ε),
 *   μ[n,c] = mean_{h,w} x[n,·,·,c],  σ²[n,c] = mean_{h,w} (x[n,·,·,c] − μ[n,c])²  (biased).
 *
 * Layout NHWC. No weights and no training/inference difference.
 */
import * as tf from '@tensorflow/tfjs-core';
import { qualifiedClassName, registerLayerClass, withDefaultName } from './layer-registration';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from './composite-layer';
import { assertRank, IMAGE_LAYOUT, singleShape, singleTensor } from './validate';

export const DEFAULT_EPSILON = 1e-5;

/** IN(x) over H, W per sample and channel (see the module comment); `x` is [batch, height, width, channels]. */
export function instanceNormalize(x: tf.Tensor, epsilon = DEFAULT_EPSILON): tf.Tensor4D {
  assertRank('instanceNormalize', 'x', x.shape, 4, IMAGE_LAYOUT);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [1, 2], true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))) as tf.Tensor4D;
  });
}

export interface InstanceNormalizationArgs extends LayerArgs {
  /** ε added to the variance. Default 1e-5. */
  epsilon?: number;
}

/** Layer form of `instanceNormalize`: one input [batch, height, width, channels], same-shaped output. */
export class InstanceNormalization extends tfl.layers.Layer {
  static className = qualifiedClassName('InstanceNormalization');
  readonly epsilon: number;

  constructor(args: InstanceNormalizationArgs = {}) {
    super(withDefaultName(args, 'InstanceNormalization'));
    this.epsilon = args.epsilon ?? DEFAULT_EPSILON;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    assertRank(`InstanceNormalization "${this.name}"`, 'x', singleShape(inputShape), 4, IMAGE_LAYOUT);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = singleShape(inputShape);
    assertRank(`InstanceNormalization "${this.name}"`, 'x', shape, 4, IMAGE_LAYOUT);
    return [...shape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => instanceNormalize(singleTensor(`InstanceNormalization "${this.name}"`, inputs), this.epsilon));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
registerLayerClass(InstanceNormalization, 'InstanceNormalization');

export function instanceNormalization(args: InstanceNormalizationArgs = {}): InstanceNormalization {
  return new InstanceNormalization(args);
}
