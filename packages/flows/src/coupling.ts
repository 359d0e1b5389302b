/**
 * Coupling layers (Glow, Kingma & Dhariwal 2018, §3.3, Table 1 row 3; RealNVP, Dinh et al.
 * 2017; NICE, Dinh et al. 2015). The channels split as x = [x_a, x_b] (x_a the first
 * ⌊C/2⌋ channels); x_a passes unchanged and conditions an affine map of x_b:
 *
 *   h = NN([x_a, cond])                            (cond concatenated on the channel axis)
 *   affine, scale 'sigmoid' (Glow's code):  t = h[…, 0::2], s = sigmoid(h[…, 1::2] + 2)
 *       y_b = (x_b + t) ⊙ s                 log|det| = Σ log s      x_b = y_b / s − t
 *   affine, scale 'exp' (the paper's Table 1):  log s = h[…, 1::2]
 *       y_b = x_b ⊙ exp(log s) + t          log|det| = Σ log s      x_b = (y_b − t) ⊙ exp(−log s)
 *   additive (NICE):  t = h
 *       y_b = x_b + t                       log|det| = 0            x_b = y_b − t
 *
 * `h[…, 0::2]` / `h[…, 1::2]` (Glow's interleaved split of the network's output) are taken
 * by reshaping the last axis to [C_b, 2]. The network's last convolution starts at zero,
 * so every coupling starts as the identity (sigmoid(2) ≈ 0.88 for the sigmoid form).
 */
import * as tf from '@tensorflow/tfjs-core';
import { logOnePlusExp } from '@disentangle/kernels';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { CouplingNetwork, spatialCondition } from './conv-net';
import { registerLayerClass } from './serialization';
import { assertChannels, defaultName } from './variables';

export type CouplingKind = 'affine' | 'additive';
export type AffineScale = 'sigmoid' | 'exp';

export interface CouplingArgs {
  /** Channels C of x (at least 2). Required. */
  channels: number;
  /** 'affine' (default) or 'additive'. */
  kind?: CouplingKind;
  /** Scale of the affine form: 'sigmoid' (default, Glow's code) or 'exp'. */
  scale?: AffineScale;
  /** Hidden channels of the coupling network. Default 64. */
  hiddenChannels?: number;
  /** Channels of the optional conditioning input (0, the default, for none). */
  condChannels?: number;
  /** Layer name. Default `coupling_<n>`. */
  name?: string;
  /** N(0,1) source for the network's initial weights. */
  normal?: () => number;
}

/** Coupling's config: its constructor arguments, defaults filled in (the random source `normal` is not config). */
export type CouplingConfig = Required<Omit<CouplingArgs, 'normal'>>;

export class Coupling implements Bijector {
  static readonly className = 'Coupling';
  readonly name: string;
  readonly channels: number;
  readonly kind: CouplingKind;
  readonly scale: AffineScale;
  readonly hiddenChannels: number;
  readonly condChannels: number;
  readonly passChannels: number;
  readonly transformChannels: number;
  readonly network: CouplingNetwork;

  constructor(args: CouplingArgs) {
    if (!Number.isInteger(args.channels) || args.channels < 2) throw new Error(`Coupling: channels must be an integer ≥ 2, got ${args.channels}`);
    this.channels = args.channels;
    this.kind = args.kind ?? 'affine';
    this.scale = args.scale ?? 'sigmoid';
    if (this.kind !== 'affine' && this.kind !== 'additive') throw new Error(`Coupling: kind must be 'affine' or 'additive', got '${String(this.kind)}'`);
    if (this.scale !== 'sigmoid' && this.scale !== 'exp') throw new Error(`Coupling: scale must be 'sigmoid' or 'exp', got '${String(this.scale)}'`);
    this.hiddenChannels = args.hiddenChannels ?? 64;
    this.condChannels = args.condChannels ?? 0;
    this.name = args.name ?? defaultName('coupling');
    this.passChannels = Math.floor(this.channels / 2);
    this.transformChannels = this.channels - this.passChannels;
    const outChannels = this.kind === 'affine' ? 2 * this.transformChannels : this.transformChannels;
    this.network = new CouplingNetwork(`${this.name}/nn`, this.passChannels + this.condChannels, this.hiddenChannels, outChannels, args.normal);
  }

  /** Shift t and log-scale log s (null for additive) from the passive half and cond. */
  private shiftAndLogScale(fn: string, xa: tf.Tensor4D, cond?: tf.Tensor): { shift: tf.Tensor; logScale: tf.Tensor | null } {
    const [n, h, w] = xa.shape;
    let input = xa;
    if (this.condChannels > 0) {
      if (cond === undefined) throw new Error(`${fn}: this coupling was built with condChannels ${this.condChannels} and needs a cond input`);
      input = tf.concat([xa, spatialCondition(fn, cond, n, h, w, this.condChannels)], 3);
    }
    const out = this.network.apply(input);
    if (this.kind === 'additive') return { shift: out, logScale: null };
    const pairs = tf.reshape(out, [n, h, w, this.transformChannels, 2]);
    const [shift, raw] = tf.split(pairs, 2, 4).map((t) => tf.reshape(t, [n, h, w, this.transformChannels]));
    // log sigmoid(r + 2) = −softplus(−(r + 2)), computed stably.
    const logScale = this.scale === 'sigmoid' ? tf.neg(logOnePlusExp(tf.neg(tf.add(raw, 2)))) : raw;
    return { shift, logScale };
  }

  private checkInput(fn: string, x: tf.Tensor): void {
    assertChannels(fn, 'input', x, this.channels);
  }

  forward(x: tf.Tensor, cond?: tf.Tensor): ForwardResult {
    const fn = 'Coupling.forward';
    this.checkInput(fn, x);
    return tf.tidy(() => {
      const [xa, xb] = tf.split(x, [this.passChannels, this.transformChannels], 3) as tf.Tensor4D[];
      const { shift, logScale } = this.shiftAndLogScale(fn, xa, cond);
      if (logScale === null) return { y: tf.concat([xa, tf.add(xb, shift)], 3), logDet: tf.zeros([x.shape[0]]) as tf.Tensor1D };
      const yb = this.scale === 'sigmoid' ? tf.mul(tf.add(xb, shift), tf.exp(logScale)) : tf.add(tf.mul(xb, tf.exp(logScale)), shift);
      return { y: tf.concat([xa, yb], 3), logDet: tf.sum(logScale, [1, 2, 3]) as tf.Tensor1D };
    });
  }

  inverse(y: tf.Tensor, cond?: tf.Tensor): InverseResult {
    const fn = 'Coupling.inverse';
    this.checkInput(fn, y);
    return tf.tidy(() => {
      const [ya, yb] = tf.split(y, [this.passChannels, this.transformChannels], 3) as tf.Tensor4D[];
      const { shift, logScale } = this.shiftAndLogScale(fn, ya, cond);
      if (logScale === null) return { x: tf.concat([ya, tf.sub(yb, shift)], 3), logDet: tf.zeros([y.shape[0]]) as tf.Tensor1D };
      const inverseScale = tf.exp(tf.neg(logScale));
      const xb = this.scale === 'sigmoid' ? tf.sub(tf.mul(yb, inverseScale), shift) : tf.mul(tf.sub(yb, shift), inverseScale);
      return { x: tf.concat([ya, xb], 3), logDet: tf.neg(tf.sum(logScale, [1, 2, 3])) as tf.Tensor1D };
    });
  }

  variables(): Record<string, tf.Variable> {
    return this.network.variables();
  }

  getConfig(): CouplingConfig {
    return { channels: this.channels, kind: this.kind, scale: this.scale, hiddenChannels: this.hiddenChannels, condChannels: this.condChannels, name: this.name };
  }

  /** A coupling with the same architecture and variable keys (fresh weights; load them to restore). */
  static fromConfig(config: CouplingArgs): Coupling {
    return new Coupling(config);
  }

  dispose(): void {
    this.network.dispose();
  }
}

registerLayerClass(Coupling);

export function coupling(args: CouplingArgs): Coupling {
  return new Coupling(args);
}

