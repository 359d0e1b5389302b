/**
 * Learned Gaussian priors written as bijectors onto standard-normal noise ε, so the whole
 * model stays one bijector and log p(x) = Σ log N(ε; 0, I) + Σ logDet:
 *
 * `SplitPrior` — Glow's factor-out (`split2d`, Kingma & Dhariwal 2018 §3.4 / Dinh et al.
 * 2017 multi-scale): x = [z₁, z₂] on the channel axis (z₁ the first ⌊C/2⌋ channels, kept
 * and passed on; z₂ factored out). A zero-initialised conv on z₁ (plus an optional cond)
 * gives h, μ = h[…, 0::2], log σ = h[…, 1::2], and
 *     forward:  [z₁, z₂] → [z₁, ε],  ε = (z₂ − μ(z₁)) ⊙ exp(−log σ(z₁)),  log|det| = −Σ log σ
 *     inverse:  z₂ = μ + exp(log σ) ⊙ ε
 * so log p(z₂ | z₁) = log N(ε; 0, I) − Σ log σ, Glow's `split2d_prior(z1).logp(z2)`.
 *
 * `TopPrior` — the prior on the top latent z (Glow's `prior` with `learntop` and `ycond`;
 * CGlow of paper 003, Liu et al. 2019, §1: "a discriminative regularization … with a class
 * dependent prior, as mentioned in the work of original Glow", p(z | y) = N(μ(y), σ(y)²)): h = learned
 * per-position bias (a zero conv of zeros, when learnTop) + Dense(one-hot y) (when
 * numClasses > 0, zero-initialised as Glow's `linear_zeros`), μ = h[…, 0::2],
 * log σ = h[…, 1::2]; ε = (z − μ) ⊙ exp(−log σ), log|det| = −Σ log σ. Optionally a linear
 * classification head on the spatial mean of z (Glow's `ycond` classifier:
 * logits = Dense_zeros(mean_{h,w} z)).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { spatialCondition, ZeroConv2d } from './conv-net';
import { registerLayerClass } from './serialization';
import { assertChannels, createVariable, defaultName, shapeString } from './variables';

/** μ and log σ from h [N,H,W,2C] with Glow's interleaved layout (h[…,0::2], h[…,1::2]). */
function meanAndLogScale(h: tf.Tensor4D): { mean: tf.Tensor4D; logScale: tf.Tensor4D } {
  const [n, hh, w, c2] = h.shape;
  const c = c2 / 2;
  const [mean, logScale] = tf.split(tf.reshape(h, [n, hh, w, c, 2]), 2, 4).map((t) => tf.reshape(t, [n, hh, w, c]) as tf.Tensor4D);
  return { mean, logScale };
}

export interface SplitPriorArgs {
  /** Channels C of the input (at least 2). Required. */
  channels: number;
  /** Channels of an optional conditioning input concatenated to z₁ (default 0). */
  condChannels?: number;
  name?: string;
}

export type SplitPriorConfig = Required<SplitPriorArgs>;

export class SplitPrior implements Bijector {
  static readonly className = 'SplitPrior';
  readonly name: string;
  readonly channels: number;
  readonly keptChannels: number;
  readonly factoredChannels: number;
  readonly condChannels: number;
  readonly conv: ZeroConv2d;

  constructor(args: SplitPriorArgs) {
    if (!Number.isInteger(args.channels) || args.channels < 2) throw new Error(`SplitPrior: channels must be an integer ≥ 2, got ${args.channels}`);
    this.channels = args.channels;
    this.keptChannels = Math.floor(args.channels / 2);
    this.factoredChannels = args.channels - this.keptChannels;
    this.condChannels = args.condChannels ?? 0;
    this.name = args.name ?? defaultName('split');
    this.conv = new ZeroConv2d(`${this.name}/prior_conv`, this.keptChannels + this.condChannels, 2 * this.factoredChannels);
  }

  /** μ and log σ of the factored half given the kept half z₁. */
  prior(kept: tf.Tensor4D, cond?: tf.Tensor): { mean: tf.Tensor4D; logScale: tf.Tensor4D } {
    return tf.tidy(() => {
      let input = kept;
      if (this.condChannels > 0) {
        if (cond === undefined) throw new Error(`SplitPrior ${this.name}: built with condChannels ${this.condChannels} and needs a cond input`);
        const [n, h, w] = kept.shape;
        input = tf.concat([kept, spatialCondition('SplitPrior', cond, n, h, w, this.condChannels)], 3);
      }
      return meanAndLogScale(this.conv.apply(input));
    });
  }

  forward(x: tf.Tensor, cond?: tf.Tensor): ForwardResult {
    assertChannels('SplitPrior.forward', 'x', x, this.channels);
    return tf.tidy(() => {
      const [kept, factored] = tf.split(x, [this.keptChannels, this.factoredChannels], 3) as tf.Tensor4D[];
      const { mean, logScale } = this.prior(kept, cond);
      const eps = tf.mul(tf.sub(factored, mean), tf.exp(tf.neg(logScale)));
      return { y: tf.concat([kept, eps], 3), logDet: tf.neg(tf.sum(logScale, [1, 2, 3])) as tf.Tensor1D };
    });
  }

  inverse(y: tf.Tensor, cond?: tf.Tensor): InverseResult {
    assertChannels('SplitPrior.inverse', 'y', y, this.channels);
    return tf.tidy(() => {
      const [kept, eps] = tf.split(y, [this.keptChannels, this.factoredChannels], 3) as tf.Tensor4D[];
      const { mean, logScale } = this.prior(kept, cond);
      const factored = tf.add(mean, tf.mul(eps, tf.exp(logScale)));
      return { x: tf.concat([kept, factored], 3), logDet: tf.sum(logScale, [1, 2, 3]) as tf.Tensor1D };
    });
  }

  variables(): Record<string, tf.Variable> {
    return this.conv.variables();
  }

  getConfig(): SplitPriorConfig {
    return { channels: this.channels, condChannels: this.condChannels, name: this.name };
  }

  /** A split with the same shapes and variable keys (its conv starts at zero; load the weights to restore it). */
  static fromConfig(config: SplitPriorArgs): SplitPrior {
    return new SplitPrior(config);
  }

  dispose(): void {
    this.conv.dispose();
  }
}

registerLayerClass(SplitPrior);

export interface TopPriorArgs {
  /** Shape [H, W, C] of the top latent. Required. */
  shape: [number, number, number];
  /** Learn a per-position mean and log-scale (Glow's `learntop`). Default true. */
  learnTop?: boolean;
  /** Number of classes for the class-conditional prior (0, the default, for none). */
  numClasses?: number;
  /** Add a linear classifier on the spatial mean of z (needs numClasses > 0). Default: numClasses > 0. */
  classifier?: boolean;
  name?: string;
}

export type TopPriorConfig = Required<TopPriorArgs>;

export class TopPrior implements Bijector {
  static readonly className = 'TopPrior';
  readonly name: string;
  readonly shape: [number, number, number];
  readonly learnTop: boolean;
  readonly numClasses: number;
  readonly hasClassifier: boolean;
  private readonly vars: Record<string, tf.Variable> = {};

  constructor(args: TopPriorArgs) {
    const [h, w, c] = args.shape;
    if (![h, w, c].every((d) => Number.isInteger(d) && d > 0)) throw new Error(`TopPrior: shape must be three positive integers [H,W,C], got ${shapeString(args.shape)}`);
    this.shape = [h, w, c];
    this.learnTop = args.learnTop ?? true;
    this.numClasses = args.numClasses ?? 0;
    this.hasClassifier = args.classifier ?? this.numClasses > 0;
    if (this.hasClassifier && this.numClasses <= 0) throw new Error('TopPrior: a classifier needs numClasses > 0');
    this.name = args.name ?? defaultName('top_prior');
    const key = (k: string) => `${this.name}/${k}`;
    const add = (k: string, init: tf.Tensor) => { this.vars[key(k)] = createVariable(key(k), init); };
    // Glow's learntop: conv2d_zeros applied to zeros = (0 + b) ⊙ exp(3 log s): a per-channel bias; we learn it per position.
    if (this.learnTop) add('mean_log_scale', tf.zeros([h, w, 2 * c]));
    if (this.numClasses > 0) {
      add('class_dense/kernel', tf.zeros([this.numClasses, 2 * c]));
      add('class_dense/bias', tf.zeros([2 * c]));
    }
    if (this.hasClassifier) {
      add('classifier/kernel', tf.zeros([c, this.numClasses]));
      add('classifier/bias', tf.zeros([this.numClasses]));
    }
  }

  private v(k: string): tf.Variable {
    return this.vars[`${this.name}/${k}`];
  }

  private checkLabels(fn: string, cond: tf.Tensor | undefined, batch: number): tf.Tensor2D | null {
    if (this.numClasses === 0) return null;
    if (cond === undefined) throw new Error(`${fn}: this prior is class-conditional (numClasses ${this.numClasses}) and needs one-hot labels [${batch},${this.numClasses}] as cond`);
    if (cond.rank !== 2 || cond.shape[0] !== batch || cond.shape[1] !== this.numClasses) {
      throw new Error(`${fn}: labels have shape ${shapeString(cond.shape)}, expected one-hot [${batch},${this.numClasses}]`);
    }
    return cond as tf.Tensor2D;
  }

  /** μ and log σ of the top latent, [batch, H, W, C] each. `cond` = one-hot labels when class-conditional. */
  prior(batch: number, cond?: tf.Tensor): { mean: tf.Tensor4D; logScale: tf.Tensor4D } {
    const labels = this.checkLabels(`TopPrior ${this.name}`, cond, batch);
    const [h, w, c] = this.shape;
    return tf.tidy(() => {
      let hidden: tf.Tensor = tf.zeros([batch, h, w, 2 * c]);
      if (this.learnTop) hidden = tf.add(hidden, this.v('mean_log_scale'));
      if (labels) {
        const fromLabel = tf.add(tf.matMul(labels, this.v('class_dense/kernel') as tf.Tensor2D), this.v('class_dense/bias'));
        hidden = tf.add(hidden, tf.reshape(fromLabel, [batch, 1, 1, 2 * c]));
      }
      return meanAndLogScale(hidden as tf.Tensor4D);
    });
  }

  forward(z: tf.Tensor, cond?: tf.Tensor): ForwardResult {
    const [h, w, c] = this.shape;
    if (z.rank !== 4 || z.shape[1] !== h || z.shape[2] !== w || z.shape[3] !== c) {
      throw new Error(`TopPrior.forward: z has shape ${shapeString(z.shape)}, expected [batch,${h},${w},${c}]`);
    }
    return tf.tidy(() => {
      const { mean, logScale } = this.prior(z.shape[0], cond);
      return { y: tf.mul(tf.sub(z, mean), tf.exp(tf.neg(logScale))), logDet: tf.neg(tf.sum(logScale, [1, 2, 3])) as tf.Tensor1D };
    });
  }

  inverse(eps: tf.Tensor, cond?: tf.Tensor): InverseResult {
    const [h, w, c] = this.shape;
    if (eps.rank !== 4 || eps.shape[1] !== h || eps.shape[2] !== w || eps.shape[3] !== c) {
      throw new Error(`TopPrior.inverse: ε has shape ${shapeString(eps.shape)}, expected [batch,${h},${w},${c}]`);
    }
    return tf.tidy(() => {
      const { mean, logScale } = this.prior(eps.shape[0], cond);
      return { x: tf.add(mean, tf.mul(eps, tf.exp(logScale))), logDet: tf.sum(logScale, [1, 2, 3]) as tf.Tensor1D };
    });
  }

  /** Class logits from the top latent z (not ε): Dense(mean over height and width of z). */
  classifierLogits(z: tf.Tensor4D): tf.Tensor2D {
    if (!this.hasClassifier) throw new Error(`TopPrior ${this.name}: built without a classifier`);
    return tf.tidy(() => tf.add(tf.matMul(tf.mean(z, [1, 2]) as tf.Tensor2D, this.v('classifier/kernel') as tf.Tensor2D), this.v('classifier/bias')));
  }

  variables(): Record<string, tf.Variable> {
    return { ...this.vars };
  }

  getConfig(): TopPriorConfig {
    return { shape: [this.shape[0], this.shape[1], this.shape[2]], learnTop: this.learnTop, numClasses: this.numClasses, classifier: this.hasClassifier, name: this.name };
  }

  /** A top prior with the same shape, classes, classifier and variable keys (zero-initialised; load the weights to restore it). */
  static fromConfig(config: TopPriorArgs): TopPrior {
    return new TopPrior(config);
  }

  dispose(): void {
    tf.dispose(Object.values(this.vars));
  }
}

registerLayerClass(TopPrior);
