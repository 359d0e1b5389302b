/**
 * Spatially-adaptive normalisation, SPADE (Park et al. 2019, eq. 1 and Fig. 2; paper 000
 * §2.2.2 eq. 2: "In SPADE, μ_h and σ_h are computed on H, W and N, while β, γ are provided
 * with distinct values along C, H and W"):
 *
 *   m' = resize_nearest(m, H, W)                         (spatial code m: [N, H_m, W_m, C_m], any C_m)
 *   a  = ReLU(conv_k(m'; shared))                          [N, H, W, hiddenChannels]
 *   γ  = conv_k(a; gamma),  β = conv_k(a; beta)            [N, H, W, C]  (γ's bias initialised to 1)
 *   SPADE(h, m) = γ ⊙ (h − μ[c]) / √(σ²[c] + ε) + β,  μ, σ² over N, H, W (ParameterFreeBatchNormalization)
 *
 * Park et al.'s code writes (1 + γ); initialising γ's bias to 1 is the same start and keeps
 * eq. 2's form. Resizing: `resizeSpatialCode` (nearest, PyTorch's rule; not tfjs'
 * resizeNearestNeighbor, whose cpu gradient is wrong for batch > 1).
 * Training uses batch statistics; inference the moving statistics (see batch-normalization.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { qualifiedClassName, registerLayerClass, withDefaultName } from './layer-registration';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormalize, ParameterFreeBatchNormalization } from './batch-normalization';
import { CompositeLayer, type LayerArgs } from './composite-layer';
import { DEFAULT_EPSILON } from './instance-normalization';
import {
  assertRank,
  assertSameDimension,
  expectInputList,
  expectShapeList,
  formatShape,
  IMAGE_LAYOUT,
} from './validate';

/** SPADE's modulation with given γ, β of x's shape: γ ⊙ BN(x) + β, batch statistics over N, H, W. */
export function spade(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon = DEFAULT_EPSILON): tf.Tensor4D {
  assertRank('spade', 'x', x.shape, 4, IMAGE_LAYOUT);
  for (const [name, t] of [['gamma', gamma], ['beta', beta]] as const) {
    if (!tf.util.arraysEqual(t.shape, x.shape)) {
      throw new Error(`spade: "${name}" must have the shape of "x" ${formatShape(x.shape)}, got ${formatShape(t.shape)}`);
    }
  }
  return tf.tidy(() => tf.add(tf.mul(batchNormalize(x, epsilon), gamma), beta) as tf.Tensor4D);
}

/** S[i, j] = 1 where j = min(floor(i · from/to), from − 1): row i of the output copies input j. */
function nearestSelection(from: number, to: number): tf.Tensor2D {
  const values = new Float32Array(to * from);
  for (let i = 0; i < to; i++) values[i * from + Math.min(Math.floor((i * from) / to), from - 1)] = 1;
  return tf.tensor2d(values, [to, from]);
}

/** out = S · x along axis 1 of a [N, A, B, C] tensor, as a 2-D matMul (moves axis 1 first and back). */
function selectAlongAxis1(x: tf.Tensor4D, selection: tf.Tensor2D): tf.Tensor4D {
  const [n, a, b, c] = x.shape;
  const rows = tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [a, n * b * c]);
  const picked = tf.reshape(tf.matMul(selection, rows), [selection.shape[0], n, b, c]) as tf.Tensor4D;
  return tf.transpose(picked, [1, 0, 2, 3]);
}

/**
 * Nearest-neighbour resize of a [N, h, w, c] map to [N, height, width, c]: source index
 * min(floor(dst · in/out), in − 1) on each axis, the rule of tfjs' resizeNearestNeighbor
 * (alignCorners = halfPixelCenters = false) and PyTorch's 'nearest'. It is computed as two
 * products with constant 0/1 selection matrices, because tfjs-backend-cpu 4.22's
 * ResizeNearestNeighborGrad is wrong for batch > 1 (it offsets dy by the input's batch stride,
 * `batchOffset = b * imagesStrides[0]`, found by this package's tests); the products are exact
 * and differentiable on every backend. Returns a copy when the size already matches.
 */
export function resizeSpatialCode(code: tf.Tensor, height: number, width: number): tf.Tensor4D {
  assertRank('resizeSpatialCode', 'code', code.shape, 4, IMAGE_LAYOUT);
  const [, h, w] = code.shape;
  if (h === height && w === width) return tf.clone(code) as tf.Tensor4D;
  return tf.tidy((): tf.Tensor4D => {
    const rows = h === height ? (code as tf.Tensor4D) : selectAlongAxis1(code as tf.Tensor4D, nearestSelection(h, height));
    if (w === width) return rows;
    const swapped = tf.transpose(rows, [0, 2, 1, 3]);
    return tf.transpose(selectAlongAxis1(swapped, nearestSelection(w, width)), [0, 2, 1, 3]);
  });
}

export interface SpatiallyAdaptiveNormalizationArgs extends LayerArgs {
  /** Channels of the shared conv + ReLU. Default 128 (Park et al.). */
  hiddenChannels?: number;
  /** Kernel size of the three convs. Default 3. */
  kernelSize?: number;
  /** ε added to the variance. Default 1e-5. */
  epsilon?: number;
  /** Momentum of the moving statistics. Default 0.99. */
  momentum?: number;
}

const INPUTS = ['features', 'spatialCode'] as const;

/**
 * Layer form: inputs [features [N, H, W, C], spatialCode [N, H_m, W_m, C_m]] → [N, H, W, C].
 * Children (weights `<name>/normalization/moving_mean|moving_variance`, `shared|gamma|beta/kernel|bias`).
 */
export class SpatiallyAdaptiveNormalization extends CompositeLayer {
  static className = qualifiedClassName('SpatiallyAdaptiveNormalization');
  readonly hiddenChannels: number;
  readonly kernelSize: number;
  readonly epsilon: number;
  readonly momentum: number;
  private normalization!: ParameterFreeBatchNormalization;
  private shared: tfl.layers.Layer | null = null;
  private gamma: tfl.layers.Layer | null = null;
  private beta: tfl.layers.Layer | null = null;

  constructor(args: SpatiallyAdaptiveNormalizationArgs = {}) {
    super(withDefaultName(args, 'SpatiallyAdaptiveNormalization'));
    this.hiddenChannels = args.hiddenChannels ?? 128;
    this.kernelSize = args.kernelSize ?? 3;
    this.epsilon = args.epsilon ?? DEFAULT_EPSILON;
    this.momentum = args.momentum ?? 0.99;
    if (this.kernelSize % 2 !== 1) throw new Error(`SpatiallyAdaptiveNormalization: kernelSize must be odd, got ${this.kernelSize}`);
    this.normalization = new ParameterFreeBatchNormalization({ name: 'normalization', epsilon: this.epsilon, momentum: this.momentum });
  }

  protected sublayers(): tfl.layers.Layer[] {
    return [this.normalization, this.shared, this.gamma, this.beta].filter((l): l is tfl.layers.Layer => l != null);
  }

  private get owner(): string {
    return `SpatiallyAdaptiveNormalization "${this.name}"`;
  }

  private checkShapes(shapes: unknown): { features: tfl.Shape; code: tfl.Shape } {
    const [features, code] = expectShapeList(this.owner, shapes, INPUTS) as tfl.Shape[];
    assertRank(this.owner, 'features', features, 4, IMAGE_LAYOUT);
    assertRank(this.owner, 'spatialCode', code, 4, IMAGE_LAYOUT);
    assertSameDimension(this.owner, 'batch sizes', 'features', features, 0, 'spatialCode', code, 0);
    return { features, code };
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const { features, code } = this.checkShapes(inputShape);
    const channels = features[3];
    if (channels == null || code[3] == null) {
      throw new Error(`${this.owner}: channel counts must be known, got ${formatShape(features)}, ${formatShape(code)}`);
    }
    const conv = (name: string, filters: number, extra: Record<string, unknown> = {}) =>
      tfl.layers.conv2d({ name, filters, kernelSize: this.kernelSize, padding: 'same', ...extra });
    this.shared = conv('shared', this.hiddenChannels, { activation: 'relu' });
    this.gamma = conv('gamma', channels, { biasInitializer: 'ones' });
    this.beta = conv('beta', channels);
    this.buildSublayer(this.normalization, features);
    const hidden = this.buildSublayer(this.shared, [features[0], features[1], features[2], code[3]]);
    this.buildSublayer(this.gamma, hidden);
    this.buildSublayer(this.beta, hidden);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return [...this.checkShapes(inputShape).features];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
    const [features, code] = expectInputList(this.owner, inputs, INPUTS);
    this.checkShapes([features.shape, code.shape]);
    return tf.tidy(() => {
      const [, height, width] = features.shape;
      const hidden = this.shared!.apply(resizeSpatialCode(code, height, width)) as tf.Tensor;
      const gamma = this.gamma!.apply(hidden) as tf.Tensor;
      const beta = this.beta!.apply(hidden) as tf.Tensor;
      const normalized = this.normalization.apply(features, { training: kwargs.training === true }) as tf.Tensor;
      return tf.add(tf.mul(normalized, gamma), beta);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      hiddenChannels: this.hiddenChannels,
      kernelSize: this.kernelSize,
      epsilon: this.epsilon,
      momentum: this.momentum,
    };
  }
}
registerLayerClass(SpatiallyAdaptiveNormalization, 'SpatiallyAdaptiveNormalization');

export function spatiallyAdaptiveNormalization(args: SpatiallyAdaptiveNormalizationArgs = {}): SpatiallyAdaptiveNormalization {
  return new SpatiallyAdaptiveNormalization(args);
}
