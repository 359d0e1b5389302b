/**
 * Glow (Kingma & Dhariwal 2018, Figure 2): a multi-scale flow of L levels, each
 *   squeeze → K × [ActNorm → invertible 1×1 conv → coupling] → split (all levels but the last)
 * with a learned prior on every factored-out half (`SplitPrior`) and on the top latent
 * (`TopPrior`, optionally class-conditional as in CGlow, paper 003 §1, and Glow's `ycond`,
 * with an optional classifier on the top latent).
 *
 * As one bijector (data → latent): forward maps x [N,H,W,C] to ε [N, H·W·C], the
 * concatenation of every level's standardised latent (level 0's factored half first, the
 * top latent last), and the priors are folded into the log-determinant, so
 *   log p(x) = Σ_i log N(ε_i; 0, 1) + logDet_forward(x).
 * `encode` gives the latents at their own shapes, `decode` inverts them, `sample` draws
 * ε ~ N(0, T²) (temperature T) and decodes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gaussianLogLikelihood, logSoftmax, type SeededRandom } from '@disentangle/kernels';
import { ActNorm } from './act-norm';
import { Chain, type Bijector, type ForwardResult, type InverseResult } from './bijector';
import { Coupling, type AffineScale, type CouplingKind } from './coupling';
import { InvertibleConv1x1, type InvertibleConvParameterization } from './invertible-conv';
import { bitsPerDimension } from './preprocess';
import { SplitPrior, TopPrior } from './priors';
import { registerLayerClass } from './serialization';
import { squeeze2d, unsqueeze2d } from './squeeze';
import { mergeVariables, shapeString } from './variables';

export interface GlowStepArgs {
  channels: number;
  name: string;
  hiddenChannels?: number;
  coupling?: CouplingKind;
  affineScale?: AffineScale;
  permutation?: InvertibleConvParameterization;
  couplingCondChannels?: number;
  normal?: () => number;
}

/** GlowStep's config: its constructor arguments, defaults filled in (the random source `normal` is not config). */
export type GlowStepConfig = Required<Omit<GlowStepArgs, 'normal'>>;

/** One step of flow: ActNorm → invertible 1×1 conv → coupling (Glow §3, Figure 2a). */
export class GlowStep extends Chain {
  static override readonly className: string = 'GlowStep';
  readonly actNorm: ActNorm;
  readonly conv: InvertibleConv1x1;
  readonly coupling: Coupling;
  constructor(args: GlowStepArgs) {
    const actNorm = new ActNorm({ channels: args.channels, name: `${args.name}/actnorm` });
    const conv = new InvertibleConv1x1({ channels: args.channels, name: `${args.name}/invconv`, parameterization: args.permutation, normal: args.normal });
    const coup = new Coupling({
      channels: args.channels,
      name: `${args.name}/coupling`,
      kind: args.coupling,
      scale: args.affineScale,
      hiddenChannels: args.hiddenChannels,
      condChannels: args.couplingCondChannels,
      normal: args.normal,
    });
    super([actNorm, conv, coup], args.name);
    this.actNorm = actNorm;
    this.conv = conv;
    this.coupling = coup;
  }

  override getConfig(): GlowStepConfig {
    return {
      channels: this.actNorm.channels,
      name: this.name,
      hiddenChannels: this.coupling.hiddenChannels,
      coupling: this.coupling.kind,
      affineScale: this.coupling.scale,
      permutation: this.conv.parameterization,
      couplingCondChannels: this.coupling.condChannels,
    };
  }

  /** A step with the same architecture and variable keys (fresh weights; load them to restore). */
  static override fromConfig(config: GlowStepArgs): GlowStep {
    return new GlowStep(config);
  }
}

registerLayerClass(GlowStep);

export function glowStep(args: GlowStepArgs): GlowStep {
  return new GlowStep(args);
}

export interface GlowConfig {
  /** [height, width, channels] of the images. Height and width must divide by 2^levels. Required. */
  imageShape: [number, number, number];
  /** L, the number of levels. Default 3. */
  levels?: number;
  /** K, steps of flow per level. Default 4 (Glow used 32). */
  stepsPerLevel?: number;
  /** Hidden channels of every coupling network. Default 64 (Glow used 512). */
  hiddenChannels?: number;
  /** 'affine' (default) or 'additive'. */
  coupling?: CouplingKind;
  /** 'sigmoid' (default, Glow's code: s = sigmoid(h + 2)) or 'exp'. */
  affineScale?: AffineScale;
  /** 1×1 convolution: 'lu' (default) or 'plain'. */
  permutation?: InvertibleConvParameterization;
  /** Learned top prior (Glow's learntop). Default true. */
  learnTop?: boolean;
  /** Classes of the class-conditional top prior (0, the default, for an unconditional Glow). */
  numClasses?: number;
  /** Classifier on the top latent (default: numClasses > 0). */
  classifier?: boolean;
  /** Weight of the classifier's cross-entropy (nats per example) in the loss. Default 0.01. */
  classifierWeight?: number;
  /** Bits per pixel value of the data (its quantisation). Default 8. */
  nBits?: number;
  /** Name, prefix of every variable key. Default 'glow'. */
  name?: string;
}

export type ResolvedGlowConfig = Required<GlowConfig>;

export function resolveGlowConfig(config: GlowConfig): ResolvedGlowConfig {
  const resolved: ResolvedGlowConfig = {
    levels: 3,
    stepsPerLevel: 4,
    hiddenChannels: 64,
    coupling: 'affine',
    affineScale: 'sigmoid',
    permutation: 'lu',
    learnTop: true,
    numClasses: 0,
    classifier: (config.numClasses ?? 0) > 0,
    classifierWeight: 0.01,
    nBits: 8,
    name: 'glow',
    ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
  } as ResolvedGlowConfig;
  const shape = resolved.imageShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`Glow: imageShape must be [height, width, channels] of positive integers, got ${JSON.stringify(shape)}`);
  }
  for (const field of ['levels', 'stepsPerLevel', 'hiddenChannels', 'nBits'] as const) {
    if (!Number.isInteger(resolved[field]) || resolved[field] <= 0) throw new Error(`Glow: ${field} must be a positive integer, got ${resolved[field]}`);
  }
  const scale = 2 ** resolved.levels;
  if (shape[0] % scale !== 0 || shape[1] % scale !== 0) {
    throw new Error(`Glow: imageShape ${shapeString(shape)} must have height and width divisible by 2^levels = ${scale} (levels ${resolved.levels})`);
  }
  if (resolved.classifier && resolved.numClasses <= 0) throw new Error('Glow: classifier needs numClasses > 0');
  return resolved;
}

export interface GlowEncoding {
  /** Standardised latents ε, level 0's factored half first, the top latent last. */
  latents: tf.Tensor4D[];
  /** The top latent z before its prior's standardisation (the classifier's input). */
  top: tf.Tensor4D;
  /** log |det ∂ε/∂x| per example, priors included. */
  logDet: tf.Tensor1D;
}

export class Glow implements Bijector {
  static readonly className = 'Glow';
  readonly config: ResolvedGlowConfig;
  readonly name: string;
  readonly levels: Array<{ steps: GlowStep[]; split: SplitPrior | null }>;
  readonly topPrior: TopPrior;
  /** Shapes [H, W, C] of the latents, in `encode` order. */
  readonly latentShapes: Array<[number, number, number]>;
  /** D = H · W · C of the images. */
  readonly dimensions: number;

  /** `normal` is the N(0,1) source of the initial weights (e.g. `() => random.normalNumber()`). */
  constructor(config: GlowConfig, normal?: () => number) {
    this.config = resolveGlowConfig(config);
    const c = this.config;
    this.name = c.name;
    let [h, w, ch] = c.imageShape;
    this.dimensions = h * w * ch;
    this.levels = [];
    this.latentShapes = [];
    for (let level = 0; level < c.levels; level++) {
      h /= 2; w /= 2; ch *= 4;
      const steps: GlowStep[] = [];
      for (let k = 0; k < c.stepsPerLevel; k++) {
        steps.push(new GlowStep({
          channels: ch,
          name: `${c.name}/level${level}/step${k}`,
          hiddenChannels: c.hiddenChannels,
          coupling: c.coupling,
          affineScale: c.affineScale,
          permutation: c.permutation,
          normal,
        }));
      }
      let split: SplitPrior | null = null;
      if (level < c.levels - 1) {
        split = new SplitPrior({ channels: ch, name: `${c.name}/level${level}/split` });
        this.latentShapes.push([h, w, split.factoredChannels]);
        ch = split.keptChannels;
      }
      this.levels.push({ steps, split });
    }
    this.latentShapes.push([h, w, ch]);
    this.topPrior = new TopPrior({ shape: [h, w, ch], learnTop: c.learnTop, numClasses: c.numClasses, classifier: c.classifier, name: `${c.name}/top_prior` });
    this.variables();
  }

  private checkImages(fn: string, x: tf.Tensor): void {
    const [h, w, ch] = this.config.imageShape;
    if (x.rank !== 4 || x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== ch) {
      throw new Error(`${fn}: images have shape ${shapeString(x.shape)}, expected [batch,${h},${w},${ch}]`);
    }
  }

  /** x → standardised latents at every level (see GlowEncoding). `labels`: one-hot [N, numClasses] when class-conditional. */
  encode(x: tf.Tensor, labels?: tf.Tensor): GlowEncoding {
    this.checkImages('Glow.encode', x);
    return tf.tidy(() => {
      let h: tf.Tensor = x;
      let logDet: tf.Tensor1D = tf.zeros([x.shape[0]]);
      const latents: tf.Tensor4D[] = [];
      for (const { steps, split } of this.levels) {
        h = squeeze2d(h);
        for (const step of steps) {
          const out = step.forward(h);
          h = out.y;
          logDet = tf.add(logDet, out.logDet);
        }
        if (split) {
          const out = split.forward(h);
          logDet = tf.add(logDet, out.logDet);
          const [kept, eps] = tf.split(out.y, [split.keptChannels, split.factoredChannels], 3) as tf.Tensor4D[];
          latents.push(eps);
          h = kept;
        }
      }
      const top = h as tf.Tensor4D;
      const out = this.topPrior.forward(top, labels);
      latents.push(out.y as tf.Tensor4D);
      logDet = tf.add(logDet, out.logDet);
      return { latents, top, logDet };
    });
  }

  /** Standardised latents (encode's order and shapes) → images; logDet = log|det ∂x/∂ε|. */
  decode(latents: tf.Tensor[], labels?: tf.Tensor): InverseResult {
    if (latents.length !== this.latentShapes.length) throw new Error(`Glow.decode: expected ${this.latentShapes.length} latents, got ${latents.length}`);
    latents.forEach((t, i) => {
      const [h, w, c] = this.latentShapes[i];
      if (t.rank !== 4 || t.shape[1] !== h || t.shape[2] !== w || t.shape[3] !== c) {
        throw new Error(`Glow.decode: latent ${i} has shape ${shapeString(t.shape)}, expected [batch,${h},${w},${c}]`);
      }
    });
    return tf.tidy(() => {
      const top = this.topPrior.inverse(latents[latents.length - 1], labels);
      let h: tf.Tensor = top.x;
      let logDet: tf.Tensor1D = top.logDet;
      for (let level = this.levels.length - 1; level >= 0; level--) {
        const { steps, split } = this.levels[level];
        if (split) {
          const out = split.inverse(tf.concat([h, latents[level]], 3));
          h = out.x;
          logDet = tf.add(logDet, out.logDet);
        }
        for (let k = steps.length - 1; k >= 0; k--) {
          const out = steps[k].inverse(h);
          h = out.x;
          logDet = tf.add(logDet, out.logDet);
        }
        h = unsqueeze2d(h);
      }
      return { x: h, logDet };
    });
  }

  /** Bijector form: x → ε flattened to [N, D] (latents concatenated in encode order). */
  forward(x: tf.Tensor, labels?: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const { latents, logDet } = this.encode(x, labels);
      const n = x.shape[0];
      return { y: tf.concat(latents.map((t) => tf.reshape(t, [n, -1])), 1), logDet };
    });
  }

  /** Bijector form: ε [N, D] → x. */
  inverse(y: tf.Tensor, labels?: tf.Tensor): InverseResult {
    if (y.rank !== 2 || y.shape[1] !== this.dimensions) throw new Error(`Glow.inverse: ε has shape ${shapeString(y.shape)}, expected [batch,${this.dimensions}]`);
    return tf.tidy(() => {
      const n = y.shape[0];
      const sizes = this.latentShapes.map(([h, w, c]) => h * w * c);
      const parts = tf.split(y, sizes, 1).map((t, i) => tf.reshape(t, [n, ...this.latentShapes[i]]));
      const { x, logDet } = this.decode(parts, labels);
      return { x, logDet };
    });
  }

  /** log p(x) in nats per example: Σ log N(ε; 0, I) + logDet. */
  logProb(x: tf.Tensor, labels?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const { latents, logDet } = this.encode(x, labels);
      let logp: tf.Tensor = logDet;
      for (const eps of latents) {
        const zeros = tf.zerosLike(eps);
        logp = tf.add(logp, gaussianLogLikelihood(eps, zeros, zeros));
      }
      return logp as tf.Tensor1D;
    });
  }

  /** Bits per dimension of dequantised images x̃ (see preprocess.ts), per example. */
  bitsPerDim(x: tf.Tensor, labels?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => bitsPerDimension(this.logProb(x, labels), this.dimensions, this.config.nBits) as tf.Tensor1D);
  }

  /**
   * Training losses on a batch of dequantised images: total = mean bits/dim
   * (+ classifierWeight · cross-entropy of the top-latent classifier, when it exists and
   * labels are given). Terms: bitsPerDim, and classification (nats) when used.
   */
  losses(x: tf.Tensor, labels?: tf.Tensor): { total: tf.Scalar; bitsPerDim: tf.Scalar; classification?: tf.Scalar } {
    return tf.tidy(() => {
      const { latents, top, logDet } = this.encode(x, labels);
      let logp: tf.Tensor = logDet;
      for (const eps of latents) {
        const zeros = tf.zerosLike(eps);
        logp = tf.add(logp, gaussianLogLikelihood(eps, zeros, zeros));
      }
      const bitsPerDim = tf.mean(bitsPerDimension(logp, this.dimensions, this.config.nBits)) as tf.Scalar;
      if (this.topPrior.hasClassifier && labels !== undefined) {
        const crossEntropy = tf.neg(tf.mean(tf.sum(tf.mul(labels, logSoftmax(this.topPrior.classifierLogits(top), -1)), -1))) as tf.Scalar;
        return { total: tf.add(bitsPerDim, tf.mul(crossEntropy, this.config.classifierWeight)) as tf.Scalar, bitsPerDim, classification: crossEntropy };
      }
      return { total: tf.clone(bitsPerDim), bitsPerDim };
    });
  }

  /** Class logits from the top latent of x (needs a classifier). */
  classify(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const labels = this.config.numClasses > 0 ? tf.oneHot(tf.zeros([x.shape[0]], 'int32'), this.config.numClasses) : undefined;
      const { top } = this.encode(x, labels); // the top latent does not depend on the labels
      return this.topPrior.classifierLogits(top);
    });
  }

  /** Runs ActNorm's data-dependent initialisation on `x` (dequantised images); a no-op once initialised. */
  initialize(x: tf.Tensor, labels?: tf.Tensor): void {
    tf.dispose(this.encode(x, labels) as unknown as tf.TensorContainer);
  }

  /**
   * `n` samples: ε ~ N(0, temperature²) at every level, decoded (model space, [−½, ½]
   * nominally; see postprocessImages). `cond`: one-hot labels [n, numClasses] for a
   * class-conditional Glow. `random` makes the draw reproducible.
   */
  sample(n: number, options: { temperature?: number; cond?: tf.Tensor; random?: SeededRandom } = {}): tf.Tensor4D {
    const temperature = options.temperature ?? 1;
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Glow.sample: n must be a positive integer, got ${n}`);
    if (!(temperature >= 0)) throw new Error(`Glow.sample: temperature must be ≥ 0, got ${temperature}`);
    return tf.tidy(() => {
      const latents = this.latentShapes.map(([h, w, c]) => {
        const eps = options.random ? options.random.normal([n, h, w, c]) : tf.randomNormal([n, h, w, c]);
        return tf.mul(eps, temperature);
      });
      return this.decode(latents, options.cond).x as tf.Tensor4D;
    });
  }

  variables(): Record<string, tf.Variable> {
    const maps: Array<Record<string, tf.Variable>> = [];
    for (const { steps, split } of this.levels) {
      for (const s of steps) maps.push(s.variables());
      if (split) maps.push(split.variables());
    }
    maps.push(this.topPrior.variables());
    return mergeVariables(`Glow ${this.name}`, maps);
  }

  /** The ActNorm layers (e.g. to check that they are initialised). */
  actNorms(): ActNorm[] {
    return this.levels.flatMap(({ steps }) => steps.map((s) => s.actNorm));
  }

  getConfig(): ResolvedGlowConfig {
    return { ...this.config, imageShape: [...this.config.imageShape] };
  }

  /**
   * A Glow with the same architecture and variable keys, initialised afresh (`normal`, the
   * N(0,1) source of the initial weights, as in the constructor): load the weights to
   * restore it; the loaded ActNorms are initialised and do not re-initialise.
   */
  static fromConfig(config: GlowConfig, normal?: () => number): Glow {
    return new Glow(config, normal);
  }

  dispose(): void {
    for (const { steps, split } of this.levels) {
      for (const s of steps) s.dispose();
      split?.dispose();
    }
    this.topPrior.dispose();
  }
}

registerLayerClass(Glow);
