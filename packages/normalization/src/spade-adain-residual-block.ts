/**
 * A residual block built from the SPADE + AdaIN block (paper 000's decoder).
 *
 * What paper 000 says: its decoder "employs z_s and z_u in each layer by adaptive
 * normalization like SPADE or AdaIN" and applies SPADE and AdaIN in parallel, concatenated
 * and reduced by a 1×1 conv (§2.2.2). It does not describe the decoder's layers further.
 *
 * What is reconstructed: the block layout is SPADE's residual block (Park et al. 2019, §3
 * and Fig. 4, "SPADE ResBlk", and its official code), with each SPADE replaced by the
 * SPADE + AdaIN block N(·) = SpadeAdainBlock(·, m, w) and the official leaky ReLU(0.2):
 *
 *   dx  = conv_3×3^(1)( lrelu( N_1( conv_3×3^(0)( lrelu( N_0(x) ) ) ) ) )
 *   out = shortcut(x) + dx,   shortcut(x) = x                          if C_in = filters
 *                             shortcut(x) = conv_1×1^(s)( N_s(x) )     otherwise (no bias, as Park et al.)
 *
 * conv^(0) has min(C_in, filters) channels (Park et al.'s fmiddle), conv^(1) has `filters`.
 * Park et al.'s spectral normalisation of the convs is not included (a training choice
 * for GANs, left to the caller).
 */
import * as tf from '@tensorflow/tfjs-core';
import { qualifiedClassName, registerLayerClass, withDefaultName } from './layer-registration';
import * as tfl from '@tensorflow/tfjs-layers';
import { CompositeLayer, type LayerArgs } from './composite-layer';
import { checkSpadeAdainShapes, SPADE_ADAIN_INPUTS, SpadeAdainBlock, type SpadeAdainBlockArgs } from './spade-adain-block';
import { expectInputList } from './validate';

export interface SpadeAdainResidualBlockArgs extends LayerArgs {
  /** Output channels. Required. */
  filters: number;
  /** Channels of the middle conv. Default min(C_in, filters). */
  hiddenFilters?: number;
  /** Negative slope of the leaky ReLUs. Default 0.2. */
  activationSlope?: number;
  /** Settings of the SPADE + AdaIN blocks (their `filters` is set by the residual block). */
  normalization?: Omit<SpadeAdainBlockArgs, 'filters' | 'name'>;
}

/**
 * Layer form: inputs [features [N, H, W, C_in], spatialCode, styleCode] → [N, H, W, filters].
 * Children `norm_0`, `conv_0`, `norm_1`, `conv_1`, and when C_in ≠ filters `shortcut_norm`, `shortcut_conv`.
 */
export class SpadeAdainResidualBlock extends CompositeLayer {
  static className = qualifiedClassName('SpadeAdainResidualBlock');
  readonly filters: number;
  readonly hiddenFilters: number | null;
  readonly activationSlope: number;
  readonly normalization: Omit<SpadeAdainBlockArgs, 'filters' | 'name'>;
  private children_: Record<string, tfl.layers.Layer> = {};

  constructor(args: SpadeAdainResidualBlockArgs) {
    super(withDefaultName(args, 'SpadeAdainResidualBlock'));
    if (!Number.isInteger(args?.filters) || args.filters < 1) {
      throw new Error(`SpadeAdainResidualBlock: filters must be a positive integer, got ${String(args?.filters)}`);
    }
    this.filters = args.filters;
    this.hiddenFilters = args.hiddenFilters ?? null;
    this.activationSlope = args.activationSlope ?? 0.2;
    this.normalization = { ...(args.normalization ?? {}) };
  }

  protected sublayers(): tfl.layers.Layer[] {
    return Object.values(this.children_ ?? {});
  }

  private get owner(): string {
    return `SpadeAdainResidualBlock "${this.name}"`;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [features, spatial, style] = checkSpadeAdainShapes(this.owner, inputShape);
    const inChannels = features[3] as number;
    const hidden = this.hiddenFilters ?? Math.min(inChannels, this.filters);
    const norm = (name: string, filters: number) => new SpadeAdainBlock({ ...this.normalization, name, filters });
    const conv = (name: string, filters: number, kernelSize: number, useBias = true) =>
      tfl.layers.conv2d({ name, filters, kernelSize, padding: 'same', useBias });
    const c = this.children_;
    c.norm_0 = norm('norm_0', inChannels);
    c.conv_0 = conv('conv_0', hidden, 3);
    c.norm_1 = norm('norm_1', hidden);
    c.conv_1 = conv('conv_1', this.filters, 3);
    const withChannels = (n: number): tfl.Shape => [features[0], features[1], features[2], n];
    this.buildSublayer(c.norm_0, [features, spatial, style]);
    this.buildSublayer(c.conv_0, features);
    this.buildSublayer(c.norm_1, [withChannels(hidden), spatial, style]);
    this.buildSublayer(c.conv_1, withChannels(hidden));
    if (inChannels !== this.filters) {
      c.shortcut_norm = norm('shortcut_norm', inChannels);
      c.shortcut_conv = conv('shortcut_conv', this.filters, 1, false);
      this.buildSublayer(c.shortcut_norm, [features, spatial, style]);
      this.buildSublayer(c.shortcut_conv, features);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [features] = checkSpadeAdainShapes(this.owner, inputShape);
    return [features[0], features[1], features[2], this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
    const [x, spatial, style] = expectInputList(this.owner, inputs, SPADE_ADAIN_INPUTS);
    checkSpadeAdainShapes(this.owner, [x.shape, spatial.shape, style.shape]);
    const training = { training: kwargs.training === true };
    const c = this.children_;
    return tf.tidy(() => {
      const act = (t: tf.Tensor) => tf.leakyRelu(t, this.activationSlope);
      const normalize = (layer: tfl.layers.Layer, t: tf.Tensor) => layer.apply([t, spatial, style], training) as tf.Tensor;
      let dx = c.conv_0.apply(act(normalize(c.norm_0, x))) as tf.Tensor;
      dx = c.conv_1.apply(act(normalize(c.norm_1, dx))) as tf.Tensor;
      const shortcut = c.shortcut_conv ? (c.shortcut_conv.apply(normalize(c.shortcut_norm, x)) as tf.Tensor) : x;
      return tf.add(shortcut, dx);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      hiddenFilters: this.hiddenFilters,
      activationSlope: this.activationSlope,
      normalization: { ...this.normalization } as tf.serialization.ConfigDict,
    };
  }
}
registerLayerClass(SpadeAdainResidualBlock, 'SpadeAdainResidualBlock');

export function spadeAdainResidualBlock(args: SpadeAdainResidualBlockArgs): SpadeAdainResidualBlock {
  return new SpadeAdainResidualBlock(args);
}
