/**
 * Invertible 1×1 convolution (Glow, Kingma & Dhariwal 2018, §3.2, Table 1 row 2): every
 * pixel's channel vector is multiplied by a C × C matrix W,
 *   y_{n,h,w,:} = W x_{n,h,w,:}         log |det ∂y/∂x| = H · W_sp · log |det W|
 * (H, W_sp the spatial size), inverse x = W⁻¹ y.
 *
 * Two parameterisations:
 *  - `lu` (§3.2 "LU decomposition", Glow code `invertible_1x1_conv` with `use_lu`):
 *      W = P L (U + diag(sign(s) ⊙ exp(log|s|)))
 *    with P a fixed permutation, L unit lower triangular, U strictly upper triangular;
 *    log |det W| = Σ_c log|s_c|, so the log-determinant costs O(C). Initialised from the LU
 *    factors of a random rotation. The triangles are cut out with constant masks (tfjs's
 *    bandPart has a broken gradient). P and sign(s) are non-trainable variables so they are
 *    saved with the weights.
 *  - `plain`: W itself is the variable; log |det W| is computed in float64 JS by LU
 *    decomposition, with its gradient ∂ log|det W| / ∂W = W⁻ᵀ supplied by tf.customGrad.
 *
 * The inverse used for sampling, W⁻¹, is computed exactly in float64 JS for both.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { invertMatrix, logAbsDeterminant, luDecompose, multiplyMatrices, randomOrthogonalMatrix, transposeMatrix } from './linear-algebra';
import { registerLayerClass } from './serialization';
import { assertChannels, createVariable, defaultName } from './variables';

export type InvertibleConvParameterization = 'lu' | 'plain';

export interface InvertibleConv1x1Args {
  /** Number of channels C. Required. */
  channels: number;
  /** `lu` (default) or `plain`. */
  parameterization?: InvertibleConvParameterization;
  /** Layer name. Default `invconv_<n>`. */
  name?: string;
  /** Source of N(0,1) numbers for the random rotation. Default Math.random through Box–Muller. */
  normal?: () => number;
}

function mathRandomNormal(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

/** y = x W ᵀ applied per pixel: x [N,H,W,C], w [C,C] (y_c = Σ_k W[c,k] x_k). */
export function applyChannelMatrix(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const [n, h, wd, c] = x.shape;
    const flat = tf.reshape(x, [n * h * wd, c]);
    return tf.reshape(tf.matMul(flat, tf.transpose(w)), [n, h, wd, c]);
  });
}

/** log |det W| with the gradient W⁻ᵀ, both in float64 JS (W is small). */
export function logAbsDeterminantTensor(w: tf.Tensor2D): tf.Scalar {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const matrix = args[0] as tf.Tensor2D;
    const n = matrix.shape[0];
    const values = matrix.dataSync();
    const { logAbsDet } = logAbsDeterminant(values, n);
    if (!Number.isFinite(logAbsDet)) throw new Error(`logAbsDeterminantTensor: the ${n}×${n} matrix is singular`);
    const inverseTransposed = transposeMatrix(invertMatrix(values, n), n);
    return {
      value: tf.scalar(logAbsDet),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.tensor2d(Float32Array.from(inverseTransposed), [n, n])),
    };
  });
  return op(w) as tf.Scalar;
}

/** InvertibleConv1x1's config (the random source `normal` is not config). */
export interface InvertibleConv1x1Config {
  channels: number;
  parameterization: InvertibleConvParameterization;
  name: string;
}

export class InvertibleConv1x1 implements Bijector {
  static readonly className = 'InvertibleConv1x1';
  readonly name: string;
  readonly channels: number;
  readonly parameterization: InvertibleConvParameterization;
  private readonly vars: Record<string, tf.Variable>;
  private readonly lowerMask?: tf.Tensor2D;
  private readonly upperMask?: tf.Tensor2D;
  private readonly eye?: tf.Tensor2D;

  constructor(args: InvertibleConv1x1Args) {
    const c = args.channels;
    if (!Number.isInteger(c) || c <= 0) throw new Error(`InvertibleConv1x1: channels must be a positive integer, got ${c}`);
    this.channels = c;
    this.parameterization = args.parameterization ?? 'lu';
    if (this.parameterization !== 'lu' && this.parameterization !== 'plain') {
      throw new Error(`InvertibleConv1x1: parameterization must be 'lu' or 'plain', got '${String(this.parameterization)}'`);
    }
    this.name = args.name ?? defaultName('invconv');
    const rotation = randomOrthogonalMatrix(c, args.normal ?? mathRandomNormal);
    const key = (w: string) => `${this.name}/${w}`;
    if (this.parameterization === 'plain') {
      this.vars = { [key('weight')]: createVariable(key('weight'), tf.tensor2d(Float32Array.from(rotation), [c, c])) };
      return;
    }
    // rotation = Pᵀ L U with P from partial pivoting (P·rotation = L U), so W = permutation · L · U with permutation = Pᵀ.
    const { lu, pivots } = luDecompose(rotation, c);
    const permutation = new Float32Array(c * c);
    for (let i = 0; i < c; i++) permutation[pivots[i] * c + i] = 1;
    const lower = new Float32Array(c * c);
    const upper = new Float32Array(c * c);
    const signS = new Float32Array(c);
    const logS = new Float32Array(c);
    const lowerMask = new Float32Array(c * c);
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < c; j++) {
        if (j < i) { lower[i * c + j] = lu[i * c + j]; lowerMask[i * c + j] = 1; }
        if (j > i) upper[i * c + j] = lu[i * c + j];
      }
      signS[i] = Math.sign(lu[i * c + i]);
      logS[i] = Math.log(Math.abs(lu[i * c + i]));
    }
    this.vars = {
      [key('permutation')]: createVariable(key('permutation'), tf.tensor2d(permutation, [c, c]), false),
      [key('lower')]: createVariable(key('lower'), tf.tensor2d(lower, [c, c])),
      [key('upper')]: createVariable(key('upper'), tf.tensor2d(upper, [c, c])),
      [key('sign_s')]: createVariable(key('sign_s'), tf.tensor1d(signS), false),
      [key('log_s')]: createVariable(key('log_s'), tf.tensor1d(logS)),
    };
    this.lowerMask = tf.tensor2d(lowerMask, [c, c]);
    this.upperMask = tf.transpose(this.lowerMask);
    this.eye = tf.eye(c);
  }

  private v(weight: string): tf.Variable {
    return this.vars[`${this.name}/${weight}`];
  }

  /** The current C × C matrix W (a new tensor). */
  weight(): tf.Tensor2D {
    if (this.parameterization === 'plain') return tf.clone(this.v('weight')) as tf.Tensor2D;
    return tf.tidy(() => {
      const lower = tf.add(tf.mul(this.v('lower'), this.lowerMask!), this.eye!);
      const diagonal = tf.mul(this.eye!, tf.mul(this.v('sign_s'), tf.exp(this.v('log_s'))));
      const upper = tf.add(tf.mul(this.v('upper'), this.upperMask!), diagonal);
      return tf.matMul(this.v('permutation') as tf.Tensor2D, tf.matMul(lower, upper));
    });
  }

  /** log |det W| as a scalar tensor (differentiable). */
  logAbsDetWeight(): tf.Scalar {
    if (this.parameterization === 'lu') return tf.sum(this.v('log_s'));
    return logAbsDeterminantTensor(this.v('weight') as tf.Tensor2D);
  }

  forward(x: tf.Tensor): ForwardResult {
    assertChannels('InvertibleConv1x1.forward', 'x', x, this.channels);
    return tf.tidy(() => {
      const [batch, height, width] = x.shape;
      const y = applyChannelMatrix(x, this.weight());
      const logDet = tf.mul(tf.ones([batch]), tf.mul(this.logAbsDetWeight(), height * width)) as tf.Tensor1D;
      return { y, logDet };
    });
  }

  /** x = W⁻¹ y with W⁻¹ computed in float64 JS (not differentiable wrt the weights). */
  inverse(y: tf.Tensor): InverseResult {
    assertChannels('InvertibleConv1x1.inverse', 'y', y, this.channels);
    return tf.tidy(() => {
      const [batch, height, width] = y.shape;
      const c = this.channels;
      const w = this.weight();
      const wValues = Float64Array.from(w.dataSync());
      const inverse = tf.tensor2d(Float32Array.from(invertMatrix(wValues, c)), [c, c]);
      const { logAbsDet } = logAbsDeterminant(wValues, c);
      return {
        x: applyChannelMatrix(y, inverse),
        logDet: tf.fill([batch], -logAbsDet * height * width) as tf.Tensor1D,
      };
    });
  }

  variables(): Record<string, tf.Variable> {
    return { ...this.vars };
  }

  getConfig(): InvertibleConv1x1Config {
    return { channels: this.channels, parameterization: this.parameterization, name: this.name };
  }

  /**
   * A 1×1 convolution with the same parameterisation and variable keys, initialised from a
   * new random rotation (`normal`, default Math.random): load the weights to restore W
   * (for `lu` the permutation and sign(s) are variables too, so they are restored as well).
   */
  static fromConfig(config: InvertibleConv1x1Args): InvertibleConv1x1 {
    return new InvertibleConv1x1(config);
  }

  dispose(): void {
    tf.dispose([...Object.values(this.vars), ...[this.lowerMask, this.upperMask, this.eye].filter((t): t is tf.Tensor2D => t !== undefined)]);
  }
}

registerLayerClass(InvertibleConv1x1);

export function invertibleConv1x1(args: InvertibleConv1x1Args): InvertibleConv1x1 {
  return new InvertibleConv1x1(args);
}

/** Exported for tests and the README: W from its LU factors in float64. */
export function composeLu(permutation: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, n: number): Float64Array {
  return multiplyMatrices(multiplyMatrices(permutation, lower, n), upper, n);
}
