/**
 * The SPADE + AdaIN block of paper 000 (Zhang et al. 2020, §2.2.2, eq. 2): "h^(l) is
 * processed by SPADE and AdaIN at the same time. Then we concatenate the results and reduce
 * the channel dimensions through 1×1 conv."
 *
 *   out = conv_{1×1}( [ SPADE(h, m) ‖ AdaIN(h, w) ] )      ‖ = concatenation along channels
 *
 * h: [N, H, W, C] activation, m: spatial code [N, H_m, W_m, C_m] (resized to H × W),
 * w: style code [N, D]. The 1×1 conv maps 2C channels to `filters` (default C), with a bias.
 * The paper does not give the 1×1 conv's bias or width; both are choices made here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { qualifiedClassName, registerLayerClass, withDefaultName } from './layer-registration';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdaptiveInstanceNormalization } from './adain';
import { CompositeLayer, type LayerArgs } from './composite-layer';
import { DEFAULT_EPSILON } from './instance-normalization';
import { SpatiallyAdaptiveNormalization } from './spade';
import {
  assertRank,
  assertSameDimension,
  expectInputList,
  expectShapeList,
  formatShape,
  IMAGE_LAYOUT,
} from './validate';

export interface SpadeAdainBlockArgs extends LayerArgs {
  /** Output channels of the 1×1 conv. Default: the input's channels C. */
  filters?: number;
  /** SPADE's shared conv width. Default 128. */
  spadeHiddenChannels?: number;
  /** SPADE's conv kernel size. Default 3. */
  spadeKernelSize?: number;
  /** AdaIN's hidden mapping layers. Default 0. */
  mappingLayers?: number;
  /** AdaIN's mapping width. Default: the style code's width. */
  mappingUnits?: number;
  /** ε of both normalisations. Default 1e-5. */
  epsilon?: number;
  /** Momentum of SPADE's moving statistics. Default 0.99. */
  momentum?: number;
}

export const SPADE_ADAIN_INPUTS = ['features', 'spatialCode', 'styleCode'] as const;

/** Checks [features, spatialCode, styleCode] shapes (ranks 4, 4, 2 and one batch size). */
export function checkSpadeAdainShapes(owner: string, shapes: unknown): tfl.Shape[] {
  const [features, spatial, style] = expectShapeList(owner, shapes, SPADE_ADAIN_INPUTS) as tfl.Shape[];
  assertRank(owner, 'features', features, 4, IMAGE_LAYOUT);
  assertRank(owner, 'spatialCode', spatial, 4, IMAGE_LAYOUT);
  assertRank(owner, 'styleCode', style, 2, '[batch, styleDimension]');
  assertSameDimension(owner, 'batch sizes', 'features', features, 0, 'spatialCode', spatial, 0);
  assertSameDimension(owner, 'batch sizes', 'features', features, 0, 'styleCode', style, 0);
  if (features[3] == null) throw new Error(`${owner}: the channel count of "features" must be known, got ${formatShape(features)}`);
  return [features, spatial, style];
}

/**
 * Layer form: inputs [features, spatialCode, styleCode] → [N, H, W, filters]. Children
 * `spade` (SpatiallyAdaptiveNormalization), `adain` (AdaptiveInstanceNormalization), `fuse` (1×1 conv).
 */
export class SpadeAdainBlock extends CompositeLayer {
  static className = qualifiedClassName('SpadeAdainBlock');
  readonly filters: number | null;
  readonly spadeHiddenChannels: number;
  readonly spadeKernelSize: number;
  readonly mappingLayers: number;
  readonly mappingUnits: number | null;
  readonly epsilon: number;
  readonly momentum: number;
  private spade: SpatiallyAdaptiveNormalization;
  private adain: AdaptiveInstanceNormalization;
  private fuse: tfl.layers.Layer | null = null;

  constructor(args: SpadeAdainBlockArgs = {}) {
    super(withDefaultName(args, 'SpadeAdainBlock'));
    this.filters = args.filters ?? null;
    this.spadeHiddenChannels = args.spadeHiddenChannels ?? 128;
    this.spadeKernelSize = args.spadeKernelSize ?? 3;
    this.mappingLayers = args.mappingLayers ?? 0;
    this.mappingUnits = args.mappingUnits ?? null;
    this.epsilon = args.epsilon ?? DEFAULT_EPSILON;
    this.momentum = args.momentum ?? 0.99;
    this.spade = new SpatiallyAdaptiveNormalization({
      name: 'spade',
      hiddenChannels: this.spadeHiddenChannels,
      kernelSize: this.spadeKernelSize,
      epsilon: this.epsilon,
      momentum: this.momentum,
    });
    this.adain = new AdaptiveInstanceNormalization({
      name: 'adain',
      mappingLayers: this.mappingLayers,
      mappingUnits: this.mappingUnits ?? undefined,
      epsilon: this.epsilon,
    });
  }

  protected sublayers(): tfl.layers.Layer[] {
    return [this.spade, this.adain, this.fuse].filter((l): l is tfl.layers.Layer => l != null);
  }

  private get owner(): string {
    return `SpadeAdainBlock "${this.name}"`;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [features, spatial, style] = checkSpadeAdainShapes(this.owner, inputShape);
    const channels = features[3] as number;
    this.fuse = tfl.layers.conv2d({ name: 'fuse', filters: this.filters ?? channels, kernelSize: 1 });
    this.buildSublayer(this.spade, [features, spatial]);
    this.buildSublayer(this.adain, [features, style]);
    this.buildSublayer(this.fuse, [features[0], features[1], features[2], 2 * channels]);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [features] = checkSpadeAdainShapes(this.owner, inputShape);
    return [features[0], features[1], features[2], this.filters ?? features[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
    const [features, spatial, style] = expectInputList(this.owner, inputs, SPADE_ADAIN_INPUTS);
    checkSpadeAdainShapes(this.owner, [features.shape, spatial.shape, style.shape]);
    return tf.tidy(() => {
      const spatialBranch = this.spade.apply([features, spatial], { training: kwargs.training === true }) as tf.Tensor;
      const styleBranch = this.adain.apply([features, style]) as tf.Tensor;
      return this.fuse!.apply(tf.concat([spatialBranch, styleBranch], 3)) as tf.Tensor;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      spadeHiddenChannels: this.spadeHiddenChannels,
      spadeKernelSize: this.spadeKernelSize,
      mappingLayers: this.mappingLayers,
      mappingUnits: this.mappingUnits,
      epsilon: this.epsilon,
      momentum: this.momentum,
    };
  }
}
registerLayerClass(SpadeAdainBlock, 'SpadeAdainBlock');

export function spadeAdainBlock(args: SpadeAdainBlockArgs = {}): SpadeAdainBlock {
  return new SpadeAdainBlock(args);
}
