/**
 * Adaptive instance normalisation, AdaIN (Huang & Belongie 2017, eq. 8), with γ, β from a
 * style code through a learned map as in StyleGAN (Karras et al. 2019, §2 "A": learned
 * affine transformations specialise w to styles) — how paper 000 (Zhang et al. 2020,
 * §2.2.1–2.2.2, eq. 2) and paper 001 (Zou et al. 2022, §2.1, "through a fully connected
 * layer") feed a style code to each decoder layer:
 *
 *   s₀ = w ∈ ℝ^{N×D};  s_{k+1} = lrelu_{0.2}(s_k M_k + m_k), k < mappingLayers   (optional MLP, StyleGAN's f)
 *   γ = s W_γ + b_γ,  β = s W_β + b_β   ∈ ℝ^{N×C}    (b_γ initialised to 1, b_β to 0)
 *   AdaIN(h, w)[n,y,x,c] = γ[n,c] · (h[n,y,x,c] − μ[n,c]) / √(σ²[n,c] + ε) + β[n,c]
 *
 * with μ, σ² over H, W per sample and channel (biased), as in paper 000: "In AdaIN, the
 * statistics are computed on H and W, and it only specifies β and γ along C".
 * Starting b_γ at 1 makes the block start as plain instance norm (StyleGAN's style bias).
 */
import * as tf from '@tensorflow/tfjs-core';
import { qualifiedClassName, registerLayerClass, withDefaultName } from './layer-registration';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from './composite-layer';
import { DEFAULT_EPSILON, instanceNormalize } from './instance-normalization';
import {
  assertRank,
  assertSameDimension,
  expectInputList,
  expectShapeList,
  formatShape,
  IMAGE_LAYOUT,
} from './validate';

function perSampleChannel(owner: string, name: string, t: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const [n, , , c] = x.shape;
  const ok =
    (t.rank === 2 && t.shape[0] === n && t.shape[1] === c) ||
    (t.rank === 4 && t.shape[0] === n && t.shape[1] === 1 && t.shape[2] === 1 && t.shape[3] === c);
  if (!ok) {
    throw new Error(
      `${owner}: "${name}" must be [batch, channels] = [${n}, ${c}] (or [${n}, 1, 1, ${c}]) to match "x" ${formatShape(x.shape)}, got ${formatShape(t.shape)}`,
    );
  }
  return t.rank === 2 ? tf.reshape(t, [n, 1, 1, c]) : t;
}

/** AdaIN(x) = γ · IN(x) + β with γ, β of shape [batch, channels]; `x` is [batch, height, width, channels]. */
export function adain(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon = DEFAULT_EPSILON): tf.Tensor4D {
  assertRank('adain', 'x', x.shape, 4, IMAGE_LAYOUT);
  return tf.tidy(() => {
    const g = perSampleChannel('adain', 'gamma', gamma, x);
    const b = perSampleChannel('adain', 'beta', beta, x);
    return tf.add(tf.mul(instanceNormalize(x, epsilon), g), b) as tf.Tensor4D;
  });
}

export interface AdaptiveInstanceNormalizationArgs extends LayerArgs {
  /** Hidden fully connected layers (leaky ReLU 0.2) before the affine map, StyleGAN-style. Default 0. */
  mappingLayers?: number;
  /** Width of those hidden layers. Default: the style code's width D. */
  mappingUnits?: number;
  /** ε added to the variance. Default 1e-5. */
  epsilon?: number;
}

const INPUTS = ['features', 'styleCode'] as const;

/**
 * Layer form: inputs [features [N, H, W, C], styleCode [N, D]] → [N, H, W, C].
 * Weights: `mapping_k/kernel|bias` (k < mappingLayers), `gamma/kernel|bias`, `beta/kernel|bias`.
 */
export class AdaptiveInstanceNormalization extends tfl.layers.Layer {
  static className = qualifiedClassName('AdaptiveInstanceNormalization');
  readonly mappingLayers: number;
  readonly mappingUnits: number | null;
  readonly epsilon: number;
  private mapping: { kernel: tfl.LayerVariable; bias: tfl.LayerVariable }[] = [];
  private gammaKernel!: tfl.LayerVariable;
  private gammaBias!: tfl.LayerVariable;
  private betaKernel!: tfl.LayerVariable;
  private betaBias!: tfl.LayerVariable;

  constructor(args: AdaptiveInstanceNormalizationArgs = {}) {
    super(withDefaultName(args, 'AdaptiveInstanceNormalization'));
    this.mappingLayers = args.mappingLayers ?? 0;
    this.mappingUnits = args.mappingUnits ?? null;
    this.epsilon = args.epsilon ?? DEFAULT_EPSILON;
    if (!Number.isInteger(this.mappingLayers) || this.mappingLayers < 0) {
      throw new Error(`AdaptiveInstanceNormalization: mappingLayers must be an integer ≥ 0, got ${this.mappingLayers}`);
    }
  }

  private get owner(): string {
    return `AdaptiveInstanceNormalization "${this.name}"`;
  }

  private checkShapes(shapes: unknown): { features: tfl.Shape; style: tfl.Shape } {
    const [features, style] = expectShapeList(this.owner, shapes, INPUTS) as tfl.Shape[];
    assertRank(this.owner, 'features', features, 4, IMAGE_LAYOUT);
    assertRank(this.owner, 'styleCode', style, 2, '[batch, styleDimension]');
    assertSameDimension(this.owner, 'batch sizes', 'features', features, 0, 'styleCode', style, 0);
    return { features, style };
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const { features, style } = this.checkShapes(inputShape);
    const channels = features[3];
    let width = style[1];
    if (channels == null || width == null) {
      throw new Error(`${this.owner}: channels of "features" and width of "styleCode" must be known, got ${formatShape(features)}, ${formatShape(style)}`);
    }
    const glorot = () => tfl.initializers.glorotUniform({});
    const units = this.mappingUnits ?? width;
    this.mapping = [];
    for (let k = 0; k < this.mappingLayers; k++) {
      const kernel = this.addWeight(`mapping_${k}/kernel`, [width, units], 'float32', glorot());
      const bias = this.addWeight(`mapping_${k}/bias`, [units], 'float32', tfl.initializers.zeros());
      this.mapping.push({ kernel, bias });
      width = units;
    }
    this.gammaKernel = this.addWeight('gamma/kernel', [width, channels], 'float32', glorot());
    this.gammaBias = this.addWeight('gamma/bias', [channels], 'float32', tfl.initializers.ones());
    this.betaKernel = this.addWeight('beta/kernel', [width, channels], 'float32', glorot());
    this.betaBias = this.addWeight('beta/bias', [channels], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return [...this.checkShapes(inputShape).features];
  }

  /** γ, β ∈ ℝ^{N×C} for a style code [N, D] (the mapping and affine maps of the module comment). */
  styleToGammaBeta(styleCode: tf.Tensor): { gamma: tf.Tensor2D; beta: tf.Tensor2D } {
    return tf.tidy(() => {
      let s = styleCode as tf.Tensor2D;
      for (const { kernel, bias } of this.mapping) {
        s = tf.leakyRelu(tf.add(tf.matMul(s, kernel.read() as tf.Tensor2D), bias.read()), 0.2) as tf.Tensor2D;
      }
      const gamma = tf.add(tf.matMul(s, this.gammaKernel.read() as tf.Tensor2D), this.gammaBias.read()) as tf.Tensor2D;
      const beta = tf.add(tf.matMul(s, this.betaKernel.read() as tf.Tensor2D), this.betaBias.read()) as tf.Tensor2D;
      return { gamma, beta };
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [features, style] = expectInputList(this.owner, inputs, INPUTS);
    this.checkShapes([features.shape, style.shape]);
    return tf.tidy(() => {
      const { gamma, beta } = this.styleToGammaBeta(style);
      return adain(features, gamma, beta, this.epsilon);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      mappingLayers: this.mappingLayers,
      mappingUnits: this.mappingUnits,
      epsilon: this.epsilon,
    };
  }
}
registerLayerClass(AdaptiveInstanceNormalization, 'AdaptiveInstanceNormalization');

export function adaptiveInstanceNormalization(args: AdaptiveInstanceNormalizationArgs = {}): AdaptiveInstanceNormalization {
  return new AdaptiveInstanceNormalization(args);
}
